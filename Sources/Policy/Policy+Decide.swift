import Imaging

extension Policy {
    /// The gate: allow, deny, ask or pause one action, given what the desktop looks like now.
    ///
    /// Checked in this order, the first objection deciding: limits (deny), a locked screen, a
    /// screensaver or human input (pause, DESIGN rules 3 and 4), the foreground rules for input and
    /// `activate` (deny, rule 2, which no policy can turn off), key combinations (deny, rule 5), then
    /// `ask` rules and the approval mode. Reasons never contain typed text.
    public func decide(_ action: Action, facts: Facts) -> Decision {
        if let denial = limitDenial(action, facts) { return .deny(denial) }
        if let pause = pauseReason(facts) { return .pause(pause) }
        var window: WindowFacts?
        if action.kind.isInput {
            guard let active = facts.activeWindow else {
                return .deny(Reason(.foregroundNoWindow, "\(action) denied: no window is active"))
            }
            if let denial = foregroundDenial(action, active, facts, role: "the active window") { return .deny(denial) }
            if action.kind.isPointer, let denial = pointerDenial(action, active, facts) { return .deny(denial) }
            if action.kind == .key, let denial = keyDenial(action) { return .deny(denial) }
            window = active
        } else if action.kind == .activate {
            guard let target = facts.targetWindow else {
                return .deny(Reason(.activateNoTarget, "activate denied: the runner named no window to activate"))
            }
            // An iconified window is unmapped until activated: only its owner is checked here, and the
            // next input action finds it mapped and viewable or is denied.
            if let denial = ownerDenial(action, target, facts, role: "the window to activate") {
                return .deny(denial)
            }
            window = target
        }
        return approvalDecision(action, window: window, facts: facts)
    }

    private func limitDenial(_ action: Action, _ facts: Facts) -> Reason? {
        if let most = limits.maxActions, facts.actionsSoFar >= most {
            return Reason(
                .limitActions,
                "\(action) denied: the run has done \(facts.actionsSoFar) actions, "
                    + "the policy's limits.max_actions is \(most)")
        }
        if let longest = limits.maxDuration, facts.elapsed >= longest {
            return Reason(
                .limitDuration,
                "\(action) denied: the run has taken \(Self.format(facts.elapsed)), "
                    + "the policy's limits.max_duration is \(Self.format(longest))")
        }
        if let rate = limits.maxActionsPerSecond, facts.actionsInLastSecond >= rate {
            return Reason(
                .limitRate,
                "\(action) denied: \(facts.actionsInLastSecond) actions in the last second, "
                    + "the policy's limits.max_actions_per_second is \(rate); slow down")
        }
        return nil
    }

    private func pauseReason(_ facts: Facts) -> Reason? {
        if facts.screenLocked {
            return Reason(.pauseScreenLocked, "the screen is locked: the run pauses until it is unlocked")
        }
        if facts.screensaverActive {
            return Reason(.pauseScreensaver, "a screensaver is running: the run pauses until it stops")
        }
        if facts.humanInput {
            return Reason(
                .pauseHumanInput, "someone else is using the desktop: the run pauses until a person approves going on")
        }
        return nil
    }

    /// Rule 2 for the window input goes to: mapped, viewable, owned by a launched process that the
    /// `input:` section lets receive input.
    private func foregroundDenial(_ action: Action, _ window: WindowFacts, _ facts: Facts, role: String) -> Reason? {
        guard window.isMapped else {
            return Reason(.foregroundNotMapped, "\(action) denied: \(role) \(window) is not mapped")
        }
        guard window.isViewable else {
            return Reason(
                .foregroundNotViewable, "\(action) denied: \(role) \(window) is not viewable (an ancestor is unmapped)")
        }
        return ownerDenial(action, window, facts, role: role)
    }

    /// Rule 2's owner check: a process the session launched, of an app and class `input:` allows.
    private func ownerDenial(_ action: Action, _ window: WindowFacts, _ facts: Facts, role: String) -> Reason? {
        guard let pid = window.pid else {
            return Reason(
                .foregroundOwnerUnknown,
                "\(action) denied: the owner of \(role) \(window) is unknown (no X-Resource client PID)")
        }
        guard let app = facts.launchedProcesses[pid] else {
            return Reason(
                .foregroundNotLaunched,
                "\(action) denied: \(role) \(window) belongs to PID \(pid), which this session did not launch")
        }
        if let apps = input.apps, !apps.contains(app) {
            return Reason(
                .inputAppNotAllowed,
                "\(action) denied: \(role) \(window) belongs to app '\(app)', "
                    + "which the policy's input.apps does not name")
        }
        if let classes = input.windowClasses, !classes.contains(where: window.hasClass) {
            return Reason(
                .inputClassNotAllowed,
                "\(action) denied: the class of \(role) \(window) is not in the policy's input.window_classes")
        }
        return nil
    }

    /// Rule 2 for each pointer target: inside the active window, and that window topmost there.
    ///
    /// A menu or tooltip of the same process (an override-redirect window) may lie on top, and then
    /// the point may lie anywhere in it.
    private func pointerDenial(_ action: Action, _ active: WindowFacts, _ facts: Facts) -> Reason? {
        let targets: [Point?] =
            action.kind == .drag ? [action.point ?? facts.pointer, action.endPoint] : [action.point ?? facts.pointer]
        for target in targets {
            guard let point = target else {
                return Reason(.pointerNoTarget, "\(action) denied: the target point is not known")
            }
            guard let topmost = facts.windowsAtTargets[point] else {
                return Reason(
                    .pointerTargetUnknown,
                    "\(action) denied: the runner did not say which window is topmost at \(point)")
            }
            let isOwnPopup =
                topmost.id != active.id && topmost.isOverrideRedirect && topmost.isViewable
                && topmost.pid != nil && topmost.pid == active.pid && topmost.frame.contains(point)
            if isOwnPopup { continue }
            guard active.frame.contains(point) else {
                return Reason(
                    .pointerOutsideWindow,
                    "\(action) denied: \(point) lies outside the active window \(active) at \(active.frame)")
            }
            guard topmost.id == active.id else {
                return Reason(
                    .pointerCovered,
                    "\(action) denied: at \(point) the window \(topmost) covers the active window \(active)")
            }
        }
        return nil
    }

    /// Rule 5 and `deny_keys`.
    private func keyDenial(_ action: Action) -> Reason? {
        let text = action.keys ?? ""
        let combination: KeyCombination
        do {
            combination = try KeyCombination(parsing: text)
        } catch {
            return Reason(.keysInvalid, "key denied: \(error)")
        }
        guard let (rule, pattern) = keys.denial(of: combination) else { return nil }
        switch rule {
        case .keysDenied:
            return Reason(rule, "key \(combination) denied: the policy's deny_keys lists \(pattern)")
        default:
            return Reason(
                rule,
                "key \(combination) denied: \(pattern) leaves the app (a virtual terminal, X server or "
                    + "window-manager shortcut); name it in allow_keys to allow it")
        }
    }

    /// `ask` rules and the approval mode, for an action every other rule allowed.
    private func approvalDecision(_ action: Action, window: WindowFacts?, facts: Facts) -> Decision {
        if let rule = ask.first(where: { $0.matches(action, window: window) }) {
            if facts.approvedForSession.contains(rule.id) {
                return .allow(
                    Reason(
                        .approvedForSession, "\(action) allowed: \(rule.citation) was approved for this session",
                        policyRule: rule.id))
            }
            if approval == .never {
                return .deny(
                    Reason(
                        .approvalNever,
                        "\(action) denied: \(rule.citation) needs approval and the policy's approval is never",
                        policyRule: rule.id))
            }
            return .ask(Reason(.ask, "\(action) needs approval: \(rule.citation)", policyRule: rule.id))
        }
        if let rule = allow.first(where: { $0.matches(action, window: window) }) {
            return .allow(Reason(.allowRule, "\(action) allowed by \(rule.citation)", policyRule: rule.id))
        }
        if approval == .untrusted, action.kind.isActing {
            return .ask(
                Reason(
                    .approvalUntrusted,
                    "\(action) needs approval: the policy's approval is untrusted and no allow rule names it"))
        }
        return .allow(Reason(.allowDefault, "\(action) allowed"))
    }

    /// `10m`, `1h30m`, `2.5s`: durations the way the policy writes them.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        var rest = milliseconds / 1000
        var text = ""
        if rest >= 3600 { text += "\(rest / 3600)h"; rest %= 3600 }
        if rest >= 60 { text += "\(rest / 60)m"; rest %= 60 }
        if rest > 0 || text.isEmpty { text += "\(rest)s" }
        return text
    }
}
