import Imaging
import Policy
import Yams

/// Reads a scenario from Yams' node tree, so that every error can name `file:line:column` (the
/// node's `Mark`), what it found and what it expected; the same approach as Policy's parser.
struct ScenarioParser {
    let file: String
    /// `variables:`, read before any other value so that every value can use them.
    var variables: [String: String] = [:]
    /// The declared app names, read before the steps that refer to them.
    var apps: [ScenarioApp] = []

    init(file: String) {
        self.file = file
    }

    mutating func scenario(from yaml: String) throws(ScenarioError) -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            let problem = YAMLProblem(error, file: file)
            switch problem.kind {
            case let .syntax(text): throw .syntax(problem.location, problem: text)
            case let .duplicateKey(key): throw .duplicateKey(problem.location, key: key)
            }
        }
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let root, !isNull(root) else {
            throw .wrongType(
                start, key: "the scenario", found: "nothing",
                expected: "a mapping of \(ScenarioSchema.top.joined(separator: ", "))")
        }
        let top = try fields(root, key: "", known: ScenarioSchema.top, shorthand: nil)
        // Variables first: a value anywhere may use one, whatever the order of the sections.
        if let entry = top.entries["variables"] { variables = try readVariables(entry.value, key: entry.key) }
        let name = try nonEmptyString(
            try required("name", in: top).value, key: "name", expected: "a name for the scenario")
        let description = try top.entries["description"].map { entry throws(ScenarioError) in
            try string(entry.value, key: entry.key)
        }
        let display = try top.entries["display"].map { entry throws(ScenarioError) in
            try readDisplay(entry.value, key: entry.key)
        }
        let settle = try top.entries["settle"].map { entry throws(ScenarioError) in
            try duration(entry.value, key: entry.key)
        }
        if let entry = top.entries["apps"] {
            for (index, item) in try sequence(entry.value, key: "apps").enumerated() {
                let app = try readApp(item, key: "apps[\(index + 1)]")
                guard !apps.contains(where: { $0.name == app.name }) else {
                    throw .duplicateKey(app.location, key: app.name)
                }
                apps.append(app)
            }
        }
        let stepsNode = try required("steps", in: top).value
        let items = try sequence(stepsNode, key: "steps", expected: "a list of steps")
        guard !items.isEmpty else {
            throw .wrongType(location(stepsNode), key: "steps", found: "an empty list", expected: "at least one step")
        }
        var steps: [Step] = []
        for (index, item) in items.enumerated() {
            steps.append(try readStep(item, key: "steps[\(index + 1)]"))
        }
        return Scenario(
            name: name, description: description, file: file, variables: variables, display: display ?? .default,
            settle: settle ?? WaitCondition.defaultQuiet, apps: apps, steps: steps)
    }

    // MARK: Sections

    private func readVariables(_ node: Node, key: String) throws(ScenarioError) -> [String: String] {
        guard case let .mapping(mapping) = node else {
            if isNull(node) { return [:] }
            throw .wrongType(location(node), key: key, found: found(node), expected: "a mapping of names to values")
        }
        var result: [String: String] = [:]
        for (keyNode, value) in mapping {
            let name = try rawText(keyNode, key: key, expected: "a variable name")
            guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
                name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
            else {
                throw .wrongType(
                    location(keyNode), key: key, found: "'\(name)'",
                    expected: "a variable name of letters, digits and '_', not starting with a digit")
            }
            guard !ScenarioSchema.runtimeVariables.contains(name) else {
                throw .wrongType(
                    location(keyNode), key: key, found: "'\(name)'",
                    expected: "a name other than \(ScenarioSchema.runtimeVariables.joined(separator: ", ")), which the runner sets")
            }
            result[name] = try rawText(value, key: key + "." + name, expected: "a text value")
        }
        return result
    }

    private func readDisplay(_ node: Node, key: String) throws(ScenarioError) -> ScenarioDisplay {
        let fields = try fields(node, key: key, known: ScenarioSchema.display, shorthand: nil)
        let given = fields.given(ScenarioSchema.display)
        if given.count > 1, let second = fields.entries[given[1]] {
            throw .conflictingKeys(
                second.location, key: key, found: given, expected: "only one of virtual, existing")
        }
        guard let choice = given.first, let entry = fields.entries[choice] else {
            throw .missingChoice(fields.location, key: key, choices: ScenarioSchema.display, exactlyOne: true)
        }
        if choice == "existing" {
            let name = try string(entry.value, key: entry.key, expected: "a display name such as :1")
            guard name.wholeMatch(of: /[A-Za-z0-9.\-]*:[0-9]+(\.[0-9]+)?/) != nil else {
                throw .wrongType(
                    location(entry.value), key: entry.key, found: "'\(name)'", expected: "a display name such as :1")
            }
            return .existing(name)
        }
        let text = try string(entry.value, key: entry.key, expected: "a size such as 1280x800")
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            throw .wrongType(
                location(entry.value), key: entry.key, found: "'\(text)'", expected: "a size such as 1280x800")
        }
        return .virtual(Size(width: width, height: height))
    }

    private func readApp(_ node: Node, key: String) throws(ScenarioError) -> ScenarioApp {
        guard isMapping(node) else {
            throw .wrongType(
                location(node), key: key, found: found(node),
                expected: "a mapping of \(ScenarioSchema.app.joined(separator: ", "))")
        }
        let fields = try fields(node, key: key, known: ScenarioSchema.app, shorthand: nil)
        let nameEntry = try required("name", in: fields)
        let name = try string(nameEntry.value, key: nameEntry.key, expected: "an app name")
        guard name.wholeMatch(of: /[A-Za-z0-9_.\-]+/) != nil else {
            throw .wrongType(
                location(nameEntry.value), key: nameEntry.key, found: "'\(name)'",
                expected: "an app name of letters, digits, '.', '_' and '-'")
        }
        let commandEntry = try required("command", in: fields)
        var app = ScenarioApp(
            name: name, command: try command(commandEntry.value, key: commandEntry.key),
            location: location(node))
        if let entry = fields.entries["policy"] {
            app.policy = resolve(try nonEmptyString(entry.value, key: entry.key, expected: "a policy file's path"))
        }
        if let entry = fields.entries["window"] {
            let window = try self.fields(entry.value, key: entry.key, known: ScenarioSchema.appWindow, shorthand: "title")
            app.window = try windowMatch(window)
            app.windowTimeout = try timeout(window)
        }
        return app
    }

    // MARK: Shared values

    /// `command: [program, arguments…]` or `command: "a shell line"`.
    func command(_ node: Node, key: String) throws(ScenarioError) -> ScenarioCommand {
        let expected = "a command: a list [program, arguments…] or a shell command line"
        if case .sequence = node {
            var arguments: [String] = []
            for item in try sequence(node, key: key) {
                arguments.append(try string(item, key: key, expected: "text in a command list"))
            }
            guard !arguments.isEmpty, !arguments[0].isEmpty else {
                throw .wrongType(location(node), key: key, found: found(node), expected: expected)
            }
            return .arguments(arguments)
        }
        return .shell(try nonEmptyString(node, key: key, expected: expected))
    }

    /// `title:` and `class:`, at least one.
    func windowMatch(_ fields: Fields) throws(ScenarioError) -> WindowMatch {
        guard fields.has("title") || fields.has("class") else {
            throw .missingChoice(fields.location, key: fields.key, choices: ["title", "class"], exactlyOne: false)
        }
        var match = WindowMatch()
        if let entry = fields.entries["title"] { match.title = try pattern(entry.value, key: entry.key) }
        if let entry = fields.entries["class"] {
            match.windowClass = try nonEmptyString(entry.value, key: entry.key, expected: "a WM_CLASS name")
        }
        return match
    }

    /// A PNG path, resolved against the scenario's folder.
    func pngPath(_ node: Node, key: String) throws(ScenarioError) -> String {
        let expected = "a path to a PNG file (ending in .png)"
        let path = try nonEmptyString(node, key: key, expected: expected)
        guard path.lowercased().hasSuffix(".png") else {
            throw .wrongType(location(node), key: key, found: "'\(path)'", expected: expected)
        }
        return resolve(path)
    }

    /// path relative to the scenario file's folder, without `.` parts and with `..` folded where it can be.
    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), !path.hasPrefix("${") else { return path }
        let folder = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let joined = folder.isEmpty ? path : folder + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: false) {
            switch part {
            case "" where !parts.isEmpty, ".": continue
            case "..":
                if let last = parts.last, last != "..", last != "" { parts.removeLast() } else { parts.append(part) }
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// text with every `${name}` replaced by its variable; `$${` stands for a literal `${`, and the
    /// runner's own variables (`${workspace}`, `${out}`, `${tmp}`) are left for the runner.
    func substitute(_ text: String, at location: SourceLocation, key: String) throws(ScenarioError) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            if start.lowerBound > rest.startIndex, rest[rest.index(before: start.lowerBound)] == "$" {
                result += rest[..<rest.index(before: start.lowerBound)] + "${"
                rest = rest[start.upperBound...]
                continue
            }
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw .wrongType(location, key: key, found: "'\(text)'", expected: "'${' closed by '}'")
            }
            let name = String(rest[start.upperBound..<end])
            if let value = variables[name] {
                result += value
            } else if ScenarioSchema.runtimeVariables.contains(name) {
                result += "${\(name)}"
            } else {
                let defined = variables.keys.sorted() + ScenarioSchema.runtimeVariables
                throw .undefinedVariable(
                    location, key: key, name: name, defined: defined,
                    suggestion: Suggestion.closest(to: name, among: defined))
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
