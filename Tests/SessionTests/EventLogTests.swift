import Foundation
import Imaging
import Policy
import Session
import TestSupport
import Testing

@Suite struct EventLogTests {
    @Test func eventsRoundTripThroughTheFile() throws {
        try withTemporaryDirectory { dir in
            let log = try EventLog(path: dir + "/events.jsonl")
            let written = try Fixtures.events().map { try log.append($0) }
            try log.close()
            #expect(written.map(\.seq) == [1, 2, 3, 4])
            let contents = try EventLog.read(path: dir + "/events.jsonl")
            #expect(contents.events == written)
            #expect(contents.truncatedLine == nil)
            let lines = try Fixtures.text(dir + "/events.jsonl").split(separator: "\n")
            #expect(lines.count == 4)
            // Every line is a JSON object Foundation reads too, with the documented keys.
            let first = try #require(
                try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(
                Set(first.keys) == [
                    "seq", "time", "step", "action", "decision", "foreground", "pointer", "frames", "settle_ms",
                    "duration_ms", "output", "error", "prev",
                ])
            #expect(first["time"] as? String == "2025-03-01T12:34:56.789Z")
            #expect((first["decision"] as? [String: Any])?["rule"] as? String == "allow.default")
            #expect(lines[0].hasPrefix("{\"seq\":1,\"time\":"))
        }
    }

    @Test func eachEventIsOnDiskWhenAppendReturns() throws {
        try withTemporaryDirectory { dir in
            let log = try EventLog(path: dir + "/events.jsonl")
            for (index, event) in Fixtures.events().enumerated() {
                try log.append(event)
                // Read by a different descriptor, as a killed run's folder would be.
                #expect(try EventLog.read(path: dir + "/events.jsonl").events.count == index + 1)
            }
        }
    }

    @Test func aCutOffLastLineIsSkippedAndNoted() throws {
        try withTemporaryDirectory { dir in
            let log = try EventLog(path: dir + "/events.jsonl")
            for event in Fixtures.events() { try log.append(event) }
            try log.close()
            var text = try Fixtures.text(dir + "/events.jsonl")
            text.removeLast(40)  // cut inside the fourth line, as SIGKILL during write(2) would
            let contents = try EventLog.parse(text)
            #expect(contents.events.map(\.seq) == [1, 2, 3])
            #expect(contents.truncatedLine == 4)
        }
    }

    @Test func aMalformedMiddleLineIsReportedWithItsLineNumber() throws {
        let lines = Fixtures.events().enumerated().map { index, event in
            var event = event
            event.seq = index + 1
            return event.jsonLine
        }
        var broken = lines
        broken[1] = String(broken[1].dropLast(5))
        let middle = malformed { () throws(SessionError) in try EventLog.parse(broken.joined(separator: "\n") + "\n", path: "e.jsonl") }
        #expect(middle?.path == "e.jsonl")
        #expect(middle?.line == 2)
        // A whole last line that is wrong (it ends with its newline) is an edit, not a kill.
        var wrongLast = lines
        wrongLast[3] = "{\"seq\": \"four\"}"
        let last = malformed { () throws(SessionError) in try EventLog.parse(wrongLast.joined(separator: "\n") + "\n") }
        #expect(last?.line == 4)
        #expect(last?.message.contains("seq") == true)
    }

    /// The malformed-event error body throws, or nil (recording an issue) when it throws nothing or another error.
    func malformed(_ body: () throws(SessionError) -> EventLog.Contents) -> (path: String, line: Int, message: String)? {
        let result = Result { () throws(SessionError) in try body() }
        switch result {
        case .success:
            Issue.record("expected a malformed-event error")
            return nil
        case let .failure(error):
            guard case let .malformedEvent(path, line, message) = error else {
                Issue.record("expected a malformed-event error, got \(error)")
                return nil
            }
            return (path, line, message)
        }
    }

    @Test func reopeningALogContinuesTheSequence() throws {
        try withTemporaryDirectory { dir in
            let first = try EventLog(path: dir + "/events.jsonl")
            try first.append(Fixtures.events()[0])
            try first.close()
            let second = try EventLog(path: dir + "/events.jsonl", syncEachEvent: true)
            #expect(try second.append(Fixtures.events()[1]).seq == 2)
            #expect(throws: Never.self) { try second.close() }
            #expect(throws: SessionError.self) { try second.append(Fixtures.events()[2]) }
        }
    }

    @Test func secretTextNeverReachesTheRecord() {
        let action = RecordedAction(.type(Fixtures.secret, secret: true))
        #expect(!action.description.contains(Fixtures.secret))
        #expect(action.parameters.contains(.init("text", .string(RecordedAction.secretPlaceholder))))
        let plain = RecordedAction(.type("hello", secret: false))
        #expect(plain.parameters.contains(.init("text", .string("hello"))))
    }

    @Test func awkwardTextRoundTrips() throws {
        let text = "line\nbreak \"quoted\" \\ tab\t nul\u{0} emoji 😀 sep\u{2028} é"
        var event = Fixtures.events()[0]
        event.error = text
        event.step = text
        let line = event.jsonLine
        #expect(!line.contains("\n"))
        #expect(!line.contains("\u{2028}"))
        let back = try Event(jsonLine: line)
        #expect(back == event)
    }
}
