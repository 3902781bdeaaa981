import Desktop
import Foundation
import Imaging
import Policy
import Processes
import Sandbox
import Session

// The gate: the desktop facts an action is judged on, and what a decision does to the step.
extension ScenarioRunner {
    func facts(targets: [Point] = [], targetWindow: WindowInfo? = nil) throws -> (Facts, WindowInfo?) {
        lastFactsQuery = (targets, targetWindow)
        let active = try desktop.activeWindowID().flatMap { try? desktop.window($0) }
        var launchedPIDs: [Int32: String] = [:]
        for (app, process) in launched {
            launchedPIDs[process.process.pid] = app
            for pid in process.cgroup?.processIDs() ?? [] { launchedPIDs[pid] = app }
        }
        var windowsAt: [Point: WindowFacts] = [:]
        var owners = [active, targetWindow].compactMap { $0?.pid }
        if !targets.isEmpty {
            // One XTranslateCoordinates per point finds the topmost window there; only when that is
            // the banner (it lets pointer input through: an empty input region, so it covers nothing)
            // or something unknown are all windows described.
            var stack: [WindowInfo]?
            for point in targets {
                var top: WindowInfo?
                switch try desktop.topWindow(at: point) {
                case let .window(window) where window.id != banner: top = window
                case .desktop: top = nil
                case .window, .unknown:
                    if stack == nil { stack = try desktop.windows().filter { $0.id != banner } }
                    top = stack?.last { $0.isViewable && $0.frame.contains(point) }
                }
                if let top {
                    windowsAt[point] = Self.facts(top)
                    if let pid = top.pid { owners.append(pid) }
                } else if desktop.screenBounds.contains(point) {
                    // No top-level window there: the desktop's background is what a click would hit.
                    windowsAt[point] = WindowFacts(id: 0, title: "(root window)", pid: nil, frame: desktop.screenBounds)
                }
            }
        }
        for pid in owners where launchedPIDs[pid] == nil {
            if let app = launchedAncestor(of: pid) { launchedPIDs[pid] = app }
        }
        let now = runNow
        let pointer = try? desktop.pointerPosition()
        let activeFacts = active.map(Self.facts)
        // Real devices (XInput2 raw events not from an XTEST device): seen once, it stands until a
        // person approves going on.
        if !takeover.ignored, let seen = try? humanInput?.foreignInput() { realInput = seen }
        let takenOver =
            takeover.change(pointer: pointer, active: activeFacts, launched: launchedPIDs)
            ?? realInput.map { "someone used a real input device (\($0)) during the run" }
        // Rule 3 concerns a desktop someone uses; a private display's screensaver is nobody's.
        let screensaver = options.display != nil && (try? desktop.screensaverActive()) == true
        let facts = Facts(
            activeWindow: activeFacts, launchedProcesses: launchedPIDs,
            pointer: pointer, windowsAtTargets: windowsAt,
            targetWindow: targetWindow.map(Self.facts), screensaverActive: screensaver, humanInput: takenOver != nil,
            actionsSoFar: actionTimes.count,
            elapsed: now - start, actionsInLastSecond: actionTimes.filter { now - $0 < .seconds(1) }.count,
            approvedForSession: approvedForRun)
        return (facts, active)
    }

    /// The app whose sandbox helper is an ancestor of pid (the app runs below it, in its own PID namespace).
    func launchedAncestor(of pid: Int32) -> String? {
        var current = pid
        for _ in 0..<64 {
            if let entry = launched.first(where: { $0.process.process.pid == current }) { return entry.app }
            guard let stat = try? String(contentsOfFile: "/proc/\(current)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]), parent > 1 else { return nil }
            current = parent
        }
        return nil
    }

    static func facts(_ window: WindowInfo) -> WindowFacts {
        WindowFacts(
            id: window.id.rawValue, title: window.title, className: window.className,
            instanceName: window.instanceName, pid: window.pid, frame: window.frame, isMapped: window.isMapped,
            isViewable: window.isViewable, isOverrideRedirect: window.isOverrideRedirect)
    }

    /// Puts action to the gate and records the decision; throws unless it is allowed.
    ///
    /// `ask` goes to the approval broker; `pause` waits (for approval, or for the screen to come back)
    /// and then asks the gate again with fresh facts.
    func check(_ action: Action, _ facts: Facts, _ event: inout Event) throws {
        var facts = facts
        while true {
            let decision = gate.decide(action, facts: facts)
            if event.action.parameters.isEmpty { event.action = RecordedAction(action) }
            event.decision = DecisionRecord(decision)
            if let window = facts.activeWindow { event.foreground = WindowRecord(window) }
            event.pointer = facts.pointer
            switch decision {
            case .allow:
                actionTimes.append(runNow)
                expectPointer(after: action, facts)
                return
            case let .deny(reason):
                throw StepFailure("denied by the policy (\(reason.rule.rawValue)): \(reason.message)")
            case let .ask(reason):
                try waitingForPerson {
                    try approve(action, reason, window: facts.activeWindow ?? facts.targetWindow, &event)
                }
                actionTimes.append(runNow)
                expectPointer(after: action, facts)
                return
            case let .pause(reason):
                try waitingForPerson { try pause(reason, facts: facts) }
                facts = try self.facts(targets: lastFactsQuery.targets, targetWindow: lastFactsQuery.window).0
            }
        }
    }

    /// Asks the approval broker about an action the gate asked about; throws unless approved.
    func approve(_ action: Action, _ reason: Reason, window: WindowFacts?, _ event: inout Event) throws {
        let key = reason.policyRule ?? "kind:" + action.kind.rawValue
        if approvedForRun.contains(key) {
            event.decision = DecisionRecord(
                verdict: "allow", rule: "approval.always",
                message: "\(action) allowed: approved for the rest of the run earlier", policyRule: reason.policyRule)
            return
        }
        let request = nextRequest(.action, RecordedAction(action).description, window, reason)
        let response = ask(request, timeout: options.approvalTimeout)
        switch response?.answer {
        case .approve?, .always?:
            if response?.answer == .always { approvedForRun.insert(key) }
            event.decision = DecisionRecord(
                verdict: "allow", rule: "approval.approved",
                message: "\(action) approved by \(response?.by ?? "")", policyRule: reason.policyRule)
        case .deny?:
            throw StepFailure("denied by \(response?.by ?? "") (\(reason.rule.rawValue)): \(reason.message)")
        case nil where isInterrupted:
            throw StepFailure("interrupted while waiting for approval (\(reason.rule.rawValue)): \(reason.message)")
        case nil where options.approvals != nil && lastAskTimedOut:
            throw StepFailure(
                "denied (\(reason.rule.rawValue)): \(reason.message) — nobody answered within "
                    + "\(Self.format(options.approvalTimeout)): denied")
        case nil:
            throw StepFailure(
                "denied (\(reason.rule.rawValue)): \(reason.message) — nobody could be asked (foredesk is not on a "
                    + "terminal, or nobody answered within \(Self.format(options.approvalTimeout))), so what needs approval is denied")
        }
    }

    /// Waits out a pause: until a person approves going on (someone else used the desktop) or the screen
    /// is back (locked, screensaver); throws after `pauseTimeout`, on a "no", or when interrupted.
    func pause(_ reason: Reason, facts: Facts) throws {
        let deadline = clock.now + options.pauseTimeout
        let human = reason.rule == .pauseHumanInput
        let what =
            human
            ? "user took over: "
                + (takeover.change(
                    pointer: facts.pointer, active: facts.activeWindow, launched: facts.launchedProcesses)
                    ?? realInput.map { "someone used a real input device (\($0)) during the run" }
                    ?? reason.message)
            : reason.message
        _ = try? session.record(
            Event(
                step: currentStep, action: RecordedAction(kind: "pause"),
                decision: DecisionRecord(Decision.pause(reason)), foreground: facts.activeWindow.map(WindowRecord.init),
                pointer: facts.pointer, error: what))
        options.progress?("\(currentStep ?? "run"): paused: \(what)")
        guard human else {
            // Rule 3: nobody approves a locked screen away; wait until the gate stops pausing.
            while true {
                if isInterrupted { throw StepFailure("interrupted while paused: \(what)") }
                if clock.now >= deadline {
                    throw StepFailure("\(what) — still so after \(Self.format(options.pauseTimeout)), the pause timeout")
                }
                blockingSleep(.milliseconds(250))
                let fresh = try self.facts(targets: lastFactsQuery.targets, targetWindow: lastFactsQuery.window).0
                if !fresh.screenLocked && !fresh.screensaverActive { return }
            }
        }
        let request = nextRequest(.resume, "resume the run", facts.activeWindow, Reason(reason.rule, what))
        let response = ask(request, timeout: options.pauseTimeout, deadline: deadline)
        if response == nil {
            // Nobody to ask (no terminal) or nobody answered: the pause runs out its time.
            while clock.now < deadline && !isInterrupted { blockingSleep(.milliseconds(50)) }
        }
        if isInterrupted { throw StepFailure("interrupted while paused: \(what)") }
        switch response?.answer {
        case .approve?, .always?:
            if response?.answer == .always { takeover.ignored = true }
            // What the person did until they approved is theirs to have done.
            realInput = nil
            _ = try? humanInput?.foreignInput()
            takeBaseline()
        case .deny?:
            throw StepFailure("\(what) — \(response?.by ?? "") did not approve going on")
        case nil:
            throw StepFailure("\(what) — nobody approved going on within \(Self.format(options.pauseTimeout)), the pause timeout")
        }
    }

    /// Runs body, a wait for a person, off the run's clock: it counts neither toward
    /// `limits.max_duration` nor toward the step's own timeout.
    func waitingForPerson<T>(_ body: () throws -> T) rethrows -> T {
        let begun = clock.now
        defer { waited += clock.now - begun }
        return try body()
    }

    func nextRequest(
        _ kind: ApprovalRequest.Kind, _ action: String, _ window: WindowFacts?, _ reason: Reason
    ) -> ApprovalRequest {
        approvalCount += 1
        return ApprovalRequest(
            id: approvalCount, kind: kind, step: currentStep, action: action, window: window.map { "\($0)" },
            reason: reason.message, rule: reason.rule.rawValue)
    }

    /// Puts request to the broker for up to timeout (or until deadline) and records the answer (or
    /// that there was none). While an action waits, the launched apps are frozen (`AppFreeze`).
    func ask(
        _ request: ApprovalRequest, timeout: Duration, deadline: ContinuousClock.Instant? = nil
    ) -> ApprovalResponse? {
        let control = options.control
        let deadline = deadline ?? clock.now + timeout
        let limit = Date(timeIntervalSinceNow: Double(Self.milliseconds(deadline - clock.now)) / 1000)
        let cancelled: @Sendable () -> Bool = { control?.signal != nil || Date() >= limit }
        // What the apps do while a person decides would happen behind the question's back; a
        // resume is different: the person is using those apps.
        let freeze = request.kind == .action ? AppFreeze(launched.map { ($0.app, $0.process) }) : nil
        if let feed = options.feed {
            if let frame = try? redactedCapture() { feed.screen(frame) }
            feed.approvalPending(request, target: lastFactsQuery.targets.first)
        }
        let response = options.approvals?.ask(request, cancelled: cancelled)
        freeze?.thaw()
        lastAskTimedOut = response == nil && control?.signal == nil && clock.now >= deadline
        options.approvals?.settled(request, by: response)
        options.feed?.approvalSettled(request, response)
        let answer = response?.answer.rawValue ?? "none"
        var parameters: [JSONValue.Member] = [
            .init("request", .int(request.id)), .init("about", .string(request.kind.rawValue)),
            .init("asked", .string(request.action)), .init("answer", .string(answer)),
            .init("by", .string(response?.by ?? "nobody")),
        ]
        if let response { parameters.append(.init("answered_at", .string(response.time.iso8601))) }
        if let freeze { parameters.append(.init("apps_frozen", .string(freeze.description))) }
        let unanswered =
            lastAskTimedOut
            ? "nobody answered within \(Self.format(timeout)): denied"
            : control?.signal != nil ? "interrupted before anybody answered" : "nobody answered (no terminal)"
        let allowed = response?.answer == .approve || response?.answer == .always
        _ = try? session.record(
            Event(
                time: response?.time ?? .now, step: currentStep,
                action: RecordedAction(kind: "approval", parameters: parameters),
                decision: DecisionRecord(
                    verdict: allowed ? "allow" : "deny", rule: "approval." + answer,
                    message: response.map { "\($0.by) answered \($0.answer.rawValue): \(request.reason)" }
                        ?? "\(unanswered): \(request.reason)")))
        return response
    }

    /// Where an allowed action leaves the pointer: its (end) point, or where the pointer already is.
    func expectPointer(after action: Action, _ facts: Facts) {
        expectedPointer = action.endPoint ?? action.point ?? facts.pointer
    }

    /// What the desktop looks like after foredesk's own doing: the takeover watch compares with it.
    ///
    /// The pointer is where foredesk's last action put it, not where it is now: someone may have moved
    /// it while the step waited for the screen to settle.
    func takeBaseline() {
        let pointer = expectedPointer ?? (try? desktop.pointerPosition())
        expectedPointer = nil
        let active = try? desktop.activeWindowID()
        takeover.baseline(pointer: pointer, active: active?.rawValue)
    }
}
