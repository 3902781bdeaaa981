/// A step `RecordingComposer` made from a person's input: the action, when the person did it, and
/// a comment for the scenario file.
public struct RecordedStep: Sendable, Equatable {
    /// What replay does.
    public var action: Step.Action
    /// When the person's input for it began.
    public var time: ContinuousClock.Instant
    /// A line written above the step in the scenario ("a pause of 3.2s"); nil for none.
    public var comment: String?

    /// A step from its parts.
    public init(_ action: Step.Action, at time: ContinuousClock.Instant, comment: String? = nil) {
        self.action = action
        self.time = time
        self.comment = comment
    }
}
