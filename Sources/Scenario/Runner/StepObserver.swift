public import Imaging
public import Session

/// Told about every step of a run as it goes: `foredesk replay` compares each step's screen with
/// the recording, stops at `--until`, and waits before each action with `--step`.
///
/// Both calls come from the runner's thread, in step order, with nothing else running.
public protocol StepObserver: AnyObject, Sendable {
    /// Before the step at index (0-based) runs; false ends the run here without a failure.
    func shouldPerform(_ step: Step, index: Int) -> Bool
    /// After the step ran and its event was recorded; a failure message ends the run with it.
    func didPerform(_ step: Step, index: Int, outcome: StepOutcome) -> String?
}

/// What a step left behind, for a `StepObserver`.
public struct StepOutcome {
    /// The step's event as recorded (its `seq` is 0 when it waits for a frame still being written).
    public let event: Event
    /// Why the step failed, nil when it passed.
    public let failure: String?
    /// The run's session folder, where an observer may record events and frames of its own.
    public let session: SessionFolder
    /// The screen now, redacted as the policy asks, as the session would store it.
    public let captureScreen: () throws -> Frame
}
