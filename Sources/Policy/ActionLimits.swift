/// How much a run may do (`limits:`); nil means no limit.
public struct ActionLimits: Sendable, Equatable {
    /// The most actions in one run.
    public var maxActions: Int?
    /// The longest a run may take.
    public var maxDuration: Duration?
    /// The most actions within any one second.
    public var maxActionsPerSecond: Int?
    /// The most screenshots an agent may take within any one minute (the agent door counts them).
    public var maxScreenshotsPerMinute: Int?

    /// Limits from their parts.
    public init(
        maxActions: Int? = nil, maxDuration: Duration? = nil, maxActionsPerSecond: Int? = nil, maxScreenshotsPerMinute: Int? = nil
    ) {
        self.maxActions = maxActions
        self.maxDuration = maxDuration
        self.maxActionsPerSecond = maxActionsPerSecond
        self.maxScreenshotsPerMinute = maxScreenshotsPerMinute
    }
}
