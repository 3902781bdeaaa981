import Desktop
import Foundation
import FoundationXML
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The foreground rules as a run meets them (DESIGN rule 2): input to a window of an app the session
/// did not launch, and a click on a point another window covers, are denied with their reason,
/// recorded, and never reach a window; and a run killed outright still leaves a reviewable session.
/// Part of RunControlTests' serialized suite, on its display.
extension RunControlTests {
    /// The last event of a session and its decision.
    func lastDecision(_ session: String) throws -> (kind: String, verdict: String, rule: String, message: String) {
        let last = try #require(try events(session).last)
        let decision = last["decision"] as? [String: Any] ?? [:]
        return (
            kind(last), decision["verdict"] as? String ?? "", decision["rule"] as? String ?? "",
            decision["message"] as? String ?? ""
        )
    }

    /// The one session folder a run made in dir/out.
    func sessionFolder(_ dir: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { !$0.hasPrefix(".") }
        try #require(names.count == 1, "one session folder: \(names)")
        return dir + "/out/" + names[0]
    }

    @Test(arguments: ["type: hello", "click: [80, 40]"])
    func inputToAWindowOfAnAppTheSessionDidNotLaunchIsDenied(step: String) throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            // Another app has the focus when the run's first input comes. (A focus change between two
            // of the run's actions is a takeover instead, and pauses the run: RunControlTests.)
            let intruder = try FixtureApp(on: display.name, title: "intruder")
            let arguments = try prepare(
                """
                  - wait_window: { title: "^intruder$", timeout: 30s }
                  - \(step)
                """, in: dir, approval: "never")
            let process = try start(arguments + ["--display", display.name, "--pause-timeout", "2s"], in: dir)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1, "stderr: \(text(dir + "/stderr"))")
            let decision = try lastDecision(try sessionFolder(dir))
            #expect(decision.kind == (step.hasPrefix("type") ? "type" : "click"))
            #expect(decision.verdict == "deny")
            #expect(decision.rule == "foreground.not_launched", "\(decision)")
            #expect(decision.message.contains("'intruder'") && decision.message.contains("did not launch"), "\(decision)")
            #expect(text(dir + "/stderr").contains("foreground.not_launched"))
            let arrived = intruder.events().filter { ["key_press", "button_press"].contains($0.event) }
            #expect(arrived.isEmpty, "nothing reached the intruder: \(arrived)")
        }
    }

    @Test func aClickOnAPointAnotherWindowCoversIsDenied() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            // "cover" is launched too, without taking the focus, on top of the fixture's OK button.
            let arguments = try prepare(
                """
                  - launch: fixture
                  - launch: cover
                  - wait: { settle: screen, quiet: 300ms, timeout: 5s }
                  - click: [80, 40]
                """, in: dir, approval: "never",
                apps: """
                  - name: cover
                    command: [fixture-app, --title, cover, --no-focus, --geometry, 400x300+0+0, --events, "${workspace}/cover-events.jsonl"]
                    policy: policy.yaml
                    window: { title: "^cover$", timeout: 20s }
                """)
            let process = try start(arguments + ["--display", display.name, "--pause-timeout", "2s"], in: dir)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1, "stderr: \(text(dir + "/stderr"))")
            let decision = try lastDecision(try sessionFolder(dir))
            #expect(decision.kind == "click")
            #expect(decision.verdict == "deny")
            #expect(decision.rule == "pointer.covered", "\(decision)")
            #expect(decision.message.contains("'cover'") && decision.message.contains("covers the active window"), "\(decision)")
            let cover = (try? String(contentsOfFile: dir + "/ws/cover-events.jsonl", encoding: .utf8)) ?? ""
            #expect(!cover.contains("button_press"), "the click reached no window")
            #expect(!fixtureEvents(dir).contains { $0.event == "button_press" })
        }
    }

    @Test func aRunKilledOutrightLeavesASessionThatReportsTheStepsDone() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [80, 40]
                  - click: [320, 110]
                  - type: before the kill
                  - sleep: 60s
                  - click: [80, 40]
                """, in: dir)
            let process = try start(arguments + ["--display", display.name], in: dir)
            try waitUntil("the run typed", process, in: dir) {
                fixtureEvents(dir).filter { $0.event == "key_press" }.count >= "before the kill".count
            }
            let session = try sessionFolder(dir)
            try waitUntil("the type step is recorded", process, in: dir) {
                (try? events(session))?.contains { kind($0) == "type" } ?? false
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(!FileManager.default.fileExists(atPath: session + "/report.html"), "a killed run wrote no report")

            let report = try foredesk(["report", session])
            #expect(report.status == 0, "\(report.stderr)")
            let html = text(session + "/report.html")
            for step in ["launch", "activate", "click", "type"] {
                #expect(html.contains(step), "the report shows the \(step) step")
            }
            #expect(try events(session).map(kind) == ["launch", "activate", "click", "click", "type"], "the steps done, no more")
            let junit = try XMLDocument(contentsOf: URL(fileURLWithPath: session + "/junit.xml"))
            let cases = try junit.nodes(forXPath: "//testcase")
            let steps = cases.compactMap { ($0 as? XMLElement)?.attribute(forName: "name")?.stringValue }
                .filter { $0.hasPrefix(dir + "/scenario.yaml:") }
            #expect(steps.count == 5, "one test case per recorded step: \(steps)")
            // The chain of what was written holds; only its end is unproven, and verify says so.
            let verify = try foredesk(["verify", session])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.hasPrefix("intact so far: 5 events"), "\(verify.stdout)\(verify.stderr)")
        }
    }
}
