import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Appends events to `events.jsonl`, one JSON object a line, each with its own write(2), each chained to the
/// line before it by that line's SHA-256 in `prev` (see `EventChain`).
///
/// A line reaches the kernel before `append` returns, so a run killed with SIGKILL loses at most the event
/// being written; with `syncEachEvent` it also reaches the disk (fsync), surviving a power cut.
public final class EventLog: Sendable {
    /// The path of `events.jsonl`.
    public let path: String
    /// Call fsync(2) after every event.
    public let syncEachEvent: Bool
    private let state: Mutex<State>
    private static let logger = Logger(label: "foredesk.session")

    private struct State {
        var fd: Int32
        var lastSeq: Int
        var lastHash: String
    }

    /// Opens path for appending, creating it; seq numbers and the hash chain go on from the last complete line.
    ///
    /// A cut-off last line (a killed run) is removed first: it was never a whole event, and a new line written
    /// after it would otherwise be glued onto it.
    public init(path: String, syncEachEvent: Bool = false) throws(SessionError) {
        // O_APPEND: every write lands at the end, even if another writer (a resumed run) holds the file too.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, message: FileSystem.lastError()) }
        let seq: Int
        let hash: String
        do throws(SessionError) {
            (seq, hash) = try Self.resume(path: path, fd: fd)
        } catch {
            FileSystem.closeDescriptor(fd)
            throw error
        }
        self.path = path
        self.syncEachEvent = syncEachEvent
        self.state = Mutex(State(fd: fd, lastSeq: seq, lastHash: hash))
    }

    /// The last seq and the hash of the last complete line of the file open as fd, after cutting off a partial line.
    private static func resume(path: String, fd: Int32) throws(SessionError) -> (seq: Int, hash: String) {
        let bytes = try FileSystem.readBytes(path) ?? []
        let newline = UInt8(ascii: "\n")
        let completeEnd = (bytes.lastIndex(of: newline) ?? -1) + 1
        if completeEnd < bytes.count {
            guard ftruncate(fd, off_t(completeEnd)) == 0 else { throw .io(path: path, message: FileSystem.lastError()) }
            let removed = bytes.count - completeEnd
            logger.notice("\(path): removed a cut-off last line of \(removed) bytes before appending (a killed run)")
        }
        let complete = bytes[..<completeEnd]
        let events = try parse(String(decoding: complete, as: UTF8.self), path: path).events
        guard let last = complete.dropLast().split(separator: newline).last else { return (0, EventChain.genesis) }
        return (events.last?.seq ?? 0, EventChain.hash(last))
    }

    deinit {
        state.withLock { state in
            if state.fd >= 0 { FileSystem.closeDescriptor(state.fd) }
        }
    }

    /// The seq of the last event appended (0 before the first).
    public var lastSeq: Int {
        state.withLock { $0.lastSeq }
    }

    /// The SHA-256 of the last line written (`EventChain.genesis` before the first): the next event's `prev`.
    public var lastHash: String {
        state.withLock { $0.lastHash }
    }

    /// Appends event with the next seq and the previous line's hash as `prev`, and returns it as written.
    @discardableResult
    public func append(_ event: Event) throws(SessionError) -> Event {
        let result = state.withLock { state -> Result<Event, SessionError> in
            guard state.fd >= 0 else { return .failure(.io(path: path, message: "the event log is closed")) }
            var stored = event
            stored.seq = state.lastSeq + 1
            stored.prev = state.lastHash
            // One write per line: readers see whole lines, and a kill cuts at most this one.
            var line = Array(stored.jsonLine.utf8)
            let hash = EventChain.hash(line)
            line.append(UInt8(ascii: "\n"))
            do throws(SessionError) {
                try FileSystem.writeAll(state.fd, line, path: path)
                if syncEachEvent, fsync(state.fd) != 0 {
                    throw SessionError.io(path: path, message: FileSystem.lastError())
                }
            } catch {
                return .failure(error)
            }
            state.lastSeq = stored.seq
            state.lastHash = hash
            return .success(stored)
        }
        return try result.get()
    }

    /// Flushes to disk and closes the file; later appends fail.
    public func close() throws(SessionError) {
        let failure = state.withLock { state -> SessionError? in
            guard state.fd >= 0 else { return nil }
            defer { state.fd = -1 }
            let synced = fsync(state.fd) == 0
            let message = synced ? nil : FileSystem.lastError()
            FileSystem.closeDescriptor(state.fd)
            return message.map { .io(path: path, message: $0) }
        }
        if let failure { throw failure }
    }

    /// What `read(path:)` found.
    public struct Contents: Sendable, Equatable {
        /// The events, in file order.
        public var events: [Event]
        /// The 1-based line number of a cut-off last line that was skipped (a killed run), if any.
        public var truncatedLine: Int?
    }

    /// Reads `events.jsonl` back; a cut-off last line is skipped and noted, any other bad line throws.
    /// - Throws: `SessionError.malformedEvent` naming the line, or `.io`.
    public static func read(path: String) throws(SessionError) -> Contents {
        guard let text = try FileSystem.readText(path) else {
            throw .io(path: path, message: "no such file")
        }
        return try parse(text, path: path)
    }

    /// Parses the text of an `events.jsonl` file; path is only used in errors.
    public static func parse(_ text: String, path: String = "events.jsonl") throws(SessionError) -> Contents {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A file that ends with a newline splits into one empty string after it.
        let endsWithNewline = lines.last?.isEmpty ?? true
        if endsWithNewline { lines.removeLast() }
        var events: [Event] = []
        var truncatedLine: Int?
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.allSatisfy(\.isWhitespace) { continue }
            do throws(SessionError) {
                events.append(try Event(jsonLine: String(line)))
            } catch {
                // The writer ends every line with its newline in the same write(2): a last line without
                // one was cut short by a kill, not edited, and everything before it stands.
                if index == lines.count - 1, !endsWithNewline {
                    truncatedLine = number
                    logger.debug("\(path):\(number): skipped a cut-off last line (the run was killed while writing it)")
                    continue
                }
                guard case let .malformedEvent(_, _, message) = error else { throw error }
                throw .malformedEvent(path: path, line: number, message: message)
            }
        }
        return Contents(events: events, truncatedLine: truncatedLine)
    }
}
