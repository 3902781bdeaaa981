import Foundation
import Session
import Testing
import TestSupport

/// `foredesk run` end to end: a private display, the fixture app launched in its sandbox, every
/// step gated and recorded.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct RunCommandTests {
    /// Writes the scenario (RunnerHarness: the fixture app and its policy) into dir and runs foredesk on it.
    func run(_ steps: String, in dir: String, flags: [String] = []) throws -> (CommandResult, session: String) {
        try RunnerHarness(dir: dir).run(steps, flags: flags)
    }

    func events(_ session: String) throws -> [[String: Any]] {
        try RunnerHarness(dir: "").events(session)
    }

    func fixtureEvents(_ dir: String) throws -> [FixtureEvent] {
        RunnerHarness(dir: dir).fixtureEvents()
    }

    @Test func aScenarioDrivesTheSandboxedFixtureAndRecordsEveryStep() throws {
        try withTemporaryDirectory { dir in
            let (result, session) = try run(
                """
                  - launch: fixture
                  - activate: fixture
                  - wait: { settle: screen, quiet: 150ms, timeout: 5s }
                  - click: [80, 40]
                  - click: [320, 110]
                  - type: hello
                  - type: { text: "t0p-s3cret-42", secret: true }
                  - key: Return
                  - screenshot: typed
                  - expect_window: { title: "^harness fixture$" }
                  - sleep: 50ms
                """, in: dir)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let fixture = try fixtureEvents(dir)
            #expect(fixture.contains { $0.event == "button_release" && $0.target == "ok" }, "the OK click arrived")
            let typed = fixture.filter { $0.event == "key_press" }.map { $0.text ?? "" }.joined()
            #expect(typed.hasPrefix("hellot0p-s3cret-42"), "the fixture received \(typed)")
            let recorded = try events(session)
            #expect(recorded.count == 11, "one event per step")
            let acting = recorded.filter { ["launch", "activate", "click", "type", "key"].contains(($0["action"] as? [String: Any])?["kind"] as? String ?? "") }
            #expect(acting.count == 7)
            for event in acting {
                #expect((event["decision"] as? [String: Any])?["verdict"] as? String == "allow", "\(event)")
            }
            for event in recorded where (event["action"] as? [String: Any])?["kind"] as? String == "click" {
                let frames = event["frames"] as? [String: Any]
                #expect(frames?["before"] is String && frames?["after"] is String, "input steps keep before/after frames")
                #expect(event["settle_ms"] is Int)
            }
            // The secret reaches the app, never a file of the session.
            let files = FileManager.default.enumerator(atPath: session)?.allObjects as? [String] ?? []
            #expect(!files.isEmpty)
            for file in files {
                guard let data = FileManager.default.contents(atPath: session + "/" + file) else { continue }
                #expect(!String(decoding: data, as: UTF8.self).contains("t0p-s3cret-42"), "\(file) holds the secret")
            }
            #expect(!result.stdout.contains("t0p-s3cret-42") && !result.stderr.contains("t0p-s3cret-42"))
            // session.json names the policy by its SHA-256; the run ends naming its report and last hash.
            let policy = try Data(contentsOf: URL(fileURLWithPath: dir + "/policy.yaml"))
            let info = try String(contentsOfFile: session + "/session.json", encoding: .utf8)
            #expect(info.contains("\"policy_digest\":\"sha256:\(EventChain.hash(Array(policy)))\""), "\(info)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.last == "report: \(session)/report.html", "the run ends naming its report: \(result.stderr)")
            let last = try String(contentsOfFile: session + "/events.jsonl", encoding: .utf8).split(separator: "\n").last ?? ""
            #expect(result.stderr.contains("last event hash: \(EventChain.hash(line: String(last)))"), "\(result.stderr)")
        }
    }

    @Test func aDeniedKeyFailsTheStepWithItsRuleAndExitStatusOne() throws {
        try withTemporaryDirectory { dir in
            let (result, session) = try run(
                """
                  - launch: fixture
                  - activate: fixture
                  - key: ctrl+q
                  - sleep: 10ms
                """, in: dir)
            #expect(result.status == 1)
            #expect(result.stderr.contains("scenario.yaml:12:5"), "stderr: \(result.stderr)")
            let recorded = try events(session)
            #expect(recorded.count == 3, "the run stops at the denied step")
            let decision = try #require(recorded.last?["decision"] as? [String: Any])
            #expect(decision["verdict"] as? String == "deny")
            #expect(decision["rule"] as? String == "keys.denied")
            #expect((recorded.last?["error"] as? String)?.contains("keys.denied") == true)
            #expect(try !fixtureEvents(dir).contains { $0.event == "key_press" }, "the denied key never reached the app")
            let info = try String(contentsOfFile: session + "/session.json", encoding: .utf8)
            #expect(info.contains("failed"))
        }
    }

    @Test func inputWithNoLaunchedWindowActiveIsDenied() throws {
        try withTemporaryDirectory { dir in
            let (result, session) = try run(
                """
                  - type: hello
                """, in: dir)
            #expect(result.status == 1)
            let decision = try #require(try events(session).last?["decision"] as? [String: Any])
            #expect(decision["verdict"] as? String == "deny")
            #expect((decision["rule"] as? String)?.hasPrefix("foreground.") == true, "\(decision)")
        }
    }

    @Test func aMissingWorkspaceIsRefusedBeforeAnythingStarts() throws {
        try withTemporaryDirectory { dir in
            try "name: w\nsteps: [sleep: 1ms]\n".write(toFile: dir + "/s.yaml", atomically: true, encoding: .utf8)
            let result = try foredesk(["run", dir + "/s.yaml", "--out", dir + "/out", "--workspace", dir + "/missing"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("the workspace \(dir)/missing is not a folder"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "no session was started")
        }
    }

    @Test func aBadApprovalTimeoutIsRefusedWithTheOptionNamed() throws {
        try withTemporaryDirectory { dir in
            try "name: w\nsteps: [sleep: 1ms]\n".write(toFile: dir + "/s.yaml", atomically: true, encoding: .utf8)
            let result = try foredesk(["run", dir + "/s.yaml", "--out", dir + "/out", "--approval-timeout", "soon"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("--approval-timeout takes a duration such as 30s or 5m, not 'soon'"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "no session was started")
            let help = try foredesk(["run", "--help"])
            #expect(help.stdout.contains("--approval-timeout"))
        }
    }

    @Test func aMissingImageFailsClearly() throws {
        try withTemporaryDirectory { dir in
            let (result, _) = try run(
                """
                  - wait: { image: button.png, timeout: 1s }
                """, in: dir)
            #expect(result.status == 1)
            #expect(result.stderr.contains("scenario.yaml:10:5"), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("the image \(dir)/button.png does not exist"), "stderr: \(result.stderr)")
        }
    }

    @Test func aDragInsideTheActiveWindowArrivesAndOneOutsideIsDenied() throws {
        try withTemporaryDirectory { dir in
            let (result, session) = try run(
                """
                  - launch: fixture
                  - activate: fixture
                  - drag: { at: [60, 240], to: [400, 240] }
                  - drag: { at: [60, 240], to_screen: [1000, 700] }
                """, in: dir)
            #expect(result.status == 1)
            let fixture = try fixtureEvents(dir)
            let presses = fixture.filter { $0.event == "button_press" }
            let releases = fixture.filter { $0.event == "button_release" }
            #expect(presses.count == 1 && presses.first?.x == 60 && presses.first?.y == 240, "\(presses)")
            #expect(releases.count == 1 && releases.first?.x == 400 && releases.first?.y == 240, "\(releases)")
            let last = try #require(try events(session).last?["decision"] as? [String: Any])
            #expect(last["rule"] as? String == "pointer.outside_window", "\(last)")
        }
    }

    @Test func expectScreenRecordsWithUpdateGoldenAndWritesADiffOnMismatch() throws {
        try withTemporaryDirectory { dir in
            let check = """
                  - launch: fixture
                  - activate: fixture
                  - expect_screen: { golden: golden/screen.png, timeout: 1s, masks: [[0, 0, 1024, 30], [0, 370, 1024, 80]] }
                """
            let (missing, _) = try run(check, in: dir)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("--update-golden"), "stderr: \(missing.stderr)")
            let (recording, _) = try run(check, in: dir, flags: ["--update-golden"])
            #expect(recording.status == 0, "stderr: \(recording.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/golden/screen.png"))
            let (matching, _) = try run(check, in: dir)
            #expect(matching.status == 0, "stderr: \(matching.stderr)")
            let (changed, session) = try run(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [320, 110]
                  - type: changed
                  - expect_screen: { golden: golden/screen.png, timeout: 1s, masks: [[0, 0, 1024, 30], [0, 370, 1024, 80]] }
                """, in: dir)
            #expect(changed.status == 1)
            #expect(changed.stderr.contains("pixels differ"), "stderr: \(changed.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/golden/screen.diff.png"))
            #expect(FileManager.default.fileExists(atPath: dir + "/golden/screen.actual.png"))
            #expect(try events(session).last?["error"] is String)
        }
    }

    @Test func theFixtureSmokeExamplePasses() throws {
        try withTemporaryDirectory { dir in
            let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Scenarios/examples/fixture-smoke.yaml").path
            try FileManager.default.createDirectory(atPath: dir + "/ws", withIntermediateDirectories: true)
            let result = try foredesk(["run", example, "--out", dir + "/out", "--workspace", dir + "/ws"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(!result.stderr.contains("s3cret"))
            #expect(FileManager.default.fileExists(atPath: dir + "/ws/smoke.txt"))
        }
    }
}
