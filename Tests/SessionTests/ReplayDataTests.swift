import Foundation
import Imaging
import Policy
import Session
import TestSupport
import Testing

/// The data the report viewer plays: escaped inside its script element, with output, video and goldens read
/// from the session folder.
@Suite struct ReplayDataTests {
    /// The JSON block of a viewer page, parsed.
    static func replayData(_ html: String) throws -> [String: Any] {
        let open = #"<script type="application/json" id="replay-data">"#
        let start = try #require(html.range(of: open))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
        return try #require(json as? [String: Any])
    }

    @Test func textThatWouldCloseTheScriptStaysInsideIt() throws {
        let hostile = "</script><script>alert(1)</script><!--"
        let event = Event(
            seq: 1, time: Fixtures.start, step: hostile, action: RecordedAction(kind: hostile),
            decision: DecisionRecord(verdict: hostile, rule: hostile, message: hostile),
            foreground: WindowRecord(id: 1, title: hostile, className: hostile, pid: nil),
            frames: .init(before: "frames/\(hostile).png"), error: hostile)
        let html = HTMLReport.html(info: Fixtures.info, events: [event])
        #expect(html.components(separatedBy: "</script>").count == 3, "only the page's own two script elements close")
        #expect(!html.contains("<script>alert(1)"))
        #expect(!html.contains("<!--"))
        let data = try Self.replayData(html)
        let events = try #require(data["events"] as? [[String: Any]])
        #expect(events.first?["kind"] as? String == hostile, "the text reads back unchanged")
        #expect(events.first?["decision"] as? String == hostile)
        let encoded = "frames/%3C/script%3E%3Cscript%3Ealert%281%29%3C/script%3E%3C%21--.png"
        #expect(events.first?["before"] as? String == encoded, "a frame's name is percent-encoded like a link")
    }

    @Test func aFolderGivesSmallOutputInlineAndLinksLargeOutput() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            let output = folder.outputFiles(name: "build")
            try "built <b>ok</b> & done\n".write(
                toFile: folder.absolutePath(output.stdout ?? ""), atomically: true, encoding: .utf8)
            try String(repeating: "warning: long line\n", count: 1000).write(
                toFile: folder.absolutePath(output.stderr ?? ""), atomically: true, encoding: .utf8)
            try folder.record(
                Event(
                    step: "1: run build", action: RecordedAction(.run("make")), durationMilliseconds: 50,
                    output: output))
            try folder.finish(verdict: .passed)
            let html = try Fixtures.text(folder.path + "/report.html")
            let inline = #"<pre class="output-text" data-stream="stdout">built &lt;b&gt;ok&lt;/b&gt; &amp; done"#
            #expect(html.contains(inline))
            #expect(!html.contains("warning: long line"), "output above the limit is linked, not embedded")
            #expect(html.contains(#"<a href="output/0001-build.stderr">stderr</a>"#))
        }
    }

    @Test func theVideoIndexPlaysOnTheSessionsClockAndSkipsWhatItCannotRead() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            try FileManager.default.createDirectory(atPath: folder.path + "/video", withIntermediateDirectories: true)
            // The recording began 250 ms after the session.
            let start = Timestamp(millisecondsSinceEpoch: Fixtures.start.millisecondsSinceEpoch + 250).iso8601
            let index = [
                #"{"format":"foredesk-video/1","width":1280,"height":800,"fps":10,"start":"\#(start)"}"#,
                #"{"t":0,"file":"video/000001.png","key":true,"rects":[[0,0,1280,800]]}"#,
                #"{"t":100,"file":"video/000002.png","key":false,"rects":[[10,20,30,40],[0,0,5,5]]}"#,
                #"{"something":"from a newer writer"}"#,
                #"{"t":200,"file":"../outside.png","key":false,"rects":[[0,0,1,1]]}"#,
                #"{"t":300,"file":"video/000003.png","key":false,"rects":[[0,0,2,2]]}"#,
                #"{"t":400,"file":"video/0000"#,
            ].joined(separator: "\n")
            try index.write(toFile: folder.path + "/video/index.jsonl", atomically: true, encoding: .utf8)
            let click = RecordedAction(.click(at: Point(x: 1, y: 2)))
            try folder.record(Event(time: Fixtures.start, step: "1: click", action: click))
            let end = Timestamp(millisecondsSinceEpoch: Fixtures.start.millisecondsSinceEpoch + 500)
            try folder.finish(verdict: .passed, end: end)
            let data = try Self.replayData(Fixtures.text(folder.path + "/report.html"))
            let video = try #require(data["video"] as? [String: Any])
            #expect(video["width"] as? Int == 1280 && video["height"] as? Int == 800)
            let frames = try #require(video["frames"] as? [[Any]])
            #expect(frames.map { $0[0] as? Int } == [250, 350, 550], "times move to the session's clock")
            #expect(frames.map { $0[1] as? String } == ["video/000001.png", "video/000002.png", "video/000003.png"])
            #expect(frames.map { $0[2] as? Int } == [1, 0, 0])
            #expect(frames[1][3] as? [Int] == [10, 20, 30, 40, 0, 0, 5, 5])
            #expect(data["duration"] as? Int == 550, "the timeline reaches the last video frame")

            try #"{"format":"other/2"}"#.write(
                toFile: folder.path + "/video/index.jsonl", atomically: true, encoding: .utf8)
            try SessionReport.rebuild(folder: folder.path)
            #expect(try Self.replayData(Fixtures.text(folder.path + "/report.html"))["video"] is NSNull)
        }
    }

    @Test func aFailedExpectScreenLinksItsGoldenFromTheSessionFolder() throws {
        try withTemporaryDirectory { out in
            let golden = out + "/goldens/login.png"
            try FileManager.default.createDirectory(atPath: out + "/goldens", withIntermediateDirectories: true)
            try Frame(width: 4, height: 4).writePNG(to: golden)
            let folder = try SessionFolder.create(in: out + "/runs", info: Fixtures.info)
            try folder.record(
                Event(
                    step: "1: expect_screen",
                    action: RecordedAction(kind: "expect_screen", parameters: [.init("golden", .string(golden))]),
                    frames: .init(
                        before: "frames/0002-expect_screen-diff.png", after: "frames/0001-expect_screen-actual.png"),
                    error: "16 of 16 pixels differ"))
            try folder.finish(verdict: .failed)
            let data = try Self.replayData(Fixtures.text(folder.path + "/report.html"))
            let event = try #require((data["events"] as? [[String: Any]])?.first)
            #expect(event["expected"] as? String == "../../goldens/login.png")
            #expect(event["after"] as? String == "frames/0001-expect_screen-actual.png")
        }
    }
}
