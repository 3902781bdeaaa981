import Foundation
import Imaging
import Session
import TestSupport
import Testing

/// `video/`: the index format, the writer's files, the reader's reconstruction, and what verify checks.
@Suite struct VideoTests {
    static let size = Size(width: 64, height: 48)
    static let header = VideoIndex.Header(size: size, fps: 10, start: Fixtures.start)

    /// A keyframe of grey, then an atlas of a red and a blue rectangle, then a green one; the screens after each.
    static func writeSample(into folder: String) throws -> (VideoSummary, [Frame]) {
        let writer = try VideoWriter(folder: folder, header: header)
        var screen = Frame(width: size.width, height: size.height, color: Color(rgb: 0x808080))
        var screens = [screen]
        try writer.append(t: 0, key: true, rects: [screen.bounds], png: try screen.pngData())
        let red = Rect(x: 5, y: 6, width: 10, height: 4)
        let blue = Rect(x: 40, y: 30, width: 20, height: 8)
        var atlas = Frame(width: 20, height: 12, color: Color(rgb: 0xFF0000))
        atlas.fill(Rect(x: 0, y: 4, width: 20, height: 8), with: Color(rgb: 0x0000FF))
        try writer.append(t: 100, key: false, rects: [red, blue], png: try atlas.pngData())
        screen.fill(red, with: Color(rgb: 0xFF0000))
        screen.fill(blue, with: Color(rgb: 0x0000FF))
        screens.append(screen)
        let green = Rect(x: 0, y: 0, width: 3, height: 3)
        try writer.append(t: 700, key: false, rects: [green], png: try Frame(width: 3, height: 3, color: Color(rgb: 0x00FF00)).pngData())
        screen.fill(green, with: Color(rgb: 0x00FF00))
        screens.append(screen)
        return (try writer.finish(end: 900, dropped: 2), screens)
    }

    @Test func theIndexIsTheDocumentedFormatLineByLine() throws {
        try withTemporaryDirectory { dir in
            let (summary, _) = try Self.writeSample(into: dir)
            let lines = try String(contentsOfFile: dir + "/video/index.jsonl", encoding: .utf8).split(separator: "\n")
            #expect(lines == [
                #"{"format":"foredesk-video/1","width":64,"height":48,"fps":10,"start":"2025-03-01T12:34:56.789Z"}"#,
                #"{"t":0,"file":"video/000001.png","key":true,"rects":[[0,0,64,48]]}"#,
                #"{"t":100,"file":"video/000002.png","key":false,"rects":[[5,6,10,4],[40,30,20,8]]}"#,
                #"{"t":700,"file":"video/000003.png","key":false,"rects":[[0,0,3,3]]}"#,
                #"{"end":900,"frames":3,"dropped":2}"#,
            ])
            #expect(summary.frames == 3 && summary.keyframes == 1 && summary.dropped == 2)
            #expect(summary.durationMilliseconds == 900)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/video").sorted()
            #expect(names == ["000001.png", "000002.png", "000003.png", "index.jsonl"], "nothing else in video/")
        }
    }

    @Test func theReaderRebuildsTheScreenAtAnyMoment() throws {
        try withTemporaryDirectory { dir in
            let (_, screens) = try Self.writeSample(into: dir)
            let reader = try VideoReader(folder: dir)
            #expect(try reader.frame(at: 0) == screens[0])
            #expect(try reader.frame(at: 99) == screens[0])
            #expect(try reader.frame(at: 100) == screens[1])
            #expect(try reader.frame(at: 5000) == screens[2])
            // Backwards starts again from the keyframe.
            #expect(try reader.frame(at: 150) == screens[1])
            #expect(reader.index.durationMilliseconds == 900)
        }
    }

    @Test func aKilledRecordingsIndexIsAReadablePrefix() throws {
        let text = """
            {"format":"foredesk-video/1","width":64,"height":48,"fps":10,"start":"2025-03-01T12:34:56.789Z"}
            {"t":0,"file":"video/000001.png","key":true,"rects":[[0,0,64,48]]}
            {"future":"a line this reader does not know"}
            {"t":100,"file":"../escape.png","key":false,"rects":[[0,0,1,1]]}
            {"t":200,"file":"video/000003.png","key":false,"rects":[[0,0,2,2]]}
            {"t":300,"file":"video/0000
            """
        let index = try VideoIndex(parsing: text)
        #expect(index.frames.map(\.t) == [0, 200])
        #expect(index.end == nil)
        #expect(index.skippedLines == 3)
        #expect(index.durationMilliseconds == 200)
        #expect(throws: SessionError.self) { try VideoIndex(parsing: #"{"format":"something-else"}"#) }
    }

    @Test func verifyVouchesForTheVideoThroughItsEvent() throws {
        try withTemporaryDirectory { out in
            let session = try SessionFolder.create(in: out, info: Fixtures.info)
            let (summary, _) = try Self.writeSample(into: session.path)
            try session.record(summary.event)
            try session.finish(verdict: .passed)
            let intact = try SessionVerification.verify(folder: session.path)
            #expect(intact.status == .intact)
            #expect(intact.videoFramesChecked == 3)

            var png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: session.path + "/video/000002.png")))
            png[png.count / 2] ^= 0xFF
            try Data(png).write(to: URL(fileURLWithPath: session.path + "/video/000002.png"))
            let changed = try SessionVerification.verify(folder: session.path)
            guard case let .broken(line, problem) = changed.status else {
                Issue.record("a changed video frame must break verification, got \(changed.status)")
                return
            }
            #expect(line == 1)
            #expect(problem.contains("video/"), "\(problem)")
        }
    }
}
