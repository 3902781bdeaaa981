/// How `ScenarioRunner` runs a scenario: where the session goes, which display, which policy.
public struct RunOptions: Sendable {
    /// The folder session folders are created in (`--out`).
    public var out: String
    /// The workspace: `${workspace}` in the scenario and the policy.
    public var workspace: String
    /// An existing display to drive (`--display`); nil starts a private one of the scenario's size.
    public var display: String?
    /// A policy file that replaces every app's policy (`--policy`); nil uses the apps' own.
    public var policyFile: String?
    /// A folder searched first for an app's program given without a `/` (`fixture-app` beside foredesk).
    public var toolDirectory: String?
    /// `expect_screen` writes a missing or different golden image instead of failing.
    public var updateGolden: Bool
    /// Which before/after frames of input steps are written (`--frames`).
    public var frames: FrameMode
    /// Called with one line per step as the run goes (never with typed text).
    public var progress: (@Sendable (String) -> Void)?
    /// Where `ask` decisions and pauses go; nil asks nobody, so they are denied (set it after init).
    public var approvals: (any ApprovalBroker)? = nil
    /// How long a paused run (someone else used the desktop) waits for approval before it fails (`--pause-timeout`).
    public var pauseTimeout: Duration = .seconds(300)
    /// How long an `ask` waits for an answer before the action is denied (`--approval-timeout`);
    /// the wait is off the run's clock and the launched apps are frozen meanwhile.
    public var approvalTimeout: Duration = .seconds(300)
    /// Lets another thread (a signal) stop the run; nil when nothing will.
    public var control: RunControl? = nil
    /// Told before and after every step; it may stop the run early or fail a step (`foredesk replay`).
    public var observer: (any StepObserver)? = nil
    /// The session a replay reproduces, written to `session.json` as `replay_of`.
    public var replayOf: String? = nil
    /// A live view of the run (`--supervise`); nil when nobody watches.
    public var feed: (any RunFeed)? = nil
    /// Note the files under the writable roots when the run begins, so `ScenarioRunner.workspaceDiff()`
    /// can show what changed; on whenever `feed` is set (a snapshot of a large workspace takes a moment).
    public var watchWorkspace: Bool = false
    /// Record the screen continuously into the session's `video/` at up to this many frames a second
    /// (`--video`, `--fps`; `VideoRecorder.fpsRange`); nil records no video.
    public var videoFPS: Int? = nil

    public init(
        out: String, workspace: String, display: String? = nil, policyFile: String? = nil,
        toolDirectory: String? = nil, updateGolden: Bool = false, frames: FrameMode = .all,
        progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.frames = frames
        self.out = out
        self.workspace = workspace
        self.display = display
        self.policyFile = policyFile
        self.toolDirectory = toolDirectory
        self.updateGolden = updateGolden
        self.progress = progress
    }
}

/// Which before and after frames of input steps reach disk (`--frames`); named `screenshot` steps
/// and `expect_screen`'s images are written whatever it says.
public enum FrameMode: String, Sendable, CaseIterable {
    /// Before and after frames for every input step.
    case all
    /// Frames are kept in memory and written only for the step that failed.
    case failures
    /// No before and after frames.
    case none
}

/// What a run left behind.
public struct RunResult: Sendable, Equatable {
    /// The session folder.
    public var sessionPath: String
    /// Every step ran and none failed.
    public var passed: Bool
    /// The first failure, with the step's `file:line:column`; nil when the run passed.
    public var failure: String?
    /// The signal that interrupted the run, when one did.
    public var interruptedBy: Int32? = nil
    /// The observer stopped the run before its last step (`--until`), without a failure.
    public var stoppedEarly: Bool = false

    public init(sessionPath: String, passed: Bool, failure: String?, interruptedBy: Int32? = nil) {
        self.sessionPath = sessionPath
        self.passed = passed
        self.failure = failure
        self.interruptedBy = interruptedBy
    }
}

/// A run that could not start: no session folder was made.
public struct RunError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The display or the sandbox is missing rather than the scenario being wrong.
    public var unavailable: Bool

    public init(_ message: String, unavailable: Bool = false) {
        self.message = message
        self.unavailable = unavailable
    }

    public var description: String { message }
}
