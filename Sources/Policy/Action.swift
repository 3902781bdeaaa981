public import Imaging

/// One thing the runner or an agent wants to do, as the gate sees it: a pure value.
public struct Action: Sendable, Equatable, CustomStringConvertible {
    /// What kind of action it is; the raw values are the YAML spellings used in `ask:` rules.
    public enum Kind: String, Sendable, CaseIterable, Hashable {
        case click, doubleClick = "double_click", rightClick = "right_click", middleClick = "middle_click"
        case move, drag, scroll, type, key
        /// Asking the window manager to raise and focus a window.
        case activate
        /// Starting an app under test inside the sandbox.
        case launch
        /// Running a command inside the sandbox.
        case run
        /// Capturing the screen.
        case screenshot
        /// Waiting for, or checking, something on the screen (windows, images, settling).
        case wait

        /// Input through XTest: the foreground rules apply.
        public var isInput: Bool {
            switch self {
            case .click, .doubleClick, .rightClick, .middleClick, .move, .drag, .scroll, .type, .key: true
            case .activate, .launch, .run, .screenshot, .wait: false
            }
        }

        /// Input aimed at a point on the screen: the pointer-target rules apply too.
        public var isPointer: Bool {
            switch self {
            case .click, .doubleClick, .rightClick, .middleClick, .move, .drag, .scroll: true
            case .type, .key, .activate, .launch, .run, .screenshot, .wait: false
            }
        }

        /// Changes something (input, focus, processes); only observing kinds are not acting.
        public var isActing: Bool { self != .screenshot && self != .wait }
    }

    /// What kind of action this is.
    public var kind: Kind
    /// The pointer target in screen coordinates; nil means wherever the pointer is now.
    public var point: Point?
    /// Where a drag ends, in screen coordinates.
    public var endPoint: Point?
    /// The key combination of a `key` action, as written (`ctrl+s`).
    public var keys: String?
    /// The text of a `type` action.
    public var text: String?
    /// The text is secret: it never appears in a reason, a log or a report.
    public var isSecret: Bool
    /// The command line of a `launch` or `run` action.
    public var command: String?
    /// The scenario's name for the app a `launch` starts.
    public var app: String?

    /// An action from its parts; the static constructors below read better.
    public init(
        kind: Kind, point: Point? = nil, endPoint: Point? = nil, keys: String? = nil, text: String? = nil,
        isSecret: Bool = false, command: String? = nil, app: String? = nil
    ) {
        self.kind = kind
        self.point = point
        self.endPoint = endPoint
        self.keys = keys
        self.text = text
        self.isSecret = isSecret
        self.command = command
        self.app = app
    }

    /// A pointer action (click, move, scroll…) at point, or at the pointer's position when nil.
    public static func pointer(_ kind: Kind, at point: Point?) -> Action { Action(kind: kind, point: point) }
    /// A left click at point.
    public static func click(at point: Point) -> Action { Action(kind: .click, point: point) }
    /// A drag from start to end.
    public static func drag(from start: Point, to end: Point) -> Action {
        Action(kind: .drag, point: start, endPoint: end)
    }
    /// Typing text; secret text never appears in any reason.
    public static func type(_ text: String, secret: Bool = false) -> Action {
        Action(kind: .type, text: text, isSecret: secret)
    }
    /// Pressing a key combination such as `ctrl+s`.
    public static func key(_ combination: String) -> Action { Action(kind: .key, keys: combination) }
    /// Running a command line inside the sandbox.
    public static func run(_ command: String) -> Action { Action(kind: .run, command: command) }
    /// Launching the scenario's app with its command line.
    public static func launch(app: String, command: String) -> Action {
        Action(kind: .launch, command: command, app: app)
    }

    /// A short description for reasons; typed text is never part of it, secret or not, only its length
    /// when it is not secret.
    public var description: String {
        switch kind {
        case .type:
            isSecret ? "type secret text" : "type \(text?.count ?? 0) character\(text?.count == 1 ? "" : "s")"
        case .key:
            "key \(keys ?? "(none)")"
        case .drag:
            "drag from \(point.map(\.description) ?? "the pointer") to \(endPoint.map(\.description) ?? "?")"
        case .click, .doubleClick, .rightClick, .middleClick, .move, .scroll:
            "\(kind.rawValue) at \(point.map(\.description) ?? "the pointer")"
        case .launch:
            "launch \(app ?? command ?? "(unnamed)")"
        case .run:
            "run \(command ?? "(no command)")"
        case .activate, .screenshot, .wait:
            kind.rawValue
        }
    }
}
