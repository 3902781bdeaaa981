import Foundation
import FoundationXML
import Session
import TestSupport
import Testing

/// Counts what a JUnit document holds, via Foundation's XMLParser (which fails on malformed XML).
final class JUnitCounter: NSObject, XMLParserDelegate {
    var suites: [[String: String]] = []
    var testcases: [String] = []
    var failures: [String] = []
    var errors: [String] = []
    var systemOut: [String] = []
    private var text = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        text = ""
        switch name {
        case "testsuite": suites.append(attributes)
        case "testcase": testcases.append(attributes["name"] ?? "")
        case "failure": failures.append(attributes["message"] ?? "")
        case "error": errors.append(attributes["message"] ?? "")
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "system-out" { systemOut.append(text) }
    }

    static func parse(_ xml: String) throws -> JUnitCounter {
        let counter = JUnitCounter()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = counter
        guard parser.parse() else {
            throw parser.parserError ?? CocoaError(.fileReadCorruptFile)
        }
        return counter
    }
}

@Suite struct ReportTests {
    func numbered(_ events: [Event]) -> [Event] {
        events.enumerated().map { index, event in
            var event = event
            event.seq = index + 1
            return event
        }
    }

    @Test func junitIsWellFormedWithTheRightCounts() throws {
        var info = Fixtures.info
        info.verdict = .failed
        info.end = Timestamp(millisecondsSinceEpoch: Fixtures.start.millisecondsSinceEpoch + 1500)
        let xml = JUnitReport.xml(info: info, events: numbered(Fixtures.events()))
        let counter = try JUnitCounter.parse(xml)
        #expect(counter.suites.count == 1)
        #expect(counter.suites.first?["name"] == "login form")
        #expect(counter.suites.first?["tests"] == "4")
        #expect(counter.suites.first?["failures"] == "1")
        #expect(counter.suites.first?["errors"] == "0")
        #expect(counter.suites.first?["time"] == "1.500")
        #expect(counter.testcases == ["1: click OK", "2: type password", "3: key ctrl+alt+f1", "4: run build"])
        #expect(counter.failures == ["denied: ctrl+alt+f1 leaves the app"])
        #expect(counter.systemOut.contains("deny keys.leave_app: ctrl+alt+f1 switches the VT & leaves <the app>"))
    }

    @Test func junitEscapesMarkupAndDropsCharactersXMLForbids() throws {
        var info = Fixtures.info
        info.scenario = "a \"quoted\" <name> & 'more'\u{1}"
        var event = Fixtures.events()[2]
        event.seq = 1
        event.error = "]]> </failure> <x a='b'> \u{0}\u{1b}[31m"
        let counter = try JUnitCounter.parse(JUnitReport.xml(info: info, events: [event]))
        #expect(counter.suites.first?["name"] == "a \"quoted\" <name> & 'more'\u{FFFD}")
        #expect(counter.failures == ["]]> </failure> <x a='b'> \u{FFFD}\u{FFFD}[31m"])
    }

    @Test func anInterruptedRunIsAnErrorInJUnit() throws {
        let counter = try JUnitCounter.parse(
            JUnitReport.xml(info: Fixtures.info, events: numbered(Array(Fixtures.events().prefix(2))), truncatedLine: 3))
        #expect(counter.suites.first?["tests"] == "3")
        #expect(counter.suites.first?["errors"] == "1")
        #expect(counter.errors.first?.contains("line 3") == true)
    }

    @Test func htmlShowsEachActionAndReasonEscaped() throws {
        var info = Fixtures.info
        info.verdict = .failed
        let html = HTMLReport.html(info: info, events: numbered(Fixtures.events()))
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(html.contains("Login &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("ctrl+alt+f1 switches the VT &amp; leaves &lt;the app&gt;"))
        #expect(html.contains("<code>keys.leave_app</code>"))
        #expect(html.contains("<code>click x=10 y=20</code>"))
        #expect(html.contains("run command=make &quot;all&quot;"))
        #expect(html.contains("<code>type text=[secret] secret=true</code>"))
        #expect(!html.contains(Fixtures.secret))
        // Frames are links and timeline data, never images the page loads all at once.
        #expect(html.contains(#"<a href="frames/0001-before.png">before</a>"#))
        #expect(html.contains(#"<a href="frames/0002-after.png">after</a>"#))
        #expect(!html.contains(" src="), "no image is loaded before the viewer asks for it")
        #expect(html.contains(#"<a href="output/0001-build.stdout">stdout</a>"#))
        #expect(html.contains(#"<span class="badge deny">deny</span>"#))
        #expect(html.contains(#"<span class="badge failed">failed</span>"#))
        #expect(html.contains(#"<p class="result failed error">failed: denied: ctrl+alt+f1 leaves the app</p>"#))
        #expect(html.contains(#"<p class="result passed">passed</p>"#))
        #expect(html.contains(#"<span class="took">1234 ms</span>"#))
        // Self-contained: nothing is fetched from elsewhere, one data block and one inline script.
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<link"))
        #expect(html.components(separatedBy: "<script").count == 3)
        #expect(html.components(separatedBy: #"<script type="application/json" id="replay-data">"#).count == 2)
        #expect(!html.contains("<script src"))
        let data = try ReplayDataTests.replayData(html)
        let events = try #require(data["events"] as? [[String: Any]])
        #expect(events.map { $0["seq"] as? Int } == [1, 2, 3, 4])
        #expect(events.map { $0["decision"] as? String } == ["allow", "allow", "deny", "allow"])
        #expect(events.map { $0["failed"] as? Bool } == [false, false, true, false])
        #expect(events[0]["before"] as? String == "frames/0001-before.png")
        #expect(events[0]["point"] as? [Int] == [10, 20])
        #expect(data["duration"] as? Int == 1234, "the longest step sets the timeline's length")
    }

    @Test func rebuildWorksOnAKilledRunsFolder() throws {
        try withTemporaryDirectory { out in
            let folder = try SessionFolder.create(in: out, info: Fixtures.info)
            for event in Fixtures.events() { try folder.record(event) }
            // Kill: no finish(), and the last line cut mid-write.
            let eventsPath = folder.path + "/events.jsonl"
            let text = try Fixtures.text(eventsPath)
            try String(text.dropLast(30)).write(toFile: eventsPath, atomically: false, encoding: .utf8)
            let summary = try SessionReport.rebuild(folder: folder.path)
            #expect(summary.events.count == 3)
            #expect(summary.truncatedLine == 4)
            #expect(summary.failedCount == 1)
            let html = try Fixtures.text(summary.reportPath)
            #expect(html.contains("interrupted"))
            #expect(html.contains("Line 4 of events.jsonl was cut off"))
            let counter = try JUnitCounter.parse(Fixtures.text(summary.junitPath))
            #expect(counter.testcases.count == 4)

            // Without session.json the facts come from the folder name and the first event.
            try FileManager.default.removeItem(atPath: folder.path + "/session.json")
            let bare = try SessionReport.rebuild(folder: folder.path)
            #expect(bare.info.scenario == "login-form")
            #expect(bare.info.start == Fixtures.start)
        }
    }

    @Test func rebuildRefusesAFolderThatIsNoSession() throws {
        _ = try withTemporaryDirectory { out in
            #expect(throws: SessionError.notASession(path: out)) { try SessionReport.rebuild(folder: out) }
        }
    }
}
