/// A session's `video/index.jsonl` as the report viewer needs it: the size, and each stored frame with its
/// time on the session's clock, its file and the rectangles it changes.
///
/// The format is `foredesk-video/1`; a cut last line or a line this reader does not understand is skipped,
/// so a killed recording still plays up to where it stopped.
struct ReportVideo: Equatable {
    /// One stored frame.
    struct Frame: Equatable {
        /// Milliseconds since the session's start (the index counts from its own header's start).
        var time: Int
        /// The PNG, relative to the session folder, percent-encoded for a `src`.
        var url: String
        /// A full-screen keyframe rather than an atlas of changed rectangles.
        var key: Bool
        /// The rectangles `[x, y, w, h]` this frame changes, in the atlas's order.
        var rects: [[Int]]
    }

    var width: Int
    var height: Int
    var fps: Int
    var frames: [Frame]
    /// The `end` of a cleanly stopped recording, on the session's clock.
    var end: Int?

    static let format = "foredesk-video/1"

    /// Reads `video/index.jsonl` of folder; nil when there is none or its header is not `foredesk-video/1`.
    static func read(folder: String, sessionStart: Timestamp) -> ReportVideo? {
        guard let text = try? FileSystem.readText(folder + "/video/index.jsonl") else { return nil }
        return parse(text, sessionStart: sessionStart)
    }

    /// Parses the index text; frame times move from the header's start to sessionStart's clock.
    static func parse(_ text: String, sessionStart: Timestamp) -> ReportVideo? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next(), let header = try? JSONValue(parsing: String(first)),
            header["format"]?.stringValue == format, let width = header["width"]?.intValue,
            let height = header["height"]?.intValue, width > 0, height > 0,
            let start = header["start"]?.stringValue.flatMap(Timestamp.init(iso8601:))
        else { return nil }
        let offset = Int(start.millisecondsSinceEpoch - sessionStart.millisecondsSinceEpoch)
        var video = ReportVideo(width: width, height: height, fps: header["fps"]?.intValue ?? 0, frames: [], end: nil)
        while let line = lines.next() {
            guard let value = try? JSONValue(parsing: String(line)) else { continue }
            if let end = value["end"]?.intValue {
                video.end = end + offset
                continue
            }
            if let frame = Self.frame(value, offset: offset), frame.time >= (video.frames.last?.time ?? .min) {
                video.frames.append(frame)
            }
        }
        return video
    }

    /// A frame line, or nil when it lacks a field, names a file outside the folder or has a malformed rectangle.
    private static func frame(_ value: JSONValue, offset: Int) -> Frame? {
        guard let time = value["t"]?.intValue, let file = value["file"]?.stringValue,
            case let .array(items)? = value["rects"]
        else { return nil }
        let url = Markup.relativeURL(file)
        guard url != "#" else { return nil }
        var rects: [[Int]] = []
        for item in items {
            guard case let .array(numbers) = item, numbers.count == 4 else { return nil }
            let rect = numbers.compactMap(\.intValue)
            guard rect.count == 4, rect[0] >= 0, rect[1] >= 0, rect[2] > 0, rect[3] > 0 else { return nil }
            rects.append(rect)
        }
        return Frame(time: time + offset, url: url, key: value["key"]?.boolValue ?? false, rects: rects)
    }

    /// The compact form the viewer's script reads: frames as `[t, url, key, [x, y, w, h, …]]`.
    var json: JSONValue {
        .object([
            .init("width", .int(width)), .init("height", .int(height)), .init("fps", .int(fps)),
            .init("end", end.map { .int($0) } ?? .null),
            .init(
                "frames",
                .array(
                    frames.map { frame in
                        .array([
                            .int(frame.time), .string(frame.url), .int(frame.key ? 1 : 0),
                            .array(frame.rects.flatMap { $0.map { .int($0) } }),
                        ])
                    })),
        ])
    }
}
