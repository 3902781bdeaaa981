import Imaging
import Policy
import Yams

/// A mapping's entries by name, with where each key is written: a step's or an app's fields.
struct Fields {
    /// The key path errors name, such as `steps[3].click`.
    let key: String
    /// Where the mapping (or the shorthand value) is.
    let location: SourceLocation
    /// name -> (where the key is, its value, the key path errors about the value name).
    var entries: [String: (location: SourceLocation, value: Node, key: String)] = [:]

    func has(_ name: String) -> Bool { entries[name] != nil }

    /// The names given among candidates, in the order the file writes them.
    func given(_ candidates: [String]) -> [String] {
        candidates.filter(has).sorted { (entries[$0]?.location.line ?? 0, entries[$0]?.location.column ?? 0)
            < (entries[$1]?.location.line ?? 0, entries[$1]?.location.column ?? 0)
        }
    }
}

extension ScenarioParser {
    /// The entries of a mapping, in file order; unknown keys are refused with the closest known one.
    func entries(of node: Node, key: String, section: String, known: [String]) throws(ScenarioError)
        -> [(name: String, keyNode: Node, value: Node)]
    {
        if isNull(node) { return [] }
        guard case let .mapping(mapping) = node else {
            throw .wrongType(
                location(node), key: key, found: found(node), expected: "a mapping of \(known.joined(separator: ", "))")
        }
        var result: [(name: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case let .scalar(scalar) = keyNode else {
                throw .wrongType(location(keyNode), key: key, found: found(keyNode), expected: "a key name")
            }
            guard known.contains(scalar.string) else {
                throw .unknownKey(
                    location(keyNode), key: scalar.string, section: section, known: known,
                    suggestion: Suggestion.closest(to: scalar.string, among: known))
            }
            result.append((scalar.string, keyNode, value))
        }
        return result
    }

    /// A mapping's fields, or a lone value as the field shorthand names (`type: hello`).
    ///
    /// An empty key stands for the top level: its fields are named by their own key alone.
    func fields(_ node: Node, key: String, known: [String], shorthand: String?) throws(ScenarioError) -> Fields {
        let section = key.isEmpty ? "the scenario" : key
        var fields = Fields(key: section, location: location(node))
        if let shorthand, !isMapping(node), !isNull(node) {
            fields.entries[shorthand] = (location(node), node, key)
            return fields
        }
        for entry in try entries(of: node, key: section, section: section, known: known) {
            fields.entries[entry.name] = (location(entry.keyNode), entry.value, key.isEmpty ? entry.name : key + "." + entry.name)
        }
        return fields
    }

    /// A required field's value and key path.
    func required(_ name: String, in fields: Fields) throws(ScenarioError) -> (value: Node, key: String) {
        guard let entry = fields.entries[name] else {
            throw .missingKey(fields.location, key: fields.key, missing: name)
        }
        return (entry.value, entry.key)
    }

    /// The items of a list.
    func sequence(_ node: Node, key: String, expected: String = "a list") throws(ScenarioError) -> [Node] {
        guard case let .sequence(items) = node else {
            throw .wrongType(location(node), key: key, found: found(node), expected: expected)
        }
        return Array(items)
    }

    /// A scalar's text as written, without variable substitution.
    func rawText(_ node: Node, key: String, expected: String = "a text value") throws(ScenarioError) -> String {
        guard case let .scalar(scalar) = node, !isNull(node) else {
            throw .wrongType(location(node), key: key, found: found(node), expected: expected)
        }
        return scalar.string
    }

    /// A scalar's text with `${name}` variables substituted.
    func string(_ node: Node, key: String, expected: String = "a text value") throws(ScenarioError) -> String {
        try substitute(try rawText(node, key: key, expected: expected), at: location(node), key: key)
    }

    /// A non-empty text.
    func nonEmptyString(_ node: Node, key: String, expected: String) throws(ScenarioError) -> String {
        let text = try string(node, key: key, expected: expected)
        guard !text.isEmpty else { throw .wrongType(location(node), key: key, found: "''", expected: expected) }
        return text
    }

    func bool(_ node: Node, key: String) throws(ScenarioError) -> Bool {
        let text = try plainText(node).map { text throws(ScenarioError) in
            try substitute(text, at: location(node), key: key)
        }
        switch text?.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .wrongType(location(node), key: key, found: found(node), expected: "true or false")
        }
    }

    func integer(_ node: Node, key: String, in range: ClosedRange<Int>, expected: String) throws(ScenarioError)
        -> Int
    {
        guard let text = plainText(node), let value = Int(try substitute(text, at: location(node), key: key)),
            range.contains(value)
        else {
            throw .wrongType(location(node), key: key, found: found(node), expected: expected)
        }
        return value
    }

    /// A fraction from 0 to 1, such as `min_score: 0.95`.
    func fraction(_ node: Node, key: String) throws(ScenarioError) -> Double {
        guard let text = plainText(node), let value = Double(try substitute(text, at: location(node), key: key)),
            (0...1).contains(value)
        else {
            throw .wrongType(location(node), key: key, found: found(node), expected: "a number from 0 to 1")
        }
        return value
    }

    /// A positive duration such as `500ms`, `2s` or `1m30s`.
    func duration(_ node: Node, key: String) throws(ScenarioError) -> Duration {
        let text = try string(node, key: key, expected: "a duration such as 500ms, 2s or 1m30s")
        guard let value = DurationSyntax.parse(text), value > .zero else {
            throw .badDuration(location(node), key: key, found: text)
        }
        return value
    }

    /// A field's `timeout:`, or the default wait.
    func timeout(_ fields: Fields) throws(ScenarioError) -> Duration {
        guard let entry = fields.entries["timeout"] else { return Scenario.defaultTimeout }
        return try duration(entry.value, key: entry.key)
    }

    func pattern(_ node: Node, key: String) throws(ScenarioError) -> TextPattern {
        let source = try string(node, key: key, expected: "a regular expression")
        do {
            return try TextPattern(source)
        } catch {
            throw .badRegex(location(node), key: key, pattern: source, problem: "\(error)")
        }
    }

    /// `[x, y]` or `"x,y"`.
    func point(_ node: Node, key: String) throws(ScenarioError) -> Point {
        let numbers = try integers(node, key: key, count: 2, expected: "a point [x, y]")
        return Point(x: numbers[0], y: numbers[1])
    }

    /// `[x, y, width, height]` or `"x,y,width,height"`, with a positive width and height.
    func rect(_ node: Node, key: String, expected: String = "a region [x, y, width, height]") throws(ScenarioError)
        -> Rect
    {
        let numbers = try integers(node, key: key, count: 4, expected: expected)
        guard numbers[2] > 0, numbers[3] > 0 else {
            throw .wrongType(
                location(node), key: key, found: "width \(numbers[2]) and height \(numbers[3])",
                expected: "\(expected) with a positive width and height")
        }
        return Rect(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }

    private func integers(_ node: Node, key: String, count: Int, expected: String) throws(ScenarioError) -> [Int] {
        var parts: [String]
        switch node {
        case let .sequence(items):
            parts = []
            for item in items {
                guard case let .scalar(scalar) = item else {
                    throw .wrongType(location(node), key: key, found: found(node), expected: expected)
                }
                parts.append(scalar.string)
            }
        case .scalar:
            parts = try string(node, key: key, expected: expected).split(
                separator: ",", omittingEmptySubsequences: false
            ).map { String($0.filter { $0 != " " }) }
        case .mapping, .alias:
            throw .wrongType(location(node), key: key, found: found(node), expected: expected)
        }
        var numbers: [Int] = []
        for part in parts {
            guard let number = Int(try substitute(part, at: location(node), key: key)) else {
                throw .wrongType(location(node), key: key, found: found(node), expected: expected)
            }
            numbers.append(number)
        }
        guard numbers.count == count else {
            throw .wrongType(location(node), key: key, found: found(node), expected: expected)
        }
        return numbers
    }

    /// A value of an enumeration, by its raw value, with a suggestion when close.
    func choice<Value: RawRepresentable & CaseIterable>(_ node: Node, key: String, as type: Value.Type)
        throws(ScenarioError) -> Value where Value.RawValue == String
    {
        let names = Value.allCases.map(\.rawValue)
        let text = try string(node, key: key, expected: "one of \(names.joined(separator: ", "))")
        guard let value = Value(rawValue: text) else {
            throw .badValue(
                location(node), key: key, found: text, expected: names,
                suggestion: Suggestion.closest(to: text, among: names))
        }
        return value
    }

    // MARK: Nodes

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// A plain (unquoted) scalar's text; nil for quoted scalars, lists and mappings.
    func plainText(_ node: Node) -> String? {
        guard case let .scalar(scalar) = node else { return nil }
        return scalar.style == .plain ? scalar.string : nil
    }

    /// `key:` with nothing after it, `~` or `null`.
    func isNull(_ node: Node) -> Bool {
        guard let text = plainText(node) else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    func isMapping(_ node: Node) -> Bool {
        if case .mapping = node { return true }
        return false
    }

    /// How an error message names what it found.
    func found(_ node: Node) -> String {
        switch node {
        case let .mapping(mapping): return mapping.isEmpty ? "an empty mapping" : "a mapping"
        case let .sequence(items): return items.isEmpty ? "an empty list" : "a list"
        case .alias: return "an alias"
        case let .scalar(scalar): return isNull(node) ? "nothing" : "'\(scalar.string)'"
        }
    }
}
