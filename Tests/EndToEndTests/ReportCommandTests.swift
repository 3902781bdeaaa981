import Foundation
import FoundationXML
import Imaging
import Policy
import Session
import TestSupport
import Testing

/// Counts the test suites, cases and failures of a JUnit document, via Foundation's XMLParser.
final class JUnitTally: NSObject, XMLParserDelegate {
    var suites: [String] = []
    var testcases = 0
    var failures = 0

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch name {
        case "testsuite": suites.append(attributes["name"] ?? "")
        case "testcase": testcases += 1
        case "failure": failures += 1
        default: break
        }
    }

    static func parse(_ path: String) throws -> JUnitTally {
        let tally = JUnitTally()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = tally
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return tally
    }
}

@Suite struct ReportCommandTests {
    /// Three events as `foredesk run` writes them; the third has a title with markup in it.
    static let lines = [
        #"{"seq":1,"time":"2025-03-01T12:34:56.789Z","step":"1: launch app","action":{"kind":"launch","app":"fixture","command":"fixture-app"},"decision":{"verdict":"allow","rule":"allow.default","message":"nothing objected"},"foreground":null,"pointer":null,"frames":{"before":null,"after":null},"settle_ms":null,"duration_ms":120,"output":null,"error":null}"#,
        #"{"seq":2,"time":"2025-03-01T12:34:57.001Z","step":"2: click OK","action":{"kind":"click","x":10,"y":20},"decision":{"verdict":"deny","rule":"pointer.covered","message":"another window covers 10,20"},"foreground":{"id":4194313,"title":"<script>alert(1)</script>","class":"Fixture","pid":42},"pointer":{"x":10,"y":20},"frames":{"before":"frames/0001-before-click.png","after":null},"settle_ms":null,"duration_ms":3,"output":null,"error":"denied: another window covers 10,20"}"#,
        #"{"seq":3,"time":"2025-03-01T12:34:58.000Z","step":"3: type name","action":{"kind":"type","text":"Ada"},"decision":{"verdict":"allow","rule":"allow.default","message":"nothing objected"},"foreground":null,"pointer":null,"frames":{"before":null,"after":null},"settle_ms":150,"duration_ms":170,"output":null,"error":null}"#,
    ]

    static let sessionJSON = """
        {
          "scenario": "login",
          "policy_digest": "abc123",
          "display": ":99",
          "screen_size": {"width": 1280, "height": 800},
          "version": "0.1.0",
          "start": "2025-03-01T12:34:56.000Z",
          "end": null,
          "verdict": "running"
        }

        """

    @Test func rebuildsTheReportOfAKilledRunWhoseLastLineWasCut() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/login-20250301T123456Z"
            try FileManager.default.createDirectory(atPath: folder + "/frames", withIntermediateDirectories: true)
            try Self.sessionJSON.write(toFile: folder + "/session.json", atomically: true, encoding: .utf8)
            // SIGKILL mid-write: the third line stops halfway, with no newline.
            let cut = Self.lines[0] + "\n" + Self.lines[1] + "\n" + Self.lines[2].prefix(70)
            try cut.write(toFile: folder + "/events.jsonl", atomically: true, encoding: .utf8)

            let result = try foredesk(["report", folder])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == folder + "/report.html\n")
            #expect(result.stderr.contains("2 steps, 1 failed or denied"))
            #expect(result.stderr.contains("skipped cut-off line 3"))

            let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
            #expect(html.contains("1: launch app"))
            #expect(html.contains("2: click OK"))
            #expect(!html.contains("3: type name"))
            #expect(html.contains("another window covers 10,20"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<script>alert(1)"))
            #expect(html.contains(#"<a href="frames/0001-before-click.png">before</a>"#))
            #expect(html.contains(#""before":"frames/0001-before-click.png""#), "the viewer's timeline names the frame")
            #expect(html.contains("interrupted"))
            let junit = try String(contentsOfFile: folder + "/junit.xml", encoding: .utf8)
            #expect(junit.contains(#"tests="3" failures="1" errors="1""#))
            // The source of truth is left as it was.
            #expect(try String(contentsOfFile: folder + "/events.jsonl", encoding: .utf8) == cut)
        }
    }

    @Test func namesTheLineOfAMalformedEventAndRefusesAFolderThatIsNoSession() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/broken"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try (Self.lines[0] + "\n{\"seq\": oops}\n" + Self.lines[2] + "\n")
                .write(toFile: folder + "/events.jsonl", atomically: true, encoding: .utf8)
            let malformed = try foredesk(["report", folder])
            #expect(malformed.status == 65)
            #expect(malformed.stderr.contains("events.jsonl:2: malformed event"), "\(malformed.stderr)")

            let empty = try foredesk(["report", dir])
            #expect(empty.status == 64)
            #expect(empty.stderr.contains("is not a session folder"))
        }
    }

    @Test func reportsAChainedSession() throws {
        try withTemporaryDirectory { dir in
            let folder = try VerifyCommandTests.makeSession(in: dir)
            try FileManager.default.removeItem(atPath: folder + "/report.html")
            let result = try foredesk(["report", folder])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("6 steps, 0 failed or denied"))
            let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
            #expect(html.contains("6: click step 6"))
        }
    }

    @Test func mergesSessionsFromTwoShardsIntoOneReportAndOneJUnit() throws {
        try withTemporaryDirectory { dir in
            // Shard 1 is a run's --out folder holding one session; shard 2 is given as the session folder itself.
            let first = try VerifyCommandTests.makeSession(in: dir + "/shard-1")
            var info = VerifyCommandTests.info
            info.scenario = "checkout"
            let second = try SessionFolder.create(in: dir + "/shard-2", info: info)
            try second.record(
                Event(step: "1: launch shop", action: RecordedAction(.launch(app: "shop", command: "shop"))))
            try second.record(
                Event(
                    step: "2: key ctrl+alt+f1", action: RecordedAction(.key("ctrl+alt+f1")),
                    decision: DecisionRecord(.deny(Reason(.keysLeaveApp, "ctrl+alt+f1 leaves the app"))),
                    error: "denied: ctrl+alt+f1 leaves the app"))
            try second.finish(verdict: .failed)

            let result = try foredesk(["report", "--merge", dir + "/shard-1", second.path, "--out", dir + "/merged"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == dir + "/merged/report.html\n")
            #expect(result.stderr.contains("merged 2 sessions (8 steps, 1 sessions not passed)"), "\(result.stderr)")

            let html = try String(contentsOfFile: dir + "/merged/report.html", encoding: .utf8)
            #expect(html.contains(#"<section class="session" id="session-1">"#))
            #expect(html.contains(#"<section class="session" id="session-2">"#))
            #expect(html.contains("6: click step 6") && html.contains("2: key ctrl+alt+f1"))
            #expect(html.contains("ctrl+alt+f1 leaves the app"))
            #expect(html.components(separatedBy: #"<span class="badge passed">intact</span>"#).count == 3)
            // Frames stay in their session folder; the merged page links to them relative to itself.
            let sessionName = try #require(first.split(separator: "/").last)
            let frame = "../shard-1/\(sessionName)/frames/0001-before-click.png"
            #expect(html.contains(#"<a href="\#(frame)">before</a>"#))
            #expect(html.contains(#"<a href="../shard-1/\#(sessionName)/report.html">viewer</a>"#), "each session's own viewer")
            #expect(!html.contains("http://") && !html.contains("https://"))

            let junit = try JUnitTally.parse(dir + "/merged/junit.xml")
            #expect(junit.suites == ["login", "checkout"])
            #expect(junit.testcases == 8)
            #expect(junit.failures == 1)

            // A session whose log was edited still merges, and the table says its evidence is broken.
            let path = second.path + "/events.jsonl"
            let edited = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "launch shop", with: "launch shoq")
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            let merged = try foredesk(["report", "--merge", dir + "/shard-1", second.path, "--out", dir + "/merged"])
            #expect(merged.status == 0, "\(merged.stderr)")
            let again = try String(contentsOfFile: dir + "/merged/report.html", encoding: .utf8)
            #expect(again.contains(#"<span class="badge failed">broken at line 1</span>"#))
        }
    }

    @Test func mergeNeedsOutAndRefusesAFolderWithoutSessions() throws {
        try withTemporaryDirectory { dir in
            let noOut = try foredesk(["report", "--merge", dir])
            #expect(noOut.status == 64)
            #expect(noOut.stderr.contains("--merge needs --out"), "\(noOut.stderr)")
            let twoWithoutMerge = try foredesk(["report", dir, dir])
            #expect(twoWithoutMerge.status == 64)
            let none = try foredesk(["report", "--merge", dir, "--out", dir + "/merged"])
            #expect(none.status == 64)
            #expect(none.stderr.contains("is not a session folder"), "\(none.stderr)")
        }
    }

    @Test func helpShowsExamples() throws {
        let help = try foredesk(["report", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("foredesk report foredesk-out/login-20250301T123456Z"))
    }
}
