import Policy
import Foundation

/// A GUI test scenario: a name, variables, a display, the apps it may launch and its steps, read
/// from YAML (`Scenarios/README.md`, "Scenario format") with every value checked.
///
/// A pure value: running it is the runner's. Paths to images, goldens and policies are resolved
/// against the scenario file's folder; `${name}` variables are already substituted.
public struct Scenario: Sendable, Equatable {
    /// `name:`, what reports call the scenario.
    public var name: String
    /// `description:`, free text.
    public var description: String?
    /// The file the scenario was read from, as the caller named it.
    public var file: String
    /// `variables:`, name to value, as defined (their use is already substituted).
    public var variables: [String: String]
    /// `display:`.
    public var display: ScenarioDisplay
    /// `settle:`, how long the screen must stay undamaged after an input step before its after-frame.
    public var settle: Duration
    /// `apps:`, in file order.
    public var apps: [ScenarioApp]
    /// `steps:`, in file order.
    public var steps: [Step]
    /// The YAML text the scenario was read from, when it was read from text: a session keeps a copy.
    public var source: String?

    /// A scenario from its parts.
    public init(
        name: String, description: String? = nil, file: String, variables: [String: String] = [:],
        display: ScenarioDisplay = .default, settle: Duration = WaitCondition.defaultQuiet, apps: [ScenarioApp],
        steps: [Step]
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.variables = variables
        self.display = display
        self.settle = settle
        self.apps = apps
        self.steps = steps
    }

    /// The wait every step and app gets when it names no `timeout`.
    public static let defaultTimeout = Duration.seconds(10)

    /// Reads a scenario from YAML text; file names it in errors and anchors its relative paths.
    /// - Throws: `ScenarioError`, whose message starts with `file:line:column`.
    public init(yaml: String, file: String) throws(ScenarioError) {
        var parser = ScenarioParser(file: file)
        self = try parser.scenario(from: yaml)
        source = yaml
    }

    /// Reads the scenario file at path.
    /// - Throws: `ScenarioError.unreadable` when the file cannot be read, else as `init(yaml:file:)`.
    public init(contentsOfFile path: String) throws(ScenarioError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, problem: error.localizedDescription)
        }
        try self.init(yaml: text, file: path)
    }

    /// The app named name, if the scenario declares it.
    public func app(named name: String) -> ScenarioApp? {
        apps.first { $0.name == name }
    }
}
