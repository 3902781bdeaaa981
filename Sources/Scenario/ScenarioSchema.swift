/// The keys a scenario file may hold, section by section: the parser refuses any other, and the
/// documentation test checks that `Scenarios/README.md` describes every one.
public enum ScenarioSchema {
    /// The top-level keys.
    public static let top = ["name", "description", "variables", "display", "settle", "apps", "steps"]
    /// The keys of `display:`; exactly one is given.
    public static let display = ["virtual", "existing"]
    /// The keys of each `apps:` entry.
    public static let app = ["name", "command", "policy", "window"]
    /// The keys of an app's `window:`.
    public static let appWindow = ["title", "class", "timeout"]
    /// The keys that place a pointer step: one of `at`, `screen`, `image`, and the image's options.
    public static let pointerTarget = ["at", "screen", "image", "offset", "tolerance", "min_score", "timeout"]

    /// The keys a step of kind may hold in its mapping.
    public static func keys(of kind: Step.Kind) -> [String] {
        switch kind {
        case .launch: ["app", "timeout"]
        case .waitWindow, .expectWindow: ["title", "class", "timeout"]
        case .activate: ["app", "title", "class", "timeout"]
        case .click, .doubleClick, .rightClick, .middleClick, .move: pointerTarget
        case .drag: pointerTarget + ["to", "to_screen", "by", "duration"]
        case .scroll: pointerTarget + ["direction", "clicks"]
        case .type: ["text", "secret"]
        case .key: ["combo", "repeat"]
        case .wait: ["window", "image", "image_gone", "change", "settle", "tolerance", "min_score", "quiet", "timeout"]
        case .screenshot: ["name", "region"]
        case .expectScreen: ["golden", "region", "tolerance", "masks", "timeout"]
        case .run: ["command", "timeout", "exit_code", "output"]
        case .expectFile: ["path", "exists", "contains", "matches", "timeout"]
        case .sleep: ["duration"]
        }
    }

    /// The key a step's value stands for when it is written without a mapping (`click: [20, 30]`
    /// is `click: {at: [20, 30]}`); nil when the step needs a mapping.
    public static func shorthandKey(of kind: Step.Kind) -> String? {
        switch kind {
        case .launch, .activate: "app"
        case .waitWindow, .expectWindow: "title"
        case .click, .doubleClick, .rightClick, .middleClick, .move: "at"
        case .drag, .scroll, .wait: nil
        case .type: "text"
        case .key: "combo"
        case .screenshot: "name"
        case .expectScreen: "golden"
        case .run: "command"
        case .expectFile: "path"
        case .sleep: "duration"
        }
    }

    /// The variables the runner fills in itself; a scenario uses them but cannot define them.
    public static let runtimeVariables = ["workspace", "out", "tmp"]
}
