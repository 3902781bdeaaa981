/// Why `foredesk test` cannot start: a path that does not exist, a bad `--shard`, nothing to run.
public struct SuiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what to do instead.
    public var message: String

    /// An error with its message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
