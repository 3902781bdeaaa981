import Imaging
import Policy

/// A scenario to write out as YAML, in the format `Scenario(yaml:file:)` reads: what
/// `foredesk record` produces. Texts are written so that they read back as they are (`${` in a
/// typed text becomes `$${`); only a secret `type` step's text, a placeholder `${name}` of a
/// declared variable, is written as a variable reference.
public struct ScenarioDocument: Sendable, Equatable {
    /// An app as the file declares it: the policy path is written as given (relative to the scenario).
    public struct App: Sendable, Equatable {
        /// `name:`.
        public var name: String
        /// `command:`.
        public var command: ScenarioCommand
        /// `policy:`, as written; nil for the default policy.
        public var policy: String?
        /// `window:`, the window `launch` waits for.
        public var window: WindowMatch?
        /// `window.timeout:`.
        public var windowTimeout: Duration

        /// An app from its parts.
        public init(
            name: String, command: ScenarioCommand, policy: String? = nil, window: WindowMatch? = nil,
            windowTimeout: Duration = Scenario.defaultTimeout
        ) {
            self.name = name
            self.command = command
            self.policy = policy
            self.window = window
            self.windowTimeout = windowTimeout
        }
    }

    /// A variable with the comment written above it.
    public struct Variable: Sendable, Equatable {
        /// The variable's name.
        public var name: String
        /// Its value.
        public var value: String
        /// A line written above it; nil for none.
        public var comment: String?

        /// A variable from its parts.
        public init(name: String, value: String, comment: String? = nil) {
            self.name = name
            self.value = value
            self.comment = comment
        }
    }

    /// Comment lines at the top of the file.
    public var header: [String]
    /// `name:`.
    public var name: String
    /// `description:`.
    public var description: String?
    /// `variables:`, in order.
    public var variables: [Variable]
    /// `display:`.
    public var display: ScenarioDisplay
    /// `apps:`.
    public var apps: [App]
    /// `steps:`, each with its comment.
    public var steps: [RecordedStep]

    /// A document from its parts.
    public init(
        header: [String] = [], name: String, description: String? = nil, variables: [Variable] = [],
        display: ScenarioDisplay = .default, apps: [App] = [], steps: [RecordedStep]
    ) {
        self.header = header
        self.name = name
        self.description = description
        self.variables = variables
        self.display = display
        self.apps = apps
        self.steps = steps
    }

    /// The scenario as YAML text.
    public var yaml: String {
        var lines = header.map { "# " + $0 }
        lines.append("name: " + Self.scalar(name))
        if let description { lines.append("description: " + Self.scalar(description)) }
        if !variables.isEmpty {
            lines.append("variables:")
            for variable in variables {
                if let comment = variable.comment { lines.append("  # " + comment) }
                lines.append("  \(variable.name): " + Self.scalar(variable.value))
            }
        }
        switch display {
        case let .virtual(size): lines.append("display:\n  virtual: \(size.width)x\(size.height)")
        case let .existing(name): lines.append("display:\n  existing: " + Self.scalar(name))
        }
        if !apps.isEmpty {
            lines.append("apps:")
            for app in apps {
                lines.append("  - name: " + Self.scalar(app.name))
                lines.append("    command: " + Self.command(app.command))
                if let policy = app.policy { lines.append("    policy: " + Self.scalar(policy)) }
                if let window = app.window {
                    var fields = Self.windowFields(window)
                    fields.append(("timeout", Self.duration(app.windowTimeout)))
                    lines.append("    window: " + Self.flow(fields))
                }
            }
        }
        lines.append("steps:")
        let declared = Set(variables.map(\.name))
        for step in steps {
            if let comment = step.comment { lines.append("  # " + comment) }
            lines.append("  - " + Self.step(step.action, declared: declared))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Steps

    static func step(_ action: Step.Action, declared: Set<String>) -> String {
        let kind = action.kind.rawValue + ": "
        switch action {
        case let .launch(app, _):
            return kind + scalar(app)
        case let .waitWindow(match, timeout), let .expectWindow(match, timeout):
            return kind + flow(windowFields(match) + timeoutField(timeout))
        case let .activate(.app(app), timeout):
            return kind + flow([("app", scalar(app))] + timeoutField(timeout))
        case let .activate(.window(match), timeout):
            return kind + flow(windowFields(match) + timeoutField(timeout))
        case let .click(target), let .doubleClick(target), let .rightClick(target), let .middleClick(target),
            let .move(target):
            return kind + flow(pointerFields(target))
        case let .drag(from, to, duration):
            var fields = pointerFields(from)
            switch to {
            case let .window(end): fields.append(("to", point(end)))
            case let .screen(end): fields.append(("to_screen", point(end)))
            case let .offset(dx, dy): fields.append(("by", "[\(dx), \(dy)]"))
            }
            if duration > .zero { fields.append(("duration", self.duration(duration))) }
            return kind + flow(fields)
        case let .scroll(target, direction, clicks):
            return kind + flow(pointerFields(target) + [("direction", direction.rawValue), ("clicks", "\(clicks)")])
        case let .type(text, secret):
            let placeholder = secret && isPlaceholder(text, declared: declared)
            let value = placeholder ? quoted(text) : scalar(text, escapingVariables: true)
            return kind + (secret ? flow([("text", value), ("secret", "true")]) : value)
        case let .key(combo, times):
            let name = scalar(combo.description)
            return kind + (times == 1 ? name : flow([("combo", name), ("repeat", "\(times)")]))
        case let .wait(condition, timeout):
            var fields: [(String, String)]
            switch condition {
            case let .window(match): fields = [("window", flow(windowFields(match)))]
            case let .imageAppears(image): fields = [("image", scalar(image.path))] + searchFields(image.search)
            case let .imageVanishes(image): fields = [("image_gone", scalar(image.path))] + searchFields(image.search)
            case let .change(region): fields = [("change", region.map(rect) ?? "screen")]
            case let .settle(region, quiet):
                fields = [("settle", region.map(rect) ?? "screen")]
                if quiet != WaitCondition.defaultQuiet { fields.append(("quiet", duration(quiet))) }
            }
            return kind + flow(fields + timeoutField(timeout))
        case let .screenshot(name, region):
            return kind + flow([("name", scalar(name))] + (region.map { [("region", rect($0))] } ?? []))
        case let .expectScreen(golden, options, timeout):
            var fields = [("golden", scalar(golden))]
            if let region = options.region { fields.append(("region", rect(region))) }
            if options.tolerance != 0 { fields.append(("tolerance", "\(options.tolerance)")) }
            if !options.masks.isEmpty { fields.append(("masks", "[" + options.masks.map(rect).joined(separator: ", ") + "]")) }
            return kind + flow(fields + timeoutField(timeout))
        case let .run(command, timeout, exitCode, output):
            var fields = [("command", self.command(command))] + timeoutField(timeout)
            if let exitCode, exitCode != 0 { fields.append(("exit_code", "\(exitCode)")) }
            if let output { fields.append(("output", quoted(output.source))) }
            return kind + flow(fields)
        case let .expectFile(path, expectation, timeout):
            var fields = [("path", scalar(path))]
            if !expectation.exists { fields.append(("exists", "false")) }
            if let contains = expectation.contains { fields.append(("contains", scalar(contains, escapingVariables: true))) }
            if let matches = expectation.matches { fields.append(("matches", quoted(matches.source))) }
            return kind + flow(fields + timeoutField(timeout))
        case let .sleep(duration):
            return kind + self.duration(duration)
        }
    }

    static func pointerFields(_ target: PointerTarget) -> [(String, String)] {
        switch target {
        case let .window(at): [("at", point(at))]
        case let .screen(at): [("screen", point(at))]
        case let .image(image, timeout):
            [("image", scalar(image.path))]
                + (image.offset == Point(x: 0, y: 0) ? [] : [("offset", point(image.offset))])
                + searchFields(image.search) + timeoutField(timeout)
        }
    }

    static func searchFields(_ search: SearchOptions) -> [(String, String)] {
        var fields: [(String, String)] = []
        if search.tolerance != 0 { fields.append(("tolerance", "\(search.tolerance)")) }
        if search.minScore != 1 { fields.append(("min_score", "\(search.minScore)")) }
        return fields
    }

    static func windowFields(_ match: WindowMatch) -> [(String, String)] {
        var fields: [(String, String)] = []
        if let title = match.title { fields.append(("title", quoted(title.source))) }
        if let windowClass = match.windowClass { fields.append(("class", scalar(windowClass))) }
        return fields
    }

    static func timeoutField(_ timeout: Duration) -> [(String, String)] {
        timeout == Scenario.defaultTimeout ? [] : [("timeout", duration(timeout))]
    }

    // MARK: - Values

    static func flow(_ fields: [(String, String)]) -> String {
        "{ " + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + " }"
    }

    static func point(_ point: Point) -> String { "[\(point.x), \(point.y)]" }

    static func rect(_ rect: Rect) -> String { "[\(rect.x), \(rect.y), \(rect.width), \(rect.height)]" }

    static func duration(_ duration: Duration) -> String { ScenarioRunner.format(duration) }

    static func command(_ command: ScenarioCommand) -> String {
        switch command {
        case let .arguments(arguments): "[" + arguments.map { scalar($0, escapingVariables: true) }.joined(separator: ", ") + "]"
        case let .shell(line): scalar(line, escapingVariables: true)
        }
    }

    /// True when text is exactly `${name}` of a declared variable.
    static func isPlaceholder(_ text: String, declared: Set<String>) -> Bool {
        guard text.hasPrefix("${"), text.hasSuffix("}") else { return false }
        return declared.contains(String(text.dropFirst(2).dropLast()))
    }

    /// text as a YAML scalar that reads back as text: plain when that is unambiguous, else double
    /// quoted. With escapingVariables, `${` becomes `$${`, which the parser reads as a literal `${`.
    static func scalar(_ text: String, escapingVariables: Bool = false) -> String {
        let value = escapingVariables ? text.replacing("${", with: "$${") : text
        let plain = value.wholeMatch(of: /[A-Za-z0-9_][A-Za-z0-9_.\/+\- ]*/) != nil && !value.hasSuffix(" ")
            && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(value.lowercased())
            && Double(value) == nil && Int(value) == nil
        return plain ? value : quoted(value)
    }

    /// text in YAML double quotes, with `\`, `"` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
                {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
