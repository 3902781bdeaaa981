public import Imaging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes a session's `video/`: the PNG of each frame, then its line in `video/index.jsonl` (see `VideoIndex`).
///
/// A frame's file is whole before its line is appended, each line with one write(2), so a recording killed at
/// any moment leaves an index that is a readable prefix naming only complete files.
public final class VideoWriter: Sendable {
    /// The session folder.
    public let folder: String
    /// The header written first.
    public let header: VideoIndex.Header
    private let state: Mutex<State>

    private struct State {
        var fd: Int32
        var frames = 0
        var keyframes = 0
        var lastT = 0
        var bytes = 0
        /// "<sha256> <file>\n" for every frame file, in index order: what `filesSHA256` hashes.
        var fileDigests: [UInt8] = []
    }

    /// Creates `video/` in the session folder and writes the index's header line.
    /// - Throws: `SessionError.io`, also when the folder already holds a video.
    public init(folder: String, header: VideoIndex.Header) throws(SessionError) {
        try FileSystem.makeDirectory(folder + "/video")
        let path = folder + "/" + VideoIndex.path
        // O_EXCL: a second recording must not interleave with the first one's frames.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let message = errno == EEXIST ? "the session already has a video" : FileSystem.lastError()
            throw .io(path: path, message: message)
        }
        do throws(SessionError) {
            try FileSystem.writeAll(fd, Array((header.jsonLine + "\n").utf8), path: path)
        } catch {
            FileSystem.closeDescriptor(fd)
            throw error
        }
        self.folder = folder
        self.header = header
        state = Mutex(State(fd: fd))
    }

    deinit {
        state.withLock { state in
            if state.fd >= 0 { FileSystem.closeDescriptor(state.fd) }
        }
    }

    /// Stores one frame: png is a full-screen image when key, else the atlas of rects; t is milliseconds since
    /// the header's start and never goes back. Returns the entry as written.
    @discardableResult
    public func append(t: Int, key: Bool, rects: [Rect], png: [UInt8]) throws(SessionError) -> VideoIndex.Entry {
        let result = state.withLock { state -> Result<VideoIndex.Entry, SessionError> in
            let indexPath = folder + "/" + VideoIndex.path
            guard state.fd >= 0 else { return .failure(.io(path: indexPath, message: "the video index is closed")) }
            let number = String(state.frames + 1)
            let file = "video/" + String(repeating: "0", count: max(0, 6 - number.count)) + number + ".png"
            let entry = VideoIndex.Entry(t: max(t, state.lastT), file: file, key: key, rects: rects)
            do throws(SessionError) {
                // No fsync and no rename: the line that names the file comes only after it is whole.
                try Self.write(png, to: folder + "/" + file)
                try FileSystem.writeAll(state.fd, Array((entry.jsonLine + "\n").utf8), path: indexPath)
            } catch {
                return .failure(error)
            }
            state.frames += 1
            if key { state.keyframes += 1 }
            state.lastT = entry.t
            state.bytes += png.count
            state.fileDigests += Array((EventChain.hash(png) + " " + file + "\n").utf8)
            return .success(entry)
        }
        return try result.get()
    }

    /// Writes the end line, flushes and closes the index, and sums the recording up; later appends fail.
    public func finish(end: Int, dropped: Int) throws(SessionError) -> VideoSummary {
        let indexPath = folder + "/" + VideoIndex.path
        let closed = state.withLock { state -> Result<State, SessionError> in
            guard state.fd >= 0 else { return .failure(.io(path: indexPath, message: "the video index is closed")) }
            let line = VideoIndex.End(end: max(end, state.lastT), frames: state.frames, dropped: dropped).jsonLine
            defer {
                FileSystem.closeDescriptor(state.fd)
                state.fd = -1
            }
            do throws(SessionError) {
                try FileSystem.writeAll(state.fd, Array((line + "\n").utf8), path: indexPath)
                guard fsync(state.fd) == 0 else { throw SessionError.io(path: indexPath, message: FileSystem.lastError()) }
            } catch {
                return .failure(error)
            }
            return .success(state)
        }
        let written = try closed.get()
        let index = try FileSystem.readBytes(indexPath) ?? []
        return VideoSummary(
            size: header.size, fps: header.fps, frames: written.frames, keyframes: written.keyframes, dropped: dropped,
            durationMilliseconds: max(end, written.lastT), bytes: written.bytes + index.count,
            indexSHA256: EventChain.hash(index), filesSHA256: EventChain.hash(written.fileDigests))
    }

    /// Writes bytes to a new file at path (replacing a leftover of a killed recording).
    private static func write(_ bytes: [UInt8], to path: String) throws(SessionError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, message: FileSystem.lastError()) }
        defer { FileSystem.closeDescriptor(fd) }
        try FileSystem.writeAll(fd, bytes, path: path)
    }
}
