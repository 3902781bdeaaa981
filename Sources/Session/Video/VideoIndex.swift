public import Imaging

/// The contents of a session's `video/index.jsonl` (format `foredesk-video/1`): a header, then one line per
/// stored frame in time order, then, when recording stopped cleanly, an end line.
///
/// A keyframe's file is the whole screen; any other frame's file is an atlas of the changed rectangles stacked
/// top to bottom at x 0, in `rects` order. Paths are relative to the session folder.
public struct VideoIndex: Sendable, Equatable {
    /// The format name on the header line.
    public static let format = "foredesk-video/1"
    /// The index's path relative to the session folder.
    public static let path = "video/index.jsonl"

    /// The first line: what the frames show and when the recording started.
    public struct Header: Sendable, Equatable {
        /// The screen size every frame reconstructs to.
        public var size: Size
        /// The frame rate the recording aimed at.
        public var fps: Int
        /// When recording started; every frame's `t` counts from here.
        public var start: Timestamp

        /// A header from its parts.
        public init(size: Size, fps: Int, start: Timestamp) {
            self.size = size
            self.fps = fps
            self.start = start
        }

        /// The header as one line of JSON, without the newline.
        public var jsonLine: String {
            JSONValue.object([
                .init("format", .string(VideoIndex.format)), .init("width", .int(size.width)),
                .init("height", .int(size.height)), .init("fps", .int(fps)), .init("start", .string(start.iso8601)),
            ]).rendered
        }
    }

    /// One stored frame.
    public struct Entry: Sendable, Equatable {
        /// Milliseconds since the header's start.
        public var t: Int
        /// The PNG, relative to the session folder (`video/000042.png`).
        public var file: String
        /// A full-screen keyframe rather than an atlas of changes.
        public var key: Bool
        /// Where each part of the atlas goes on the screen (a keyframe: the whole screen).
        public var rects: [Rect]

        /// An entry from its parts.
        public init(t: Int, file: String, key: Bool, rects: [Rect]) {
            self.t = t
            self.file = file
            self.key = key
            self.rects = rects
        }

        /// The entry as one line of JSON, without the newline.
        public var jsonLine: String {
            JSONValue.object([
                .init("t", .int(t)), .init("file", .string(file)), .init("key", .bool(key)),
                .init("rects", .array(rects.map { .array([.int($0.x), .int($0.y), .int($0.width), .int($0.height)]) })),
            ]).rendered
        }

        /// The rectangle of the atlas that rects[i] is cut from.
        public func atlasRect(_ i: Int) -> Rect {
            let top = rects[..<i].reduce(0) { $0 + $1.height }
            return Rect(x: 0, y: top, width: rects[i].width, height: rects[i].height)
        }
    }

    /// The last line of a recording that stopped cleanly.
    public struct End: Sendable, Equatable {
        /// Milliseconds since the header's start when recording stopped.
        public var end: Int
        /// Frames stored.
        public var frames: Int
        /// Ticks that had changes to store but were skipped because capture or encoding fell behind; their
        /// pixels went into the next frame stored.
        public var dropped: Int

        /// An end line from its parts.
        public init(end: Int, frames: Int, dropped: Int) {
            self.end = end
            self.frames = frames
            self.dropped = dropped
        }

        /// The end as one line of JSON, without the newline.
        public var jsonLine: String {
            JSONValue.object([.init("end", .int(end)), .init("frames", .int(frames)), .init("dropped", .int(dropped))])
                .rendered
        }
    }

    /// The header.
    public var header: Header
    /// The frames, in time order.
    public var frames: [Entry]
    /// The end line; nil when the recording was killed (or still runs).
    public var end: End?
    /// Lines after the header that were skipped: a last line cut off by a kill, or lines this reader does not know.
    public var skippedLines: Int

    /// An index from its parts.
    public init(header: Header, frames: [Entry] = [], end: End? = nil, skippedLines: Int = 0) {
        self.header = header
        self.frames = frames
        self.end = end
        self.skippedLines = skippedLines
    }

    /// How long the video lasts: to the end line, or to the last frame of a killed recording.
    public var durationMilliseconds: Int {
        end?.end ?? frames.last?.t ?? 0
    }

    /// Parses the text of an index; path is only used in errors.
    /// - Throws: `SessionError.malformedVideo` when the first line is not a `foredesk-video/1` header.
    public init(parsing text: String, path: String = VideoIndex.path) throws(SessionError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, let header = Self.header(String(first)) else {
            throw .malformedVideo(
                path: path, message: "line 1 is not a \(Self.format) header: this is not a foredesk video index")
        }
        var frames: [Entry] = []
        var end: End?
        var skipped = 0
        for line in lines.dropFirst() {
            guard let value = try? JSONValue(parsing: String(line)) else {
                skipped += 1
                continue
            }
            if let entry = Self.entry(value, screen: header.size), entry.t >= (frames.last?.t ?? 0) {
                frames.append(entry)
            } else if let ms = value["end"]?.intValue, let count = value["frames"]?.intValue,
                let dropped = value["dropped"]?.intValue
            {
                end = End(end: ms, frames: count, dropped: dropped)
            } else {
                skipped += 1
            }
        }
        self.init(header: header, frames: frames, end: end, skippedLines: skipped)
    }

    private static func header(_ line: String) -> Header? {
        guard let value = try? JSONValue(parsing: line), value["format"]?.stringValue == format,
            let width = value["width"]?.intValue, let height = value["height"]?.intValue, width > 0, height > 0,
            let fps = value["fps"]?.intValue, fps > 0,
            let start = value["start"]?.stringValue.flatMap(Timestamp.init(iso8601:))
        else { return nil }
        return Header(size: Size(width: width, height: height), fps: fps, start: start)
    }

    /// A frame line whose file stays inside `video/` and whose rectangles lie on the screen; nil otherwise.
    private static func entry(_ value: JSONValue, screen: Size) -> Entry? {
        guard let t = value["t"]?.intValue, t >= 0, let file = value["file"]?.stringValue, file.hasPrefix("video/"),
            !file.split(separator: "/").contains(".."), let key = value["key"]?.boolValue,
            case let .array(items)? = value["rects"], !items.isEmpty
        else { return nil }
        let bounds = Rect(x: 0, y: 0, width: screen.width, height: screen.height)
        var rects: [Rect] = []
        for item in items {
            guard case let .array(numbers) = item, numbers.count == 4, let x = numbers[0].intValue,
                let y = numbers[1].intValue, let w = numbers[2].intValue, let h = numbers[3].intValue
            else { return nil }
            let rect = Rect(x: x, y: y, width: w, height: h)
            guard !rect.isEmpty, bounds.contains(rect) else { return nil }
            rects.append(rect)
        }
        if key, rects != [bounds] { return nil }
        return Entry(t: t, file: file, key: key, rects: rects)
    }
}
