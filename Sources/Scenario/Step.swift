public import Imaging
public import Policy

/// One step of a scenario: what to do, and where in the file it is written.
public struct Step: Sendable, Equatable {
    /// The step kinds; the raw values are the YAML spellings.
    public enum Kind: String, Sendable, CaseIterable, Hashable {
        case launch
        case waitWindow = "wait_window"
        case activate
        case click
        case doubleClick = "double_click"
        case rightClick = "right_click"
        case middleClick = "middle_click"
        case move, drag, scroll, type, key, wait, screenshot
        case expectScreen = "expect_screen"
        case expectWindow = "expect_window"
        case run
        case expectFile = "expect_file"
        case sleep
    }

    /// A step's action with everything it needs, checked.
    public enum Action: Sendable, Equatable {
        /// Start a declared app and wait, up to timeout, for its window.
        case launch(app: String, timeout: Duration)
        /// Wait for a window to exist.
        case waitWindow(WindowMatch, timeout: Duration)
        /// Raise and focus a window: a declared app's, or one that matches.
        case activate(ActivationTarget, timeout: Duration)
        /// A left click.
        case click(PointerTarget)
        /// A left double click.
        case doubleClick(PointerTarget)
        /// A right click.
        case rightClick(PointerTarget)
        /// A middle click.
        case middleClick(PointerTarget)
        /// Move the pointer without pressing anything.
        case move(PointerTarget)
        /// Press the left button at from, move to `to`, release.
        case drag(from: PointerTarget, to: DragEnd, duration: Duration = .zero)
        /// Turn the wheel clicks notches at a target.
        case scroll(PointerTarget, direction: ScrollDirection, clicks: Int)
        /// Type text; a secret text never reaches a log or a report.
        case type(text: String, secret: Bool)
        /// Press a key combination, times times.
        case key(KeyCombination, times: Int)
        /// Wait for a condition.
        case wait(WaitCondition, timeout: Duration)
        /// Capture the screen, or a region, under a name.
        case screenshot(name: String, region: Rect?)
        /// Compare the settled screen with a golden PNG, retrying until timeout.
        case expectScreen(golden: String, options: CompareOptions, timeout: Duration)
        /// Check that a window matching exists, retrying until timeout.
        case expectWindow(WindowMatch, timeout: Duration)
        /// Run a command inside the sandbox.
        case run(ScenarioCommand, timeout: Duration, exitCode: Int32?, output: TextPattern?)
        /// Check a file in the workspace, retrying until timeout.
        case expectFile(path: String, FileExpectation, timeout: Duration)
        /// Pause for a fixed time (prefer `wait`).
        case sleep(Duration)

        /// The kind of this action.
        public var kind: Kind {
            switch self {
            case .launch: .launch
            case .waitWindow: .waitWindow
            case .activate: .activate
            case .click: .click
            case .doubleClick: .doubleClick
            case .rightClick: .rightClick
            case .middleClick: .middleClick
            case .move: .move
            case .drag: .drag
            case .scroll: .scroll
            case .type: .type
            case .key: .key
            case .wait: .wait
            case .screenshot: .screenshot
            case .expectScreen: .expectScreen
            case .expectWindow: .expectWindow
            case .run: .run
            case .expectFile: .expectFile
            case .sleep: .sleep
            }
        }
    }

    /// Which window an `activate` step raises.
    public enum ActivationTarget: Sendable, Equatable {
        /// `app:`, the window of a declared app.
        case app(String)
        /// `title:` / `class:`, a window that matches.
        case window(WindowMatch)
    }

    /// What the step does.
    public var action: Action
    /// Where the step is written: the position of its action key.
    public var location: SourceLocation

    /// The kind of the step's action.
    public var kind: Kind { action.kind }

    /// The kinds that act on the desktop (input, launching, raising a window), as opposed to waits and checks.
    public static let actingKinds: Set<Kind> = [
        .launch, .activate, .click, .doubleClick, .rightClick, .middleClick, .move, .drag, .scroll, .type, .key,
    ]

    /// A step from its parts.
    public init(_ action: Action, at location: SourceLocation) {
        self.action = action
        self.location = location
    }
}
