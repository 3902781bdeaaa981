/// A regular expression over window titles, command output or file contents, searched anywhere
/// in the text (anchor with `^`/`$`); compared by its source text.
public struct TextPattern: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public let source: String
    // AnyRegexOutput holds `Any`, so the compiler cannot prove this Sendable; the regex is never
    // mutated after init, and its lazily lowered program is published atomically by the stdlib.
    nonisolated(unsafe) private let regex: Regex<AnyRegexOutput>

    /// Compiles source with Swift's `Regex` syntax (Perl-like).
    /// - Throws: the `Regex` compiler's error when source is not a regular expression.
    public init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// True when the pattern occurs in text.
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// The pattern as written.
    public var description: String { source }

    /// Two patterns are equal when they are written the same.
    public static func == (a: TextPattern, b: TextPattern) -> Bool { a.source == b.source }
}
