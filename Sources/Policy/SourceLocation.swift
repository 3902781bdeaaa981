/// A place in a policy or scenario file: the file name as given, line and column from 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file name the text was read from, as the caller named it.
    public var file: String
    /// The line, counted from 1.
    public var line: Int
    /// The column, counted from 1 in Unicode scalars (as libyaml counts).
    public var column: Int

    /// A location from its parts.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the prefix of every policy and scenario error.
    public var description: String { "\(file):\(line):\(column)" }
}
