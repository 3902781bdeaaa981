/// A regular expression over command lines, searched anywhere in the line (anchor with `^`/`$`);
/// compared by its source text.
public struct CommandPattern: Sendable, Equatable, CustomStringConvertible {
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

    /// True when the pattern occurs in line.
    public func matches(_ line: String) -> Bool {
        (try? regex.firstMatch(in: line)) != nil
    }

    /// The pattern as written.
    public var description: String { source }

    /// Two patterns are equal when they are written the same.
    public static func == (a: CommandPattern, b: CommandPattern) -> Bool { a.source == b.source }
}
