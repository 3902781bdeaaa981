import Imaging
import Sandbox
import Yams

/// Reads a policy from Yams' node tree, so that every error can name `file:line:column` (the
/// node's `Mark`), what it found and what it expected.
struct PolicyParser {
    let file: String

    func policy(from yaml: String) throws(PolicyError) -> Policy {
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
        var policy = Policy()
        guard let root, !isNull(root) else { return policy }
        for entry in try entries(of: root, key: "the policy", section: "the policy", known: PolicySchema.top) {
            switch entry.name {
            case "sandbox": policy.sandbox = try sandbox(entry.value)
            case "input": policy.input = try input(entry.value)
            case "deny_keys": policy.keys.denied = try keyCombinations(entry.value, key: entry.name)
            case "allow_keys": policy.keys.allowed = try keyCombinations(entry.value, key: entry.name)
            case "ask": policy.ask = try rules(entry.value, key: entry.name)
            case "allow": policy.allow = try rules(entry.value, key: entry.name)
            case "approval": policy.approval = try choice(entry.value, key: entry.name, as: ApprovalMode.self)
            case "limits": policy.limits = try limits(entry.value)
            case "redact": policy.redact = try redact(entry.value)
            case "record": policy.record = try record(entry.value)
            default: break  // entries(of:) refused every other key
            }
        }
        return policy
    }

    // MARK: Sections

    private func sandbox(_ node: Node) throws(PolicyError) -> SandboxPolicy {
        var sandbox = SandboxPolicy()
        for entry in try entries(of: node, key: "sandbox", section: "sandbox", known: PolicySchema.sandbox) {
            let key = "sandbox." + entry.name
            switch entry.name {
            case "writable":
                sandbox.writable = try list(entry.value, key: key).map { node throws(PolicyError) in
                    try path(node, key: key)
                }
            case "protected":
                sandbox.protected = try list(entry.value, key: key).map { node throws(PolicyError) in
                    try path(node, key: key)
                }
            case "strict_git": sandbox.strictGit = try bool(entry.value, key: key)
            case "private_tmp": sandbox.privateTmp = try bool(entry.value, key: key)
            case "network": sandbox.network = try choice(entry.value, key: key, as: NetworkAccess.self)
            case "identity": sandbox.identity = try choice(entry.value, key: key, as: Identity.self)
            case "display": sandbox.display = try choice(entry.value, key: key, as: SandboxPolicy.DisplayTrust.self)
            case "degrade":
                sandbox.allowDegraded = Set(
                    try list(entry.value, key: key).map { node throws(PolicyError) in
                        try choice(node, key: key, as: DegradableLayer.self)
                    })
            case "limits":
                for limit in try entries(of: entry.value, key: key, section: key, known: PolicySchema.sandboxLimits) {
                    let key = key + "." + limit.name
                    switch limit.name {
                    case "max_processes": sandbox.maxProcesses = try count(limit.value, key: key, atLeast: 1)
                    case "max_memory": sandbox.maxMemory = try size(limit.value, key: key)
                    case "max_open_files": sandbox.maxOpenFiles = try count(limit.value, key: key, atLeast: 1)
                    case "max_cpu_time": sandbox.maxCPUTime = try duration(limit.value, key: key)
                    case "max_wall_time": sandbox.maxWallTime = try duration(limit.value, key: key)
                    case "max_file_size": sandbox.maxFileSize = try size(limit.value, key: key)
                    default: break
                    }
                }
            default: break
            }
        }
        return sandbox
    }

    private func input(_ node: Node) throws(PolicyError) -> InputPolicy {
        var input = InputPolicy()
        for entry in try entries(of: node, key: "input", section: "input", known: PolicySchema.input) {
            let key = "input." + entry.name
            let names = try list(entry.value, key: key).map { node throws(PolicyError) in try text(node, key: key) }
            switch entry.name {
            case "apps": input.apps = names
            case "window_classes": input.windowClasses = names
            default: break
            }
        }
        return input
    }

    private func keyCombinations(_ node: Node, key: String) throws(PolicyError) -> [KeyCombination] {
        var combinations: [KeyCombination] = []
        for (index, item) in try list(node, key: key).enumerated() {
            let key = "\(key)[\(index + 1)]"
            let combo = try text(item, key: key)
            do throws(PolicyError) {
                combinations.append(try KeyCombination(parsing: combo))
            } catch let .invalidKeyCombination(_, problem) {
                throw .badKeyCombination(location(item), key: key, combo: combo, problem: problem)
            } catch {
                throw error
            }
        }
        return combinations
    }

    private func rules(_ node: Node, key section: String) throws(PolicyError) -> [ActionRule] {
        try sequence(node, key: section).enumerated().map { (index, item) throws(PolicyError) in
            let key = "\(section)[\(index + 1)]"
            var rule = ActionRule(id: key, location: location(item))
            let fields = try entries(of: item, key: key, section: key, known: PolicySchema.rule)
            guard !fields.isEmpty else { throw .emptyRule(location(item), key: key, fields: PolicySchema.rule) }
            for field in fields {
                let key = key + "." + field.name
                switch field.name {
                case "action":
                    rule.kinds = Set(
                        try list(field.value, key: key).map { node throws(PolicyError) in
                            try choice(node, key: key, as: Action.Kind.self)
                        })
                case "window_class":
                    rule.windowClasses = try list(field.value, key: key).map { node throws(PolicyError) in
                        try text(node, key: key)
                    }
                case "command":
                    let pattern = try text(field.value, key: key)
                    do {
                        rule.command = try CommandPattern(pattern)
                    } catch {
                        throw .badRegex(location(field.value), key: key, pattern: pattern, problem: "\(error)")
                    }
                default: break
                }
            }
            return rule
        }
    }

    private func limits(_ node: Node) throws(PolicyError) -> ActionLimits {
        var limits = ActionLimits()
        for entry in try entries(of: node, key: "limits", section: "limits", known: PolicySchema.limits) {
            let key = "limits." + entry.name
            switch entry.name {
            case "max_actions": limits.maxActions = try count(entry.value, key: key, atLeast: 1)
            case "max_duration": limits.maxDuration = try duration(entry.value, key: key)
            case "max_actions_per_second": limits.maxActionsPerSecond = try count(entry.value, key: key, atLeast: 1)
            case "max_screenshots_per_minute": limits.maxScreenshotsPerMinute = try count(entry.value, key: key, atLeast: 1)
            default: break
            }
        }
        return limits
    }

    private func redact(_ node: Node) throws(PolicyError) -> RedactPolicy {
        var redact = RedactPolicy()
        for entry in try entries(of: node, key: "redact", section: "redact", known: PolicySchema.redact) {
            let key = "redact." + entry.name
            for (index, item) in try sequence(entry.value, key: key).enumerated() {
                let key = "\(key)[\(index + 1)]"
                switch entry.name {
                case "windows": redact.windows.append(try redactedWindow(item, key: key))
                default: redact.regions.append(try region(item, key: key))
                }
            }
        }
        return redact
    }

    private func record(_ node: Node) throws(PolicyError) -> RecordPolicy {
        var record = RecordPolicy()
        for entry in try entries(of: node, key: "record", section: "record", known: PolicySchema.record) {
            let key = "record." + entry.name
            var rules: [RedactPolicy.WindowRule] = []
            for (index, item) in try sequence(entry.value, key: key).enumerated() {
                rules.append(try redactedWindow(item, key: "\(key)[\(index + 1)]"))
            }
            record.sensitiveWindows = rules
        }
        return record
    }

    private func redactedWindow(_ node: Node, key: String) throws(PolicyError) -> RedactPolicy.WindowRule {
        var rule = RedactPolicy.WindowRule()
        let fields = try entries(of: node, key: key, section: key, known: PolicySchema.redactWindow)
        guard !fields.isEmpty else { throw .emptyRule(location(node), key: key, fields: PolicySchema.redactWindow) }
        for field in fields {
            let key = key + "." + field.name
            let value = try text(field.value, key: key)
            if field.name == "class" {
                rule.windowClass = value
            } else {
                do {
                    rule.title = try CommandPattern(value)
                } catch {
                    throw .badRegex(location(field.value), key: key, pattern: value, problem: "\(error)")
                }
            }
        }
        return rule
    }

    /// `[x, y, width, height]` in screen pixels: x and y at least 0, width and height at least 1.
    private func region(_ node: Node, key: String) throws(PolicyError) -> Rect {
        let expected = "a region [x, y, width, height] of whole numbers (x, y ≥ 0; width, height ≥ 1)"
        guard case let .sequence(items) = node, items.count == 4 else {
            throw .wrongType(location(node), key: key, found: found(node), expected: expected)
        }
        var numbers: [Int] = []
        for (index, item) in items.enumerated() {
            guard let text = plainText(item), let value = Int(text), value >= (index < 2 ? 0 : 1) else {
                throw .wrongType(location(item), key: key, found: found(item), expected: expected)
            }
            numbers.append(value)
        }
        return Rect(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }

    // MARK: Shapes

    /// The entries of a mapping, in file order; unknown keys are refused with the closest known one.
    ///
    /// A key written with nothing after it (`sandbox:`) is an empty mapping.
    private func entries(of node: Node, key: String, section: String, known: [String]) throws(PolicyError)
        -> [(name: String, value: Node)]
    {
        if isNull(node) { return [] }
        guard case let .mapping(mapping) = node else {
            throw .wrongType(
                location(node), key: key, found: found(node), expected: "a mapping of \(known.joined(separator: ", "))")
        }
        var result: [(name: String, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let name = plainText(keyNode) ?? keyNode.scalar?.string else {
                throw .wrongType(location(keyNode), key: key, found: found(keyNode), expected: "a key name")
            }
            guard known.contains(name) else {
                throw .unknownKey(
                    location(keyNode), key: name, section: section, known: known,
                    suggestion: Suggestion.closest(to: name, among: known))
            }
            result.append((name, value))
        }
        return result
    }

    /// The items of a list.
    private func sequence(_ node: Node, key: String) throws(PolicyError) -> [Node] {
        if isNull(node) { return [] }
        guard case let .sequence(items) = node else {
            throw .wrongType(location(node), key: key, found: found(node), expected: "a list")
        }
        return Array(items)
    }

    /// The items of a list, or a single scalar as a list of one (`action: click`).
    private func list(_ node: Node, key: String) throws(PolicyError) -> [Node] {
        if case .scalar = node, !isNull(node) { return [node] }
        guard case let .sequence(items) = node else {
            if isNull(node) { return [] }
            throw .wrongType(location(node), key: key, found: found(node), expected: "a list or a single value")
        }
        return Array(items)
    }

    private func text(_ node: Node, key: String) throws(PolicyError) -> String {
        guard case let .scalar(scalar) = node, !isNull(node) else {
            throw .wrongType(location(node), key: key, found: found(node), expected: "a text value")
        }
        return scalar.string
    }

    private func bool(_ node: Node, key: String) throws(PolicyError) -> Bool {
        switch plainText(node)?.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .wrongType(location(node), key: key, found: found(node), expected: "true or false")
        }
    }

    private func count(_ node: Node, key: String, atLeast minimum: Int) throws(PolicyError) -> Int {
        guard let text = plainText(node), let value = Int(text), value >= minimum else {
            throw .wrongType(
                location(node), key: key, found: found(node), expected: "a whole number of at least \(minimum)")
        }
        return value
    }

    /// A value of an enumeration, by its raw value (`on-request`), with a suggestion when close.
    private func choice<Value: RawRepresentable & CaseIterable>(_ node: Node, key: String, as type: Value.Type)
        throws(PolicyError) -> Value where Value.RawValue == String
    {
        let names = Value.allCases.map(\.rawValue)
        guard case let .scalar(scalar) = node, !isNull(node) else {
            throw .wrongType(
                location(node), key: key, found: found(node), expected: "one of \(names.joined(separator: ", "))")
        }
        guard let value = Value(rawValue: scalar.string) else {
            throw .badValue(
                location(node), key: key, found: scalar.string, expected: names,
                suggestion: Suggestion.closest(to: scalar.string, among: names))
        }
        return value
    }

    /// A duration such as `500ms`, `30s`, `10m`, `1h30m`: whole numbers, each with a unit.
    private func duration(_ node: Node, key: String) throws(PolicyError) -> Duration {
        guard let text = plainText(node) ?? node.scalar?.string else {
            throw .wrongType(location(node), key: key, found: found(node), expected: "a duration such as 30s or 10m")
        }
        guard let value = DurationSyntax.parse(text), value > .zero else {
            throw .badDuration(location(node), key: key, found: text)
        }
        return value
    }

    /// A byte count, optionally with a binary suffix: `1048576`, `512K`, `512M`, `2G`, `1T`.
    private func size(_ node: Node, key: String) throws(PolicyError) -> Int {
        guard let text = plainText(node) ?? node.scalar?.string else {
            throw .wrongType(location(node), key: key, found: found(node), expected: "a size such as 512M or 2G")
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let shifts: [String: Int] = ["": 0, "k": 10, "m": 20, "g": 30, "t": 40]
        guard let number = Int(digits), number > 0, let shift = shifts[text.dropFirst(digits.count).lowercased()],
            number <= Int.max >> shift
        else {
            throw .badSize(location(node), key: key, found: text)
        }
        return number << shift
    }

    /// A path that is absolute or starts with `${workspace}`, `${out}` or `${tmp}`, without `.` or `..`.
    private func path(_ node: Node, key: String) throws(PolicyError) -> String {
        let text = try text(node, key: key)
        let variables = SandboxPolicy.variables.map { "${\($0)}" }
        var rest = Substring(text)
        if let variable = variables.first(where: { text.hasPrefix($0) }) {
            rest = rest.dropFirst(variable.count)
            guard rest.isEmpty || rest.hasPrefix("/") else {
                throw .badPath(location(node), key: key, path: text, problem: "a '/' after \(variable)")
            }
        } else if !text.hasPrefix("/") {
            throw .badPath(
                location(node), key: key, path: text,
                problem: "an absolute path or one starting with \(variables.joined(separator: ", "))")
        }
        if rest.contains("${") {
            throw .badPath(
                location(node), key: key, path: text,
                problem: "a path with a variable only at its start, one of \(variables.joined(separator: ", "))")
        }
        if rest.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) {
            throw .badPath(location(node), key: key, path: text, problem: "a path without . or .. parts")
        }
        return text
    }

    // MARK: Nodes

    private func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// A plain (unquoted) scalar's text; nil for quoted scalars, lists and mappings.
    private func plainText(_ node: Node) -> String? {
        guard case let .scalar(scalar) = node else { return nil }
        return scalar.style == .plain ? scalar.string : nil
    }

    /// `key:` with nothing after it, `~` or `null`.
    private func isNull(_ node: Node) -> Bool {
        guard let text = plainText(node) else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// How an error message names what it found.
    private func found(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            return isNull(node) ? "nothing" : "'\(scalar.string)'"
        }
    }
}
