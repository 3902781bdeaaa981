public import Imaging
public import Policy

/// How `ScenarioRecorder` records: where the scenario and the session go, which display, which app.
public struct RecordOptions: Sendable {
    /// The scenario file to write (`-o`).
    public var output: String
    /// The folder session folders are created in (`--session`).
    public var sessionFolder: String
    /// The workspace: `${workspace}` for the launched app's sandbox.
    public var workspace: String
    /// An existing display to record (`--display`); nil starts a private one of `virtualSize`.
    public var display: String?
    /// The private display's size when no display is given (`--virtual`).
    public var virtualSize: Size
    /// The app to start first, as a command line (`--launch`); nil records whatever is on the display.
    public var launch: String?
    /// The policy file (`--policy`); nil writes a default one beside the scenario when an app is launched.
    public var policyFile: String?
    /// Cut a template around each click and click by it on replay (`--anchor-images`).
    public var anchorImages: Bool
    /// The key combination that stops recording and is not recorded (`--stop-key`).
    public var stopKey: KeyCombination
    /// The longest sleep a pause becomes (`--max-pause`).
    public var maxPause: Duration
    /// How often the scenario written so far is saved, so that even a killed recorder leaves one.
    public var saveInterval: Duration
    /// A folder searched first for an app's program given without a `/` (`fixture-app` beside foredesk).
    public var toolDirectory: String?
    /// Called with each line of progress (the typed text never appears in one).
    public var progress: (@Sendable (String) -> Void)?
    /// Lets another thread (a signal) stop the recording; nil when nothing will.
    public var control: RunControl?
    /// Record the screen continuously into the session's `video/` at this frame rate (`--video`); nil: no video.
    public var videoFPS: Int? = nil

    /// The default stop key, `ctrl+alt+shift+r`.
    public static let defaultStopKey = KeyCombination(modifiers: [.ctrl, .alt, .shift], key: "r")

    /// Options from their parts.
    public init(
        output: String, sessionFolder: String, workspace: String, display: String? = nil,
        virtualSize: Size = Size(width: 1280, height: 800), launch: String? = nil, policyFile: String? = nil,
        anchorImages: Bool = false, stopKey: KeyCombination = RecordOptions.defaultStopKey,
        maxPause: Duration = .seconds(5), saveInterval: Duration = .seconds(1), toolDirectory: String? = nil,
        progress: (@Sendable (String) -> Void)? = nil, control: RunControl? = nil
    ) {
        self.output = output
        self.sessionFolder = sessionFolder
        self.workspace = workspace
        self.display = display
        self.virtualSize = virtualSize
        self.launch = launch
        self.policyFile = policyFile
        self.anchorImages = anchorImages
        self.stopKey = stopKey
        self.maxPause = maxPause
        self.saveInterval = saveInterval
        self.toolDirectory = toolDirectory
        self.progress = progress
        self.control = control
    }
}

/// What a recording left behind.
public struct RecordResult: Sendable, Equatable {
    /// The scenario file written.
    public var scenarioPath: String
    /// The session folder.
    public var sessionPath: String
    /// How many steps the scenario has.
    public var stepCount: Int
    /// What stopped the recording: `the stop key ctrl+alt+shift+r`, `SIGINT`, `SIGTERM`.
    public var stoppedBy: String
    /// The signal that stopped it, when one did.
    public var signal: Int32?

    /// A result from its parts.
    public init(scenarioPath: String, sessionPath: String, stepCount: Int, stoppedBy: String, signal: Int32? = nil) {
        self.scenarioPath = scenarioPath
        self.sessionPath = sessionPath
        self.stepCount = stepCount
        self.stoppedBy = stoppedBy
        self.signal = signal
    }
}
