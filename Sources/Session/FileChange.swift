/// One file that changed under a writable root since a `WorkspaceSnapshot`.
public struct FileChange: Sendable, Equatable {
    /// What happened to the file.
    public enum Kind: String, Sendable {
        case added, removed, modified
    }

    /// The file's absolute path.
    public var path: String
    /// The path relative to its writable root (`notes/todo.txt`), as the diff headers name it.
    public var name: String
    /// What happened to the file.
    public var kind: Kind
    /// Either side holds a NUL byte or is not UTF-8: the file is named, not shown.
    public var isBinary: Bool
    /// A unified diff (`---`/`+++` headers, `@@` hunks with 3 lines of context) for text files;
    /// one line for binary files (`Binary file X changed`) and for files too large to compare.
    public var unifiedText: String

    /// A change from its parts.
    public init(path: String, name: String, kind: Kind, isBinary: Bool, unifiedText: String) {
        self.path = path
        self.name = name
        self.kind = kind
        self.isBinary = isBinary
        self.unifiedText = unifiedText
    }
}
