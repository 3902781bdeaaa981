public import Policy

/// The gate's decision as recorded: the verdict, the rule that decided and its message.
public struct DecisionRecord: Sendable, Equatable {
    /// `allow`, `deny`, `ask` or `pause`.
    public var verdict: String
    /// The rule id (`foreground.not_launched`); kept as text so sessions from newer versions still read.
    public var rule: String
    /// The reason for people.
    public var message: String
    /// The policy rule that matched (`ask[2]`), when there is one.
    public var policyRule: String?

    /// A record from its parts.
    public init(verdict: String, rule: String, message: String, policyRule: String? = nil) {
        self.verdict = verdict
        self.rule = rule
        self.message = message
        self.policyRule = policyRule
    }

    /// The record of a gate decision.
    public init(_ decision: Decision) {
        self.init(
            verdict: decision.verdict, rule: decision.reason.rule.rawValue, message: decision.reason.message,
            policyRule: decision.reason.policyRule)
    }

    /// True for `allow`.
    public var isAllowed: Bool { verdict == "allow" }

    var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("verdict", .string(verdict)), .init("rule", .string(rule)), .init("message", .string(message)),
        ]
        if let policyRule { members.append(.init("policy_rule", .string(policyRule))) }
        return .object(members)
    }

    init(json: JSONValue) throws(DecodingProblem) {
        guard let verdict = json["verdict"]?.stringValue, let rule = json["rule"]?.stringValue else {
            throw DecodingProblem("decision needs verdict and rule")
        }
        self.init(
            verdict: verdict, rule: rule, message: json["message"]?.stringValue ?? "",
            policyRule: json["policy_rule"]?.stringValue)
    }
}
