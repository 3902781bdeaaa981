public import Imaging

/// What went wrong writing or reading a session folder.
public enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file system call failed on path.
    case io(path: String, message: String)
    /// A line of `events.jsonl` other than a cut-off last one does not parse.
    case malformedEvent(path: String, line: Int, message: String)
    /// `session.json` does not parse or lacks a required key.
    case malformedSessionFile(path: String, message: String)
    /// The folder holds neither `events.jsonl` nor `session.json`.
    case notASession(path: String)
    /// A frame could not be encoded or written.
    case imaging(ImagingError)
    /// `video/index.jsonl` is not a foredesk video index, or a frame it names is missing or unreadable.
    case malformedVideo(path: String, message: String)

    /// What happened and what to do.
    public var description: String {
        switch self {
        case let .io(path, message): "\(path): \(message)"
        case let .malformedEvent(path, line, message):
            "\(path):\(line): malformed event (\(message)) — only a cut-off last line is tolerated; fix or remove this line"
        case let .malformedSessionFile(path, message): "\(path): \(message)"
        case let .notASession(path):
            "\(path) is not a session folder: it has no events.jsonl or session.json (give the folder `foredesk run` wrote)"
        case let .imaging(inner): inner.description
        case let .malformedVideo(path, message): "\(path): \(message)"
        }
    }
}
