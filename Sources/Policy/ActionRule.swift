/// One `ask:` or `allow:` rule: every field it names must match (a list field matches any of its
/// entries); a field left out matches anything.
public struct ActionRule: Sendable, Equatable {
    /// The rule's id in reasons and session approvals: `ask[2]`, `allow[1]` (counted from 1).
    public var id: String
    /// Action kinds the rule covers; nil for any.
    public var kinds: Set<Action.Kind>?
    /// Window classes (WM_CLASS class or instance, any case) of the window the action goes to; nil for any.
    public var windowClasses: [String]?
    /// A pattern the command line of a `launch` or `run` must contain; nil for any.
    public var command: CommandPattern?
    /// Where the rule is written, when it came from a file.
    public var location: SourceLocation?

    /// A rule from its parts.
    public init(
        id: String, kinds: Set<Action.Kind>? = nil, windowClasses: [String]? = nil, command: CommandPattern? = nil,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.kinds = kinds
        self.windowClasses = windowClasses
        self.command = command
        self.location = location
    }

    /// True when action, going to window (nil for actions without one), matches every named field.
    func matches(_ action: Action, window: WindowFacts?) -> Bool {
        if let kinds, !kinds.contains(action.kind) { return false }
        if let windowClasses {
            guard let window, windowClasses.contains(where: window.hasClass) else { return false }
        }
        if let command {
            guard let line = action.command, command.matches(line) else { return false }
        }
        return true
    }

    /// `ask[2] (policy.yaml:14:5)`, the way reasons cite a rule.
    var citation: String { location.map { "\(id) (\($0))" } ?? id }
}
