public import Imaging

/// What the runner found on the desktop just before an action: the gate decides from this alone.
public struct Facts: Sendable, Equatable {
    /// The active window (`_NET_ACTIVE_WINDOW`, else the input focus's top-level); nil when none.
    public var activeWindow: WindowFacts?
    /// Every PID in the process trees the session launched, with the scenario's name for its app.
    public var launchedProcesses: [Int32: String]
    /// The pointer's position now, the target of a pointer action that names no point.
    public var pointer: Point?
    /// The topmost top-level window at each pointer target of the action (both ends of a drag).
    public var windowsAtTargets: [Point: WindowFacts]
    /// For `activate`: the window to be activated.
    public var targetWindow: WindowFacts?
    /// The screen is locked.
    public var screenLocked: Bool
    /// A screensaver is running.
    public var screensaverActive: Bool
    /// Input from a real device (or a pointer or focus change foredesk did not cause) was seen since
    /// the last action and has not been approved yet.
    public var humanInput: Bool
    /// Actions the session has performed so far (this one not counted).
    public var actionsSoFar: Int
    /// Time since the run started.
    public var elapsed: Duration
    /// Actions performed in the last second (this one not counted).
    public var actionsInLastSecond: Int
    /// Ids of `ask` rules (`ask[2]`) a person approved for the rest of the session.
    public var approvedForSession: Set<String>

    /// Facts from their parts; the defaults describe a quiet desktop with nothing launched.
    public init(
        activeWindow: WindowFacts? = nil, launchedProcesses: [Int32: String] = [:], pointer: Point? = nil,
        windowsAtTargets: [Point: WindowFacts] = [:], targetWindow: WindowFacts? = nil, screenLocked: Bool = false,
        screensaverActive: Bool = false, humanInput: Bool = false, actionsSoFar: Int = 0, elapsed: Duration = .zero,
        actionsInLastSecond: Int = 0, approvedForSession: Set<String> = []
    ) {
        self.activeWindow = activeWindow
        self.launchedProcesses = launchedProcesses
        self.pointer = pointer
        self.windowsAtTargets = windowsAtTargets
        self.targetWindow = targetWindow
        self.screenLocked = screenLocked
        self.screensaverActive = screensaverActive
        self.humanInput = humanInput
        self.actionsSoFar = actionsSoFar
        self.elapsed = elapsed
        self.actionsInLastSecond = actionsInLastSecond
        self.approvedForSession = approvedForSession
    }
}
