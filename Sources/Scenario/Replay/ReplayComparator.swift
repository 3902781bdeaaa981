import Foundation
public import Imaging
import Session
import Synchronization

/// Follows a replay step by step against its recording: the same gate decision, the same outcome,
/// and, where the recording kept an after-frame, the same screen (with a tolerance and masks, as
/// `expect_screen` compares). The first difference ends the run, with the evidence saved.
public final class ReplayComparator: StepObserver {
    /// How a replay compares and when it stops.
    public struct Options: Sendable {
        /// Tolerance and masks for the screen comparison.
        public var compare: CompareOptions
        /// How long a step's screen may take to come to match its recorded frame.
        public var timeout: Duration
        /// The last step to run (1-based, `--until`); nil runs them all.
        public var until: Int?
        /// Asked before each acting step (`--step`) with the step and its 1-based number; false stops the replay.
        public var beforeAction: (@Sendable (Step, Int) -> Bool)?

        public init(
            compare: CompareOptions = CompareOptions(), timeout: Duration = .seconds(2), until: Int? = nil,
            beforeAction: (@Sendable (Step, Int) -> Bool)? = nil
        ) {
            self.compare = compare
            self.timeout = timeout
            self.until = until
            self.beforeAction = beforeAction
        }
    }

    private let recorded: [String: Event]
    private let recordingFolder: String?
    private let options: Options
    private let state = Mutex(ReplaySummary())

    /// A comparator for source's recording (none for a bare scenario: then it only stops and asks).
    public init(source: ReplaySource, options: Options) {
        recorded = source.recordedEvents()
        recordingFolder = source.recording?.folder
        self.options = options
    }

    /// What the replay found so far.
    public var summary: ReplaySummary {
        state.withLock { $0 }
    }

    public func shouldPerform(_ step: Step, index: Int) -> Bool {
        if let until = options.until, index >= until { return false }
        guard let ask = options.beforeAction, Step.actingKinds.contains(step.kind) || step.kind == .run else { return true }
        return ask(step, index + 1)
    }

    public func didPerform(_ step: Step, index: Int, outcome: StepOutcome) -> String? {
        guard let recordingFolder, summary.divergence == nil else { return nil }
        let label = outcome.event.step ?? "\(step.location) \(step.kind.rawValue)"
        guard let recording = recorded[ReplaySource.key(of: step)] else {
            // The recording ended before this step (it was stopped or killed): nothing to hold it to.
            state.withLock { $0.uncompared += 1 }
            return nil
        }
        var divergence = Divergence(
            stepNumber: index + 1, step: label, reason: "", recordedDecision: recording.decision,
            replayDecision: outcome.event.decision)
        if let was = recording.decision?.verdict, let now = outcome.event.decision?.verdict, was != now {
            divergence.reason = "the gate decided \(now) (\(outcome.event.decision?.message ?? "")) where the recording shows \(was)"
            return diverge(divergence, outcome)
        }
        let failedNow = outcome.failure != nil || outcome.event.failed
        switch (recording.failed, failedNow) {
        case (true, true):
            state.withLock { $0.reproducedFailure = "step \(index + 1) (\(label)) failed as recorded: \(outcome.failure ?? "denied")" }
            return nil
        case (false, true):
            divergence.reason = "it failed in the replay (\(outcome.failure ?? "denied")) but passed in the recording"
            return diverge(divergence, outcome)
        case (true, false):
            divergence.reason = "it passed in the replay but failed in the recording (\(recording.error ?? "denied"))"
            return diverge(divergence, outcome)
        case (false, false):
            break
        }
        guard let name = recording.frames.after, let expected = try? Frame(contentsOfPNG: recordingFolder + "/" + name) else {
            state.withLock { $0.uncompared += 1 }
            return nil
        }
        return compareScreen(with: expected, named: name, divergence, outcome)
    }

    /// Compares the screen with the recorded frame until it matches or the timeout passes.
    private func compareScreen(with expected: Frame, named name: String, _ divergence: Divergence, _ outcome: StepOutcome)
        -> String?
    {
        var divergence = divergence
        let clock = ContinuousClock()
        let deadline = clock.now + options.timeout
        while true {
            let actual: Frame
            do {
                actual = try outcome.captureScreen()
            } catch {
                divergence.reason = "the screen could not be captured to compare: \(error)"
                return diverge(divergence, outcome)
            }
            guard actual.width == expected.width, actual.height == expected.height else {
                divergence.reason = "the screen is \(actual.width)x\(actual.height); the recording's was \(expected.width)x\(expected.height)"
                return diverge(divergence, outcome, recorded: expected, actual: actual)
            }
            let difference: FrameDifference
            do {
                difference = try actual.difference(from: expected, options: options.compare)
            } catch {
                divergence.reason = "the screen could not be compared with \(name): \(error)"
                return diverge(divergence, outcome)
            }
            if difference.matches {
                state.withLock { $0.matchedFrames += 1 }
                return nil
            }
            if clock.now >= deadline {
                divergence.reason = "the screen differs from the recording's (\(name)): \(difference) (tolerance \(options.compare.tolerance))"
                return diverge(divergence, outcome, recorded: expected, actual: actual)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Saves the evidence, records a `divergence` event and returns the run's failure message.
    private func diverge(_ divergence: Divergence, _ outcome: StepOutcome, recorded: Frame? = nil, actual: Frame? = nil)
        -> String
    {
        var divergence = divergence
        let session = outcome.session
        if let recorded, let actual {
            divergence.recordedFrame = try? session.saveFrame(recorded, name: "divergence-recorded")
            divergence.actualFrame = try? session.saveFrame(actual, name: "divergence-actual")
            if let diff = try? actual.diffImage(against: recorded, options: options.compare) {
                divergence.diffFrame = try? session.saveFrame(diff, name: "divergence-diff")
            }
        }
        var parameters: [JSONValue.Member] = [
            .init("step_number", .int(divergence.stepNumber)), .init("recording", .string(recordingFolder ?? "")),
        ]
        if let diff = divergence.diffFrame { parameters.append(.init("diff", .string(diff))) }
        if let decision = divergence.recordedDecision { parameters.append(.init("recorded_decision", .string(decision.verdict))) }
        let event = Event(
            step: divergence.step, action: RecordedAction(kind: "divergence", parameters: parameters),
            decision: divergence.replayDecision,
            frames: Event.Frames(before: divergence.recordedFrame, after: divergence.actualFrame), error: divergence.reason)
        _ = try? session.record(event)
        state.withLock { $0.divergence = divergence }
        return "diverged from the recording: " + divergence.reason
    }
}
