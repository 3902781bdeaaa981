/// Why the gate decided as it did: a rule id for machines and a sentence for people.
public struct Reason: Sendable, Equatable, CustomStringConvertible {
    /// The rule that decided.
    public var rule: RuleID
    /// What happened and, for denials, what would make it allowed; never typed text.
    public var message: String
    /// The policy rule that matched (`ask[2]`), for approvals that last the session.
    public var policyRule: String?

    /// A reason from its parts.
    public init(_ rule: RuleID, _ message: String, policyRule: String? = nil) {
        self.rule = rule
        self.message = message
        self.policyRule = policyRule
    }

    /// `rule.id: message`.
    public var description: String { "\(rule.rawValue): \(message)" }
}

/// The gate's answer for one action.
///
/// `pause` stops the whole run without failing the step: the runner records it, waits until the
/// screen is unlocked and the screensaver gone (`pause.screen_locked`, `pause.screensaver`) or until a
/// person approves going on (`pause.human_input`), and then asks the gate again with fresh facts.
public enum Decision: Sendable, Equatable, CustomStringConvertible {
    /// Go ahead.
    case allow(Reason)
    /// Do not; the step fails with the reason.
    case deny(Reason)
    /// A person must approve first (an approval broker); no broker means deny.
    case ask(Reason)
    /// Stop the run until the condition clears or a person approves, then decide again.
    case pause(Reason)

    /// The reason, whatever the verdict.
    public var reason: Reason {
        switch self {
        case let .allow(reason), let .deny(reason), let .ask(reason), let .pause(reason): reason
        }
    }

    /// `allow`, `deny`, `ask` or `pause`, as written to `events.jsonl`.
    public var verdict: String {
        switch self {
        case .allow: "allow"
        case .deny: "deny"
        case .ask: "ask"
        case .pause: "pause"
        }
    }

    /// True only for `allow`.
    public var isAllowed: Bool {
        if case .allow = self { true } else { false }
    }

    /// `verdict rule.id: message`.
    public var description: String { "\(verdict) \(reason)" }
}
