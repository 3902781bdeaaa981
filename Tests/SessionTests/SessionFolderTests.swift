import Foundation
import Imaging
import Policy
import Session
import TestSupport
import Testing

@Suite struct SessionFolderTests {
    @Test func createsTheDocumentedLayout() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out + "/nested/out", info: Fixtures.info)
            #expect(folder.path == out + "/nested/out/login-form-20250301T123456Z")
            var isDirectory: ObjCBool = false
            for sub in ["frames", "output"] {
                #expect(FileManager.default.fileExists(atPath: folder.path + "/" + sub, isDirectory: &isDirectory))
                #expect(isDirectory.boolValue)
            }
            let info = try SessionInfo(jsonText: Fixtures.text(folder.path + "/session.json"))
            #expect(info == Fixtures.info)
            // A second run in the same second gets its own folder.
            let again = try SessionFolder.create(in: out + "/nested/out", info: Fixtures.info)
            #expect(again.path == folder.path + "-2")
        }
    }

    @Test func sessionJSONUsesSnakeCaseKeysAndIsRewrittenWholeAtTheEnd() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            let before = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path + "/session.json")))
                    as? [String: Any])
            #expect(before["verdict"] as? String == "running")
            #expect(before["end"] is NSNull)
            #expect(
                Set(before.keys) == [
                    "scenario", "policy_digest", "display", "screen_size", "version", "start", "end", "verdict",
                    "event_count", "last_event_hash",
                ])
            #expect(before["event_count"] is NSNull)
            for event in Fixtures.events() { try folder.record(event) }
            let end = Timestamp(millisecondsSinceEpoch: Fixtures.start.millisecondsSinceEpoch + 2500)
            try folder.finish(verdict: .failed, end: end)
            let after = try SessionInfo(jsonText: Fixtures.text(folder.path + "/session.json"))
            #expect(after.verdict == .failed)
            #expect(after.end == end)
            // The end of the log is on record, so cutting lines off it afterwards shows.
            #expect(after.eventCount == 4)
            let lastLine = try #require(try Fixtures.text(folder.path + "/events.jsonl").split(separator: "\n").last)
            #expect(after.lastEventHash == EventChain.hash(line: String(lastLine)))
            #expect(folder.info == after)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(!names.contains { $0.hasSuffix(".tmp") || $0.hasPrefix(".") }, "\(names)")
            #expect(Set(names) == ["session.json", "events.jsonl", "frames", "output", "report.html", "junit.xml"])
        }
    }

    @Test func atomicRewritesNeverShowAPartialFile() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            for event in Fixtures.events() { try folder.record(event) }
            let path = folder.path
            // A reader racing many rewrites sees each file either whole before or whole after, never half.
            let race = Race()
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                while !race.stopped {
                    for name in ["report.html", "junit.xml", "session.json"] {
                        guard let text = try? String(contentsOfFile: path + "/" + name, encoding: .utf8) else { continue }
                        race.read(whole: text.hasSuffix("</html>\n") || text.hasSuffix("</testsuites>\n") || text.hasSuffix("}\n"))
                    }
                }
                done.signal()
            }
            for _ in 0..<40 { try SessionReport.rebuild(folder: path) }
            try folder.finish(verdict: .passed)
            race.stop()
            done.wait()
            #expect(race.reads > 0)
            #expect(race.partial == 0)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.contains(".tmp") }
            #expect(leftovers.isEmpty)
            #expect(try SessionInfo(jsonText: Fixtures.text(path + "/session.json")).verdict == .passed)
        }
    }

    @Test func framesAreNumberedPNGsNamedRelativeToTheFolder() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            let frame = Frame(width: 8, height: 4, color: Color(red: 200, green: 10, blue: 30))
            let first = try folder.saveFrame(frame, name: "before click")
            let second = try folder.saveFrame(frame, name: "../../escape")
            #expect(first == "frames/0001-before-click.png")
            #expect(second == "frames/0002-escape.png")
            #expect(try Frame(contentsOfPNG: folder.absolutePath(first)) == frame)
            let output = folder.outputFiles(name: "make all")
            #expect(output == Event.Output(stdout: "output/0001-make-all.stdout", stderr: "output/0001-make-all.stderr"))
            // Reopening goes on after the files already there.
            let reopened = try SessionFolder.open(folder.path)
            #expect(try reopened.saveFrame(frame, name: "next") == "frames/0003-next.png")
        }
    }

    @Test func secretTextAppearsInNoFileOfTheFolder() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            _ = try folder.saveFrame(Frame(width: 2, height: 2), name: "after")
            for event in Fixtures.events() { try folder.record(event) }
            try folder.finish(verdict: .passed)
            let files = try Fixtures.files(in: folder.path)
            #expect(files.keys.contains("events.jsonl") && files.keys.contains("report.html") && files.keys.contains("junit.xml"))
            for (name, data) in files {
                #expect(data.range(of: Data(Fixtures.secret.utf8)) == nil, "the secret leaked into \(name)")
            }
            #expect(try Fixtures.text(folder.path + "/events.jsonl").contains(RecordedAction.secretPlaceholder))
        }
    }
}

/// What the racing reader saw, shared with the writing test under a lock.
final class Race: @unchecked Sendable {
    private let lock = NSLock()
    private var isStopped = false
    private(set) var reads = 0
    private(set) var partial = 0

    var stopped: Bool { lock.withLock { isStopped } }

    func stop() { lock.withLock { isStopped = true } }

    func read(whole: Bool) {
        lock.withLock {
            reads += 1
            if !whole { partial += 1 }
        }
    }
}
