public import Imaging

/// What a finished recording stored, with digests that let the session's chained event log vouch for every
/// file in `video/`.
public struct VideoSummary: Sendable, Equatable, CustomStringConvertible {
    /// The action kind of the event that records a video in `events.jsonl`.
    public static let eventKind = "video"

    /// The screen size.
    public var size: Size
    /// The frame rate aimed at.
    public var fps: Int
    /// Frames stored.
    public var frames: Int
    /// Of those, full-screen keyframes.
    public var keyframes: Int
    /// Ticks skipped because capture or encoding fell behind (their pixels went into the next frame).
    public var dropped: Int
    /// From the start of recording to its stop.
    public var durationMilliseconds: Int
    /// The bytes of every PNG plus the index.
    public var bytes: Int
    /// The SHA-256 of `video/index.jsonl` as closed.
    public var indexSHA256: String
    /// The SHA-256 of the lines "<file's SHA-256> <file>\n" of every frame file, in index order.
    public var filesSHA256: String
    /// What went wrong, when the recording stopped early (the display went away, the disk filled up).
    public var failure: String?

    /// A summary from its parts.
    public init(
        size: Size, fps: Int, frames: Int, keyframes: Int, dropped: Int, durationMilliseconds: Int, bytes: Int,
        indexSHA256: String, filesSHA256: String, failure: String? = nil
    ) {
        self.size = size
        self.fps = fps
        self.frames = frames
        self.keyframes = keyframes
        self.dropped = dropped
        self.durationMilliseconds = durationMilliseconds
        self.bytes = bytes
        self.indexSHA256 = indexSHA256
        self.filesSHA256 = filesSHA256
        self.failure = failure
    }

    /// `312 frames (3 keyframes, 0 dropped) in 61.2 s at 10 fps, 4.1 MB`.
    public var description: String {
        let seconds = Double(durationMilliseconds / 100) / 10
        let megabytes = Double(bytes / 100_000) / 10
        return "\(frames) frames (\(keyframes) keyframes, \(dropped) dropped) in \(seconds) s at \(fps) fps, \(megabytes) MB"
            + (failure.map { "; stopped early: \($0)" } ?? "")
    }

    /// The event that records the video in `events.jsonl`: its chained line vouches for the index and, through
    /// `files_sha256`, for every frame file (`SessionVerification` checks both).
    public var event: Event {
        Event(
            action: RecordedAction(
                kind: Self.eventKind,
                parameters: [
                    .init("index", .string(VideoIndex.path)), .init("fps", .int(fps)),
                    .init("width", .int(size.width)), .init("height", .int(size.height)),
                    .init("frames", .int(frames)), .init("keyframes", .int(keyframes)), .init("dropped", .int(dropped)),
                    .init("bytes", .int(bytes)), .init("index_sha256", .string(indexSHA256)),
                    .init("files_sha256", .string(filesSHA256)),
                ]),
            durationMilliseconds: durationMilliseconds, error: failure.map { "video recording stopped early: \($0)" })
    }

    /// What is wrong with the folder's `video/` against the digests a video event recorded; nil when it matches.
    /// frames grows by the number of frame files checked.
    static func problem(folder: String, event: Event, frames: inout Int) -> String? {
        func parameter(_ name: String) -> String? {
            event.action.parameters.first { $0.name == name }?.value.stringValue
        }
        guard let indexDigest = parameter("index_sha256"), let filesDigest = parameter("files_sha256") else {
            return nil
        }
        let indexPath = folder + "/" + VideoIndex.path
        let bytes: [UInt8]
        do throws(SessionError) {
            guard let read = try FileSystem.readBytes(indexPath) else { return "\(VideoIndex.path) is missing" }
            bytes = read
        } catch {
            return "\(VideoIndex.path) cannot be read: \(error)"
        }
        guard EventChain.hash(bytes) == indexDigest else {
            return "\(VideoIndex.path) was changed after it was written: its SHA-256 is not the one the video event"
                + " recorded"
        }
        let index: VideoIndex
        do throws(SessionError) {
            index = try VideoIndex(parsing: String(decoding: bytes, as: UTF8.self), path: indexPath)
        } catch {
            return error.description
        }
        var lines: [UInt8] = []
        for entry in index.frames {
            let file: [UInt8]?
            do throws(SessionError) {
                file = try FileSystem.readBytes(folder + "/" + entry.file)
            } catch {
                return "video frame \(entry.file) cannot be read: \(error)"
            }
            guard let file else { return "video frame \(entry.file) is missing" }
            lines += Array((EventChain.hash(file) + " " + entry.file + "\n").utf8)
        }
        guard EventChain.hash(lines) == filesDigest else {
            return "a file in video/ was changed after it was written: the frames' digests do not add up to the one"
                + " the video event recorded"
        }
        frames += index.frames.count
        return nil
    }
}
