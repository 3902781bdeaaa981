import Foundation
import Imaging
import Testing
import TestSupport

/// `foredesk replay`: a recorded session played again on a fresh private display, held to its
/// recording step by step (gate decision, outcome, screen), with the evidence of the first difference.
@Suite(.timeLimit(.minutes(5)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct ReplayCommandTests {
    /// Clicks OK, clicks into the text field and types: every input step keeps an after-frame.
    static let steps = """
          - launch: fixture
          - activate: fixture
          - wait: { settle: screen }
          - click: [80, 40]
          - click: [320, 110]
          - type: hello
        """

    func replay(_ source: String, in dir: String, _ flags: [String] = []) throws -> CommandResult {
        try foredesk(["replay", source, "--out", dir + "/replays", "--workspace", dir + "/ws"] + flags)
    }

    func sessionInfo(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/session.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func aSessionReplayedUnchangedMatchesEveryRecordedScreen() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, session) = try harness.run(Self.steps)
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            #expect(FileManager.default.fileExists(atPath: session + "/scenario.yaml"), "the session keeps its scenario")
            #expect(try sessionInfo(session)["scenario_file"] as? String == dir + "/scenario.yaml")

            let result = try replay(session, in: dir)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("replay: matched the recording: 3 screens compared"), "stderr: \(result.stderr)")
            let replayed = try #require(result.stdout.split(separator: "\n").last.map(String.init))
            #expect(try sessionInfo(replayed)["replay_of"] as? String == session)
            let fixture = harness.fixtureEvents()
            #expect(fixture.contains { $0.event == "button_release" && $0.target == "ok" }, "the replayed click reached OK")
            #expect(fixture.filter { $0.event == "key_press" }.count >= 5, "the replay typed again")
            #expect(try harness.events(replayed).contains { ($0["action"] as? [String: Any])?["kind"] as? String == "divergence" } == false)
        }
    }

    @Test func aReplayUnderAPolicyThatDeniesInputDivergesWhereTheGateDecidedOtherwise() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, session) = try harness.run(Self.steps)
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            let strict = harness.policy.replacingOccurrences(of: "deny_keys: [ctrl+q]", with: "deny_keys: [ctrl+q]\nask:\n  - action: click")
            try strict.write(toFile: dir + "/strict.yaml", atomically: true, encoding: .utf8)

            let result = try replay(session, in: dir, ["--policy", dir + "/strict.yaml"])
            #expect(result.status == 1, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("replay: diverged at step 4 ("), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("where the recording shows allow"), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("in the recording: allow (click at"), "stderr: \(result.stderr)")
            #expect(!harness.fixtureEvents().contains { $0.event == "button_press" }, "the denied click did not arrive")
        }
    }

    @Test func aReplayAgainstAChangedAppReportsTheFirstDifferingScreenWithImages() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, session) = try harness.run(Self.steps)
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            // The same app with its OK button moved: the recorded click at OK's old place now hits
            // nothing, and the screen after it is not the recorded one.
            let changed = "fixture=fixture-app --title 'harness fixture' --events '\(dir)/ws/fixture-events.jsonl' --move-ok 300,0"

            let result = try replay(session, in: dir, ["--app", changed])
            #expect(result.status == 1, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("replay: diverged at step 4 ("), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("the screen differs from the recording's"), "stderr: \(result.stderr)")
            let replayed = try #require(result.stdout.split(separator: "\n").last.map(String.init))
            let divergence = try #require(try harness.events(replayed).last { ($0["action"] as? [String: Any])?["kind"] as? String == "divergence" })
            let frames = try #require(divergence["frames"] as? [String: Any])
            let recordedFrame = try Frame(contentsOfPNG: replayed + "/" + (try #require(frames["before"] as? String)))
            let actualFrame = try Frame(contentsOfPNG: replayed + "/" + (try #require(frames["after"] as? String)))
            let original = try Frame(contentsOfPNG: session + "/" + (try #require(RunnerHarness.pngs(in: session + "/frames").first { $0.hasSuffix("click-after.png") }.map { String($0.dropFirst(session.count + 1)) })))
            #expect(try recordedFrame.difference(from: original).matches, "the recorded image is the recording's own frame")
            #expect(try !actualFrame.difference(from: recordedFrame).matches, "the actual image shows the difference")
            let diff = try #require((divergence["action"] as? [String: Any])?["diff"] as? String)
            #expect(FileManager.default.fileExists(atPath: replayed + "/" + diff))
            for name in ["recorded: ", "actual: ", "diff: "] { #expect(result.stderr.contains("  " + name + replayed + "/frames/")) }
            #expect(!harness.fixtureEvents().contains { $0.target == "ok" }, "the moved button was not hit")
            #expect(result.stderr.contains("gate: allow"), "the gate allowed the click both times: \(result.stderr)")
        }
    }

    @Test func aSessionKeepsNoSecretYetItsReplayTypesItFromTheOriginalScenario() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, session) = try harness.run(Self.steps + "\n  - type: { text: \"sw0rdf1sh\", secret: true }")
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            let copy = try String(contentsOfFile: session + "/scenario.yaml", encoding: .utf8)
            #expect(!copy.contains("sw0rdf1sh") && copy.contains("[secret]"), "copy: \(copy)")

            let result = try replay(session, in: dir)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let typed = harness.fixtureEvents().filter { $0.event == "key_press" }.compactMap(\.text).joined()
            #expect(typed.hasSuffix("sw0rdf1sh"), "the replay typed the secret from the original file: \(typed)")

            try (String(contentsOfFile: dir + "/scenario.yaml", encoding: .utf8) + "\n# edited\n")
                .write(toFile: dir + "/scenario.yaml", atomically: true, encoding: .utf8)
            let changed = try replay(session, in: dir)
            #expect(changed.status == 64)
            #expect(changed.stderr.contains("types secret text, which a session never keeps"), "stderr: \(changed.stderr)")
        }
    }

    @Test func untilStopsAfterTheNamedStep() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, session) = try harness.run(Self.steps)
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            let result = try replay(session, in: dir, ["--until", "4"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("stopped early as asked"), "stderr: \(result.stderr)")
            let replayed = try #require(result.stdout.split(separator: "\n").last.map(String.init))
            let kinds = try harness.events(replayed).compactMap { ($0["action"] as? [String: Any])?["kind"] as? String }
            #expect(kinds == ["launch", "activate", "wait", "click"])
        }
    }

    @Test func aFailureTheRecordingHadTooIsAReproduction() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, session) = try harness.run(Self.steps + "\n  - expect_window: { title: \"^no such window$\", timeout: 500ms }")
            try #require(recorded.status == 1, "stderr: \(recorded.stderr)")
            let result = try replay(session, in: dir)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("replay: matched the recording; step 7 ("), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("failed as recorded"), "stderr: \(result.stderr)")
        }
    }

    @Test func aScenarioFileIsPlayedWithoutARecording() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, _) = try harness.run(Self.steps)
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            let result = try replay(dir + "/scenario.yaml", in: dir)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("replay: the scenario passed"), "stderr: \(result.stderr)")
        }
    }

    @Test(.enabled(if: RunControlTests.pythonAvailable, "python3 is missing: it provides the pseudo-terminal for this test"))
    func stepWaitsOnTheTerminalBeforeEachActingStep() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, _) = try harness.run(Self.steps)
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            let (status, stdout, terminal) = try RunControlTests.onTerminal(
                answers: ",,q", ["replay", dir + "/scenario.yaml", "--step", "--out", dir + "/replays", "--workspace", dir + "/ws"],
                in: dir)
            #expect(status == 0, "terminal: \(terminal)")
            #expect(terminal.contains("next: step 1/6 launch ("), "terminal: \(terminal)")
            #expect(terminal.contains("next: step 4/6 click ("), "terminal: \(terminal)")
            #expect(terminal.contains("stopped early as asked"), "terminal: \(terminal)")
            let replayed = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let kinds = try harness.events(replayed).compactMap { ($0["action"] as? [String: Any])?["kind"] as? String }
            #expect(kinds == ["launch", "activate", "wait"], "q before the click stopped the replay there")
            #expect(!harness.fixtureEvents().contains { $0.event == "button_press" })
        }
    }

    @Test func badArgumentsAreRefusedWithWhatToDo() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (recorded, session) = try harness.run(Self.steps)
            try #require(recorded.status == 0, "stderr: \(recorded.stderr)")
            let cases: [([String], String)] = [
                ([session, "--mask", "1,2,3"], "--mask takes x,y,width,height"),
                ([session, "--app", "nosuch=xterm"], "the scenario has no app of that name (it has: fixture)"),
                ([session, "--app", "fixture"], "--app takes NAME=COMMAND"),
                ([session, "--app", "fixture= "], "--app fixture: the command is empty"),
                ([session, "--until", "0"], "--until takes a step number from 1"),
                ([session, "--step"], "--step waits for Enter on a terminal"),
                ([dir + "/nothing-here"], "does not exist: give a session folder"),
            ]
            for (arguments, message) in cases {
                let result = try foredesk(["replay"] + arguments + ["--out", dir + "/replays"])
                #expect(result.status == 64, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            }
            try FileManager.default.removeItem(atPath: session + "/scenario.yaml")
            let bare = try foredesk(["replay", session, "--out", dir + "/replays"])
            #expect(bare.status == 64)
            #expect(bare.stderr.contains("keeps no scenario.yaml"), "stderr: \(bare.stderr)")
        }
    }
}
