public import Policy

/// Why a scenario could not be read; every message about the text starts with `file:line:column`,
/// says what was found and what was expected.
public enum ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, problem: String)
    /// The text is not well-formed YAML (libyaml's own problem description).
    case syntax(SourceLocation, problem: String)
    /// The same key twice in one mapping, or two apps of one name.
    case duplicateKey(SourceLocation, key: String)
    /// A key the schema does not know; `suggestion` is the closest known key, when one is close.
    case unknownKey(SourceLocation, key: String, section: String, known: [String], suggestion: String?)
    /// A step whose action is not a step kind.
    case unknownStep(SourceLocation, kind: String, step: String, known: [String], suggestion: String?)
    /// A value of the wrong shape: a list where a mapping belongs, text where a number belongs.
    case wrongType(SourceLocation, key: String, found: String, expected: String)
    /// A value outside its enumeration (`direction: sideways`, an app no one declared).
    case badValue(SourceLocation, key: String, found: String, expected: [String], suggestion: String?)
    /// A required key left out.
    case missingKey(SourceLocation, key: String, missing: String)
    /// Two keys of which only one may be given (`screen:` and `image:`).
    case conflictingKeys(SourceLocation, key: String, found: [String], expected: String)
    /// None of the keys of which one (or at least one) must be given.
    case missingChoice(SourceLocation, key: String, choices: [String], exactlyOne: Bool)
    /// An option given without the key it belongs to (`tolerance:` without `image:`).
    case optionWithout(SourceLocation, key: String, option: String, requires: [String])
    /// A duration that is not a number with a unit, such as `500ms`, `2s` or `1m30s`.
    case badDuration(SourceLocation, key: String, found: String)
    /// A pattern Swift's `Regex` does not accept.
    case badRegex(SourceLocation, key: String, pattern: String, problem: String)
    /// A key combination that does not parse.
    case badKeyCombination(SourceLocation, key: String, combo: String, problem: String)
    /// `${name}` where no variable of that name is defined.
    case undefinedVariable(SourceLocation, key: String, name: String, defined: [String], suggestion: String?)

    /// The message: `file:line:column: key: found …, expected …`.
    public var description: String {
        switch self {
        case let .unreadable(file, problem):
            "\(file): cannot read the scenario: \(problem)"
        case let .syntax(location, problem):
            "\(location): not valid YAML: \(problem)"
        case let .duplicateKey(location, key):
            "\(location): '\(key)' appears twice; keep one"
        case let .unknownKey(location, key, section, known, suggestion):
            "\(location): unknown key '\(key)' in \(section)" + Self.hint(suggestion)
                + " (expected one of: \(known.joined(separator: ", ")))"
        case let .unknownStep(location, kind, step, known, suggestion):
            "\(location): unknown step '\(kind)' in \(step)" + Self.hint(suggestion)
                + " (expected one of: \(known.joined(separator: ", ")))"
        case let .wrongType(location, key, found, expected):
            "\(location): \(key): found \(found), expected \(expected)"
        case let .badValue(location, key, found, expected, suggestion):
            "\(location): \(key): found '\(found)', expected one of \(expected.joined(separator: ", "))"
                + Self.hint(suggestion)
        case let .missingKey(location, key, missing):
            "\(location): \(key): found no '\(missing)', expected '\(missing)' (it is required)"
        case let .conflictingKeys(location, key, found, expected):
            "\(location): \(key): found both \(found.map { "'\($0)'" }.joined(separator: " and ")), expected \(expected)"
        case let .missingChoice(location, key, choices, exactlyOne):
            "\(location): \(key): found none of \(choices.joined(separator: ", ")), expected "
                + (exactlyOne ? "exactly one" : "at least one")
        case let .optionWithout(location, key, option, requires):
            "\(location): \(key): found '\(option)' without \(Self.either(requires)), expected '\(option)' only with "
                + Self.either(requires)
        case let .badDuration(location, key, found):
            "\(location): \(key): found '\(found)', expected a duration such as 500ms, 2s or 1m30s"
        case let .badRegex(location, key, pattern, problem):
            "\(location): \(key): found '\(pattern)', expected a regular expression (\(problem))"
        case let .badKeyCombination(location, key, combo, problem):
            "\(location): \(key): found '\(combo)', expected a key combination such as ctrl+s (\(problem))"
        case let .undefinedVariable(location, key, name, defined, suggestion):
            "\(location): \(key): found '${\(name)}', which no variable defines"
                + Self.hint(suggestion.map { "${\($0)}" })
                + " (expected one of: \(defined.map { "${\($0)}" }.joined(separator: ", ")), or an entry under variables:)"
        }
    }

    /// Where the error is, when it comes from the text.
    public var location: SourceLocation? {
        switch self {
        case .unreadable:
            nil
        case let .syntax(location, _), let .duplicateKey(location, _), let .unknownKey(location, _, _, _, _),
            let .unknownStep(location, _, _, _, _), let .wrongType(location, _, _, _),
            let .badValue(location, _, _, _, _), let .missingKey(location, _, _), let .conflictingKeys(location, _, _, _),
            let .missingChoice(location, _, _, _), let .optionWithout(location, _, _, _),
            let .badDuration(location, _, _), let .badRegex(location, _, _, _),
            let .badKeyCombination(location, _, _, _), let .undefinedVariable(location, _, _, _, _):
            location
        }
    }

    private static func hint(_ suggestion: String?) -> String {
        suggestion.map { " — did you mean '\($0)'?" } ?? ""
    }

    private static func either(_ keys: [String]) -> String {
        keys.map { "'\($0)'" }.joined(separator: " or ")
    }
}
