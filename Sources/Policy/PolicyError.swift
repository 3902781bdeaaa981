/// Why a policy could not be read; every message starts with `file:line:column`, says what was
/// found and what was expected.
public enum PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not well-formed YAML (libyaml's own problem description).
    case syntax(SourceLocation, problem: String)
    /// A key the schema does not know; `suggestion` is the closest known key, when one is close.
    case unknownKey(SourceLocation, key: String, section: String, known: [String], suggestion: String?)
    /// The same key twice in one mapping.
    case duplicateKey(SourceLocation, key: String)
    /// A value of the wrong shape: a list where a mapping belongs, text where a number belongs.
    case wrongType(SourceLocation, key: String, found: String, expected: String)
    /// A value outside its enumeration (`approval: sometimes`).
    case badValue(SourceLocation, key: String, found: String, expected: [String], suggestion: String?)
    /// A duration that is not a number with a unit, such as `30s`, `10m` or `1h30m`.
    case badDuration(SourceLocation, key: String, found: String)
    /// A size that is not a byte count with an optional K, M, G or T suffix.
    case badSize(SourceLocation, key: String, found: String)
    /// A pattern Swift's `Regex` does not accept.
    case badRegex(SourceLocation, key: String, pattern: String, problem: String)
    /// A key combination that does not parse, in a policy file.
    case badKeyCombination(SourceLocation, key: String, combo: String, problem: String)
    /// A path that is neither absolute nor rooted in a known variable, or that climbs with `..`.
    case badPath(SourceLocation, key: String, path: String, problem: String)
    /// A rule that names nothing to match, so it would match every action.
    case emptyRule(SourceLocation, key: String, fields: [String])
    /// A key combination given to `KeyCombination(parsing:)` outside any file.
    case invalidKeyCombination(combo: String, problem: String)

    /// The message: `file:line:column: key: found …, expected …`.
    public var description: String {
        switch self {
        case let .syntax(location, problem):
            "\(location): not valid YAML: \(problem)"
        case let .unknownKey(location, key, section, known, suggestion):
            "\(location): unknown key '\(key)' in \(section)"
                + (suggestion.map { " — did you mean '\($0)'?" } ?? "")
                + " (expected one of: \(known.joined(separator: ", ")))"
        case let .duplicateKey(location, key):
            "\(location): '\(key)' appears twice; keep one"
        case let .wrongType(location, key, found, expected):
            "\(location): \(key): found \(found), expected \(expected)"
        case let .badValue(location, key, found, expected, suggestion):
            "\(location): \(key): found '\(found)', expected one of \(expected.joined(separator: ", "))"
                + (suggestion.map { " — did you mean '\($0)'?" } ?? "")
        case let .badDuration(location, key, found):
            "\(location): \(key): found '\(found)', expected a duration such as 500ms, 30s, 10m or 1h30m"
        case let .badSize(location, key, found):
            "\(location): \(key): found '\(found)', expected a size in bytes such as 1048576, 512M or 2G"
        case let .badRegex(location, key, pattern, problem):
            "\(location): \(key): found '\(pattern)', expected a regular expression (\(problem))"
        case let .badKeyCombination(location, key, combo, problem):
            "\(location): \(key): found '\(combo)', expected a key combination such as ctrl+alt+F1 (\(problem))"
        case let .badPath(location, key, path, problem):
            "\(location): \(key): found '\(path)', expected \(problem)"
        case let .emptyRule(location, key, fields):
            "\(location): \(key): found a rule that names nothing, expected at least one of "
                + fields.joined(separator: ", ")
        case let .invalidKeyCombination(combo, problem):
            "'\(combo)' is not a key combination such as ctrl+alt+F1: \(problem)"
        }
    }

    /// Where the error is, when it comes from a file.
    public var location: SourceLocation? {
        switch self {
        case let .syntax(location, _), let .unknownKey(location, _, _, _, _), let .duplicateKey(location, _),
            let .wrongType(location, _, _, _), let .badValue(location, _, _, _, _), let .badDuration(location, _, _),
            let .badSize(location, _, _), let .badRegex(location, _, _, _), let .badKeyCombination(location, _, _, _),
            let .badPath(location, _, _, _), let .emptyRule(location, _, _):
            location
        case .invalidKeyCombination:
            nil
        }
    }
}
