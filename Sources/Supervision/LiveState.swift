/// What the page shows of the live run, as `GET /api/state` and the event stream send it (JSON).
public struct LiveState: Codable, Sendable, Equatable {
    /// One scenario step and how it went.
    public struct Step: Codable, Sendable, Equatable {
        public var index: Int
        public var label: String
        /// `pending`, `running`, `passed` or `failed`.
        public var status: String
        /// The gate's verdict (`allow`, `deny`, `ask`…), its rule and message, once the step ended.
        public var verdict: String?
        public var rule: String?
        public var message: String?
        /// Why the step failed.
        public var error: String?
    }

    /// An approval asked of a person, pending or answered.
    public struct Approval: Codable, Sendable, Equatable {
        public var id: Int
        /// `action` or `resume`.
        public var kind: String
        public var step: String?
        /// The action as recorded, the whole command for `run` steps.
        public var action: String
        public var window: String?
        public var reason: String
        public var rule: String
        /// The point the action aims at, marked on the approval's screenshot.
        public var target: [Int]?
        /// `approve`, `deny`, `always`, or nil while pending (or when nobody answered).
        public var answer: String?
        /// Who answered (`terminal`, `reviewer (Pixel 7)`).
        public var by: String?
        /// The answer has been given, or the question withdrawn.
        public var settled: Bool
    }

    /// A `run` step's command with the end of its output so far.
    public struct Command: Codable, Sendable, Equatable {
        public var command: String
        public var stdout: String
        public var stderr: String
    }

    /// `idle` (no run: `foredesk serve`), `running`, `passed`, `failed` or `aborted`.
    public var status: String = "idle"
    /// The session folder's name.
    public var session: String?
    public var scenario: String?
    public var failure: String?
    public var steps: [Step] = []
    /// Approvals waiting for an answer.
    public var pending: [Approval] = []
    /// The last approvals answered, newest last.
    public var answered: [Approval] = []
    /// The last commands of `run` steps, newest last.
    public var commands: [Command] = []
    /// Changes with every new screenshot; 0 before the first (`/api/screen.png?v=N`).
    public var screen: Int = 0
    /// Changes with every change of this state.
    public var version: Int = 0
}
