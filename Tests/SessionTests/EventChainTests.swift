import Foundation
import Imaging
import Policy
import Session
import TestSupport
import Testing

@Suite struct EventChainTests {
    /// The lines of a file, without their newlines.
    func lines(_ path: String) throws -> [String] {
        try Fixtures.text(path).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// The SHA-256 of text as coreutils' sha256sum computes it: an independent judge of our hashing.
    func sha256sum(_ text: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    @Test func hashesAreSHA256InLowercaseHex() throws {
        // FIPS 180-2's test vector, and 64 zeros as the start of every chain.
        #expect(EventChain.hash(line: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(EventChain.genesis == String(repeating: "0", count: 64))
    }

    @Test func everyLineCarriesTheHashOfTheLineBeforeIt() throws {
        try withTemporaryDirectory { dir in
            let log = try EventLog(path: dir + "/events.jsonl")
            #expect(log.lastHash == EventChain.genesis)
            let written = try Fixtures.events().map { try log.append($0) }
            try log.close()
            let lines = try lines(dir + "/events.jsonl")
            #expect(lines.count == 4)
            #expect(written.first?.prev == EventChain.genesis)
            for index in 1..<lines.count {
                #expect(written[index].prev == (try sha256sum(lines[index - 1])), "line \(index + 1)")
            }
            #expect(log.lastHash == (try sha256sum(lines[3])))
            // The hash is in the line itself, as "prev", and reads back.
            #expect(lines[1].hasSuffix(",\"prev\":\"\(try sha256sum(lines[0]))\"}"))
            #expect(try EventLog.read(path: dir + "/events.jsonl").events == written)
        }
    }

    @Test func aReopenedLogContinuesTheChainFromItsLastCompleteLine() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/events.jsonl"
            let events = Fixtures.events()
            let first = try EventLog(path: path)
            try first.append(events[0])
            try first.append(events[1])
            try first.close()
            // A killed run's last write, cut off mid-line.
            let partial = String(events[2].jsonLine.prefix(50))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data(partial.utf8))
            try handle.close()

            let resumed = try EventLog(path: path)
            #expect(resumed.lastSeq == 2)
            let third = try resumed.append(events[3])
            try resumed.close()
            let lines = try lines(path)
            #expect(lines.count == 3, "the cut-off line is gone, not glued to the next one")
            #expect(third.seq == 3)
            #expect(third.prev == (try sha256sum(lines[1])))
            #expect(try EventLog.read(path: path).events.map(\.seq) == [1, 2, 3])
        }
    }

    @Test func linesWrittenBeforeTheChainStillParse() throws {
        var old = Fixtures.events()[0]
        old.seq = 1
        let line = old.jsonLine.replacingOccurrences(of: ",\"prev\":null", with: "")
        #expect(!line.contains("prev"))
        let contents = try EventLog.parse(line + "\n")
        #expect(contents.events.count == 1)
        #expect(contents.events[0].prev == nil)
    }

    @Test func recordAddsTheDigestOfEachFrameTheFolderSaved() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            let before = try folder.saveFrame(
                Frame(width: 8, height: 4, color: Color(red: 200, green: 0, blue: 0)), name: "before")
            let after = try folder.saveFrame(
                Frame(width: 8, height: 4, color: Color(red: 0, green: 200, blue: 0)), name: "after")
            var event = Fixtures.events()[0]
            event.frames = .init(before: before, after: after)
            let stored = try folder.record(event)
            let png = try Data(contentsOf: URL(fileURLWithPath: folder.absolutePath(before)))
            #expect(stored.frames.beforeSHA256 == EventChain.hash(Array(png)))
            #expect(stored.frames.afterSHA256 != nil)
            #expect(stored.frames.afterSHA256 != stored.frames.beforeSHA256)
            try folder.finish(verdict: .passed)

            let result = try SessionVerification.verify(folder: folder.path)
            #expect(result.status == .intact)
            #expect(result.framesChecked == 2)
            #expect(result.endProved)
            #expect(result.lastHash == folder.info.lastEventHash)
        }
    }

    @Test func eventsNamingAFrameStillBeingWrittenWaitInOrderForIt() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            let pending = folder.reserveFrame(name: "after")
            let events = Fixtures.events()
            try folder.record(events[0])
            var naming = events[1]
            naming.frames = .init(after: pending)
            try folder.record(naming)
            try folder.record(events[2])
            // The second event names a frame not yet stored: it and everything after it wait.
            #expect(try EventLog.read(path: folder.events.path).events.count == 1)
            let png = try Frame(width: 8, height: 4, color: Color(red: 0, green: 0, blue: 200)).pngData(options: .screenshot)
            try folder.storeFrame(png, at: pending)
            let written = try EventLog.read(path: folder.events.path).events
            #expect(written.map(\.seq) == [1, 2, 3])
            #expect(written[1].frames.after == pending)
            #expect(written[1].frames.afterSHA256 == EventChain.hash(png))
            // A frame that never comes does not hold the log back at the end.
            let lost = folder.reserveFrame(name: "lost")
            var waiting = events[3]
            waiting.frames = .init(before: lost)
            try folder.record(waiting)
            try folder.finish(verdict: .passed)
            #expect(try EventLog.read(path: folder.events.path).events.count == 4)
        }
    }

    @Test func verifyCallsALogWithoutHashesNotChained() throws {
        try withTemporaryDirectory { dir in
            var lines: [String] = []
            for (index, var event) in Fixtures.events().enumerated() {
                event.seq = index + 1
                lines.append(event.jsonLine.replacingOccurrences(of: ",\"prev\":null", with: ""))
            }
            try (lines.joined(separator: "\n") + "\n").write(
                toFile: dir + "/events.jsonl", atomically: true, encoding: .utf8)
            let result = try SessionVerification.verify(folder: dir)
            #expect(result.status == .notChained)
            #expect(result.eventCount == 4)
        }
    }
}
