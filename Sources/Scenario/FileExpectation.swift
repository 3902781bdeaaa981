/// What an `expect_file` step demands of a file.
public struct FileExpectation: Sendable, Equatable {
    /// `exists:`, true when the file must exist, false when it must not.
    public var exists: Bool
    /// `contains:`, text the file must contain.
    public var contains: String?
    /// `matches:`, a pattern found somewhere in the file.
    public var matches: TextPattern?

    /// An expectation from its parts.
    public init(exists: Bool = true, contains: String? = nil, matches: TextPattern? = nil) {
        self.exists = exists
        self.contains = contains
        self.matches = matches
    }
}
