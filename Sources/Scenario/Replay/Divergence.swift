public import Session

/// Where a replay first stopped matching its recording, and the evidence.
public struct Divergence: Sendable, Equatable {
    /// The step's number, 1-based, in the scenario.
    public var stepNumber: Int
    /// The step's label (`file:line:column kind`).
    public var step: String
    /// What differed, in one sentence.
    public var reason: String
    /// The recorded frame, the replay's screen and their difference, as saved in the replay's session
    /// folder (relative paths); nil when the divergence was not in pixels.
    public var recordedFrame: String?
    public var actualFrame: String?
    public var diffFrame: String?
    /// What the gate decided in the recording and in the replay.
    public var recordedDecision: DecisionRecord?
    public var replayDecision: DecisionRecord?

    public init(
        stepNumber: Int, step: String, reason: String, recordedFrame: String? = nil, actualFrame: String? = nil,
        diffFrame: String? = nil, recordedDecision: DecisionRecord? = nil, replayDecision: DecisionRecord? = nil
    ) {
        self.stepNumber = stepNumber
        self.step = step
        self.reason = reason
        self.recordedFrame = recordedFrame
        self.actualFrame = actualFrame
        self.diffFrame = diffFrame
        self.recordedDecision = recordedDecision
        self.replayDecision = replayDecision
    }
}

/// How a replay ended, beside the run's own result.
public struct ReplaySummary: Sendable, Equatable {
    /// Steps whose screen was compared with a recorded frame and matched.
    public var matchedFrames: Int = 0
    /// Steps the recording kept no after-frame for (recorded without `--frames all`), so only their
    /// outcome and decision were compared.
    public var uncompared: Int = 0
    /// The first divergence; nil when the replay matched as far as it went.
    public var divergence: Divergence?
    /// The step that failed in the replay as it failed in the recording (a bug reproduced), with its message.
    public var reproducedFailure: String?

    public init() {}
}
