public import Imaging

/// Reads a session's `video/` back and rebuilds the screen at any moment: the last keyframe at or before it,
/// then every atlas after that keyframe up to the moment, drawn in order.
///
/// Going forward from the last moment asked for only applies the frames in between, so playing a video
/// from start to end decodes each file once. Not for use from several threads at once.
public final class VideoReader {
    /// The session folder.
    public let folder: String
    /// The parsed index.
    public let index: VideoIndex
    /// The screen as of `frames[position]`, when one has been built.
    private var current: (position: Int, screen: Frame)?

    /// Reads `video/index.jsonl` of the session folder.
    /// - Throws: `SessionError.malformedVideo` when it is missing or not a foredesk video index.
    public init(folder: String) throws(SessionError) {
        let path = folder + "/" + VideoIndex.path
        guard let text = try FileSystem.readText(path) else {
            throw .malformedVideo(path: path, message: "no video here: record one with `foredesk run --video`")
        }
        self.folder = folder
        self.index = try VideoIndex(parsing: text, path: path)
    }

    /// The index of the last frame stored at or before t (milliseconds since the start); nil before the first.
    public func position(at t: Int) -> Int? {
        var low = 0
        var high = index.frames.count
        // The first frame later than t; the one before it is the answer.
        while low < high {
            let middle = (low + high) / 2
            if index.frames[middle].t <= t { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// The screen as it was at t milliseconds since the start; nil before the first frame.
    /// - Throws: `SessionError.malformedVideo` when a file it needs is missing, unreadable or the wrong size.
    public func frame(at t: Int) throws(SessionError) -> Frame? {
        guard let target = position(at: t) else { return nil }
        return try frame(atPosition: target)
    }

    /// The screen as of the stored frame at position (an index into `index.frames`).
    public func frame(atPosition target: Int) throws(SessionError) -> Frame {
        let frames = index.frames
        precondition(frames.indices.contains(target), "no video frame \(target)")
        let keyframe = frames[...target].lastIndex { $0.key }
        var screen: Frame
        var next: Int
        if let current, current.position <= target, keyframe.map({ $0 <= current.position }) ?? true {
            (next, screen) = (current.position + 1, current.screen)
        } else if let keyframe {
            (next, screen) = (keyframe, Frame(width: index.header.size.width, height: index.header.size.height))
        } else {
            // A damaged index without a keyframe: show what the atlases hold on black.
            (next, screen) = (0, Frame(width: index.header.size.width, height: index.header.size.height))
        }
        current = nil
        while next <= target {
            try apply(frames[next], to: &screen)
            next += 1
        }
        current = (target, screen)
        return screen
    }

    /// Draws one stored frame's rectangles onto screen.
    private func apply(_ entry: VideoIndex.Entry, to screen: inout Frame) throws(SessionError) {
        let path = folder + "/" + entry.file
        let atlas: Frame
        do throws(ImagingError) {
            atlas = try Frame(contentsOfPNG: path)
        } catch {
            throw .malformedVideo(path: path, message: "cannot read this video frame: \(error)")
        }
        let needed = Size(
            width: entry.rects.map(\.width).max() ?? 0, height: entry.rects.reduce(0) { $0 + $1.height })
        guard atlas.width >= needed.width, atlas.height >= needed.height else {
            throw .malformedVideo(
                path: path, message: "the image is \(atlas.size), smaller than the \(needed) its rects need")
        }
        for i in entry.rects.indices {
            screen.paste(atlas, from: entry.atlasRect(i), at: entry.rects[i].origin)
        }
    }
}
