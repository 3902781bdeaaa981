/// The machine-readable name of the rule behind a decision, as written to `events.jsonl`.
public enum RuleID: String, Sendable, CaseIterable, Hashable {
    /// `limits.max_actions` reached.
    case limitActions = "limit.actions"
    /// `limits.max_duration` reached.
    case limitDuration = "limit.duration"
    /// `limits.max_actions_per_second` reached.
    case limitRate = "limit.rate"
    /// The screen is locked: pause until it is unlocked (rule 3).
    case pauseScreenLocked = "pause.screen_locked"
    /// A screensaver runs: pause until it stops (rule 3).
    case pauseScreensaver = "pause.screensaver"
    /// Someone else is using the desktop: pause until a person approves going on (rule 4).
    case pauseHumanInput = "pause.human_input"
    /// There is no active window to receive input (rule 2).
    case foregroundNoWindow = "foreground.no_window"
    /// The active window is not mapped (rule 2).
    case foregroundNotMapped = "foreground.not_mapped"
    /// The active window is mapped but not viewable (rule 2).
    case foregroundNotViewable = "foreground.not_viewable"
    /// The active window's owner PID is unknown (rule 2).
    case foregroundOwnerUnknown = "foreground.owner_unknown"
    /// The active window belongs to a process the session did not launch (rule 2).
    case foregroundNotLaunched = "foreground.not_launched"
    /// The active window belongs to a launched app that `input.apps` does not name.
    case inputAppNotAllowed = "input.app_not_allowed"
    /// The active window's class is not in `input.window_classes`.
    case inputClassNotAllowed = "input.class_not_allowed"
    /// A pointer action has no point and the pointer's position is unknown.
    case pointerNoTarget = "pointer.no_target"
    /// A pointer target lies outside the active window (rule 2).
    case pointerOutsideWindow = "pointer.outside_window"
    /// The runner did not say which window is topmost at a pointer target (fail closed).
    case pointerTargetUnknown = "pointer.target_unknown"
    /// Another window covers the active window at a pointer target (rule 2).
    case pointerCovered = "pointer.covered"
    /// An `activate` action has no target window.
    case activateNoTarget = "activate.no_target"
    /// A key combination that does not parse.
    case keysInvalid = "keys.invalid"
    /// A key combination in `deny_keys`.
    case keysDenied = "keys.denied"
    /// A key combination that leaves the app, not named in `allow_keys` (rule 5).
    case keysLeaveApp = "keys.leave_app"
    /// An `ask` rule matched: a person must approve.
    case ask = "ask.rule"
    /// An `ask` rule matched under `approval: never`: denied.
    case approvalNever = "approval.never"
    /// Under `approval: untrusted`, an acting action no `allow` rule names: a person must approve.
    case approvalUntrusted = "approval.untrusted"
    /// An `ask` rule matched that a person approved for the rest of the session.
    case approvedForSession = "approval.session"
    /// An `allow` rule matched.
    case allowRule = "allow.rule"
    /// Nothing objected.
    case allowDefault = "allow.default"
}
