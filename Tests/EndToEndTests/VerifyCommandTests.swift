import Foundation
import Imaging
import Policy
import Session
import TestSupport
import Testing

/// Tamper tests: a session written through the Session API, then changed the way someone hiding something would,
/// then judged by the built `foredesk verify`.
@Suite struct VerifyCommandTests {
    static let info = SessionInfo(
        scenario: "login", policyDigest: String(repeating: "cd", count: 32), display: ":99",
        screenSize: Size(width: 1280, height: 800), version: "0.1.0",
        start: Timestamp(millisecondsSinceEpoch: 1_740_832_496_789))

    /// A session of six steps; steps 2 and 5 save frames before and after. finished: as `foredesk run` ends.
    static func makeSession(in out: String, finished: Bool = true) throws -> String {
        let folder = try SessionFolder.create(in: out, info: info)
        for step in 1...6 {
            var event = Event(
                step: "\(step): click step \(step)", action: RecordedAction(.click(at: Point(x: 10 * step, y: 20))),
                durationMilliseconds: 100 + step)
            if step == 2 || step == 5 {
                let shade = UInt8(40 * step)
                event.frames.before = try folder.saveFrame(
                    Frame(width: 16, height: 8, color: Color(red: shade, green: 0, blue: 0)), name: "before-click")
                event.frames.after = try folder.saveFrame(
                    Frame(width: 16, height: 8, color: Color(red: 0, green: shade, blue: 0)), name: "after-click")
            }
            try folder.record(event)
        }
        if finished { try folder.finish(verdict: .passed) }
        return folder.path
    }

    static func lines(_ folder: String) throws -> [String] {
        try String(contentsOfFile: folder + "/events.jsonl", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    static func write(_ lines: [String], to folder: String, newlineAtEnd: Bool = true) throws {
        try (lines.joined(separator: "\n") + (newlineAtEnd ? "\n" : ""))
            .write(toFile: folder + "/events.jsonl", atomically: true, encoding: .utf8)
    }

    /// Runs verify and checks it failed with exit 1 naming what the caller expects.
    func expectBroken(_ folder: String, _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws
    {
        let result = try foredesk(["verify", folder])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("not intact"), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func anIntactSessionPassesAndItsLastHashAnchorsIt() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir)
            let result = try foredesk(["verify", folder])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("intact: 6 events, 4 frames, last hash "), "\(result.stdout)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            let hash = String(result.stdout.dropFirst("intact: 6 events, 4 frames, last hash ".count).prefix(64))
            let info = try SessionInfo(jsonText: String(contentsOfFile: folder + "/session.json", encoding: .utf8))
            #expect(info.lastEventHash == hash)
            #expect(info.eventCount == 6)

            #expect(try foredesk(["verify", folder, "--expect", hash]).status == 0)
            #expect(try foredesk(["verify", folder, "--expect", String(hash.prefix(12)).uppercased()]).status == 0)
            let other = try foredesk(["verify", folder, "--expect", "0123456789abcdef"])
            #expect(other.status == 1)
            #expect(other.stderr.contains("not the expected 0123456789abcdef"), "\(other.stderr)")
            let bad = try foredesk(["verify", folder, "--expect", "xyz"])
            #expect(bad.status == 64)
        }
    }

    @Test func editingOneCharacterOfALineNamesThatLine() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir)
            var lines = try Self.lines(folder)
            #expect(lines[2].contains("\"x\":30"))
            lines[2] = lines[2].replacingOccurrences(of: "\"x\":30", with: "\"x\":31")
            try Self.write(lines, to: folder)
            try expectBroken(folder, "line 3 was changed after it was written: line 4 expects its SHA-256 to be")
        }
    }

    @Test func editingTheSeqOfALineNamesThatLine() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir)
            var lines = try Self.lines(folder)
            lines[3] = lines[3].replacingOccurrences(of: "{\"seq\":4,", with: "{\"seq\":7,")
            try Self.write(lines, to: folder)
            try expectBroken(
                folder, "line 4 was changed after it was written: it follows seq 3, so its seq should be 4")
        }
    }

    @Test func deletingALineNamesTheGap() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir)
            var lines = try Self.lines(folder)
            lines.remove(at: 3)
            try Self.write(lines, to: folder)
            try expectBroken(folder, "an event is missing before line 4: seq jumps from 3 to 5")

            let second = try Self.makeSession(in: dir + "/again")
            try Self.write(Array(try Self.lines(second).dropFirst()), to: second)
            try expectBroken(second, "events are missing before line 1: the log starts at seq 2")
        }
    }

    @Test func swappingTwoLinesIsReportedAsReordering() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir)
            var lines = try Self.lines(folder)
            lines.swapAt(2, 3)
            try Self.write(lines, to: folder)
            try expectBroken(
                folder, "lines are out of order at line 3: seq 4 comes right after seq 2 (seq 3 is on line 4)")
        }
    }

    @Test func removingTheLastLinesOfAFinishedSessionIsDetected() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir)
            let lines = try Self.lines(folder)
            try Self.write(Array(lines.dropLast(2)), to: folder)
            try expectBroken(
                folder, "ends after line 4, but the session finished with 6 events: the last 2 lines were removed")

            // Editing the last line leaves no later line to object, but session.json recorded its hash.
            var edited = lines
            edited[5] = edited[5].replacingOccurrences(of: "\"duration_ms\":106", with: "\"duration_ms\":1")
            #expect(edited[5] != lines[5])
            try Self.write(edited, to: folder)
            try expectBroken(
                folder, "line 6 was changed after the session finished: session.json records its SHA-256 as")
        }
    }

    @Test func replacingAFrameNamesTheFrameAndItsLine() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir)
            // The after frame of step 5, swapped for another valid PNG of the same size.
            let name = try #require(try Self.lines(folder)[4].firstMatch(of: /frames\/\d{4}-after-click\.png/)).output
            try Frame(width: 16, height: 8, color: Color(red: 255, green: 255, blue: 255))
                .writePNG(to: folder + "/" + name)
            try expectBroken(folder, "frame \(name) was changed after it was written: line 5 records its SHA-256 as")

            try FileManager.default.removeItem(atPath: folder + "/" + name)
            try expectBroken(folder, "frame \(name), named by line 5, is missing")
        }
    }

    @Test func aLineCutOffByAKillIsACutNotTampering() throws {
        try withTemporaryDirectory { dir in
            let folder = try Self.makeSession(in: dir, finished: false)
            var lines = try Self.lines(folder)
            // SIGKILL during the last write(2): the line stops partway, with no newline.
            lines[5] = String(lines[5].prefix(60))
            try Self.write(lines, to: folder, newlineAtEnd: false)
            let result = try foredesk(["verify", folder])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("intact so far: 5 events, 4 frames, last hash "), "\(result.stdout)")
            #expect(
                result.stderr.contains("line 6 was cut off mid-write when the run was killed; that is not tampering"))
            #expect(result.stderr.contains("the run did not finish"))
            #expect(!result.stderr.contains("not intact"))

            // A hash kept elsewhere proves the end that the killed run could not record.
            let hash = String(try #require(result.stdout.split(separator: " ").last).prefix(64))
            let anchored = try foredesk(["verify", folder, "--expect", hash])
            #expect(anchored.stdout.hasPrefix("intact: 5 events"), "\(anchored.stdout)")
            #expect(!anchored.stderr.contains("the run did not finish"))
        }
    }

    @Test func aLogWithoutHashesIsNotChainedAndAFolderWithoutASessionIsRefused() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/old"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try (ReportCommandTests.lines.joined(separator: "\n") + "\n")
                .write(toFile: folder + "/events.jsonl", atomically: true, encoding: .utf8)
            let old = try foredesk(["verify", folder])
            #expect(old.status == 1)
            #expect(old.stderr.contains("not chained"), "\(old.stderr)")

            let empty = try foredesk(["verify", dir + "/nothing-here"])
            #expect(empty.status == 64)
            #expect(empty.stderr.contains("is not a session folder"))

            let broken = dir + "/broken"
            try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
            try "{ not json".write(toFile: broken + "/session.json", atomically: true, encoding: .utf8)
            #expect(try foredesk(["verify", broken]).status == 65)
        }
    }

    @Test func helpSaysWhatItProvesAndWhatItCannot() throws {
        let help = try foredesk(["verify", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("What it cannot prove"))
        #expect(help.stdout.contains("--expect"))
        #expect(help.stdout.contains("foredesk verify foredesk-out/login-20250301T123456Z"))
    }
}
