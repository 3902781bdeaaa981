public import Session

/// What a person is asked: to approve an action the gate asked about, or to let a paused run go on.
public struct ApprovalRequest: Sendable, Equatable {
    /// What is being decided.
    public enum Kind: String, Sendable {
        /// An action that an `ask` rule or the approval mode holds back.
        case action
        /// Going on after a pause (someone else used the desktop).
        case resume
    }

    /// 1, 2, 3… within the run, so a remote broker can tell requests apart.
    public var id: Int
    /// What is being decided.
    public var kind: Kind
    /// The scenario step (`run.yaml:7:5 click`).
    public var step: String?
    /// The action as recorded (`click x=80 y=40`); secret text is already replaced.
    public var action: String
    /// The window the action goes to, when there is one.
    public var window: String?
    /// Why the gate asked or paused.
    public var reason: String
    /// The gate's rule id (`ask`, `pause.human_input`).
    public var rule: String

    /// A request from its parts.
    public init(
        id: Int, kind: Kind, step: String?, action: String, window: String?, reason: String, rule: String
    ) {
        self.id = id
        self.kind = kind
        self.step = step
        self.action = action
        self.window = window
        self.reason = reason
        self.rule = rule
    }
}

/// A person's answer.
public enum ApprovalAnswer: String, Sendable, Equatable {
    /// Go ahead, this once.
    case approve
    /// Do not; the step fails.
    case deny
    /// Go ahead, and do not ask again for this rule (or, for a pause, this kind of pause) during the run.
    case always
}

/// An answer with who gave it and when, as `events.jsonl` records it.
public struct ApprovalResponse: Sendable, Equatable {
    /// The answer.
    public var answer: ApprovalAnswer
    /// Who answered: the broker's name (`terminal`), or a person's name a remote broker knows.
    public var by: String
    /// When the answer was given.
    public var time: Timestamp

    /// A response from its parts.
    public init(answer: ApprovalAnswer, by: String, time: Timestamp = .now) {
        self.answer = answer
        self.by = by
        self.time = time
    }
}

/// Where approval requests go: a terminal prompt, and later a remote supervisor (HTTP, a phone).
///
/// `ask` blocks the run until it answers, until `cancelled` turns true (a timeout, an interrupt, or
/// another broker answered first), or returns nil at once when it has nobody to ask. Afterwards every
/// broker that was asked hears the outcome through `settled`, so it can take down its question.
public protocol ApprovalBroker: Sendable {
    /// The name recorded when this broker answers (`terminal`).
    var name: String { get }
    /// Asks a person; nil when nobody can be asked or the request was cancelled first.
    func ask(_ request: ApprovalRequest, cancelled: @escaping @Sendable () -> Bool) -> ApprovalResponse?
    /// The request was settled: by response (perhaps another broker's), or by nobody (nil: timed out).
    func settled(_ request: ApprovalRequest, by response: ApprovalResponse?)
}
