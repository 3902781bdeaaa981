import Desktop
import Foundation
import Imaging
import Scenario
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `foredesk record` with a scripted person at Xvfb's own keyboard and mouse (`RealPerson`, a
/// separate X client whose input the server attributes to real devices), and the scenario it
/// writes replayed with `foredesk run` on a fresh private display.
@Suite(
    .timeLimit(.minutes(5)), .serialized, .enabled(if: Cgroups.writable, Cgroups.reason),
    .privateDisplay(windowManager: true))
struct RecordCommandTests {
    /// A recording in progress: the process, its folder and what it writes.
    struct Recording {
        let process: Process
        let dir: String
        var scenario: String { dir + "/bug.yaml" }
        var stderr: String { (try? String(contentsOfFile: dir + "/stderr", encoding: .utf8)) ?? "" }
        var stdout: String { (try? String(contentsOfFile: dir + "/stdout", encoding: .utf8)) ?? "" }

        /// Waits (bounded) until condition holds; fails the test if foredesk exited first.
        func waitUntil(
            _ what: String, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
            _ condition: () throws -> Bool
        ) throws {
            let deadline = ContinuousClock.now + timeout
            while try !condition() {
                try #require(process.isRunning, "foredesk exited before \(what): \(stderr)", sourceLocation: sourceLocation)
                try #require(ContinuousClock.now < deadline, "timed out waiting for \(what): \(stderr)", sourceLocation: sourceLocation)
                Thread.sleep(forTimeInterval: 0.02)
            }
        }

        /// Sends signal and waits for foredesk to exit; its exit status.
        func stop(_ signal: Int32 = SIGINT) -> Int32 {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Starts `foredesk record` on display with the fixture app logging to ws/name, and waits until it records.
    func record(
        on display: String, in dir: String, log name: String = "A.jsonl", fixture: String = "", flags: [String] = []
    ) throws -> Recording {
        try FileManager.default.createDirectory(atPath: dir + "/ws", withIntermediateDirectories: true)
        let process = try BuiltProducts.startForedesk(
            [
                "record", "-o", dir + "/bug.yaml", "--display", display, "--session", dir + "/rec", "--workspace",
                dir + "/ws", "--launch", "fixture-app \(fixture) --events \(dir)/ws/\(name)",
            ] + flags, in: dir)
        let recording = Recording(process: process, dir: dir)
        defer {
            if !recording.stderr.contains("recording on") {
                let out = (FileManager.default.enumerator(atPath: dir + "/rec")?.allObjects as? [String] ?? []).filter { $0.contains("output/") }
                // Why the app did not start is in its output.
                for file in out { print("record did not begin; \(file): " + ((try? String(contentsOfFile: dir + "/rec/" + file, encoding: .utf8)) ?? "")) }
            }
        }
        try recording.waitUntil("recording began") { recording.stderr.contains("recording on \(display)") }
        return recording
    }

    /// The fixture's log.
    func fixtureEvents(_ path: String) -> [FixtureEvent] {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONDecoder().decode(FixtureEvent.self, from: Data($0)) }
    }

    /// What a log says happened, without times, keycodes or focus: buttons by target and place,
    /// keys by name, text and the Shift/Control/Alt state, modifiers pressed alone left out.
    func meaning(_ events: [FixtureEvent]) -> [String] {
        let modifiers: Set<String> = ["Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R", "Super_L", "ISO_Level3_Shift"]
        return events.compactMap { event in
            switch event.event {
            case "button_press", "button_release":
                return "\(event.event) \(event.button ?? 0) \(event.target ?? "") \(event.x ?? -1),\(event.y ?? -1)"
            case "key_press" where !modifiers.contains(event.name ?? ""):
                return "key \(event.name ?? "") '\(event.text ?? "")' state \((event.state ?? 0) & 0x0D)"
            default:
                return nil
            }
        }
    }

    /// The fixture's client area on the screen, from its ready line.
    func fixtureOrigin(_ log: String, _ recording: Recording) throws -> Point {
        var origin: Point?
        try recording.waitUntil("the fixture is ready") {
            if let ready = fixtureEvents(log).first(where: { $0.event == "ready" }), let x = ready.x, let y = ready.y {
                origin = Point(x: x, y: y)
            }
            return origin != nil
        }
        return try #require(origin)
    }

    /// Replays the scenario (its app now logging to ws/B.jsonl, with extra fixture arguments) on a fresh private display.
    func replay(_ recording: Recording, fixture extra: String = "") throws -> (CommandResult, [FixtureEvent]) {
        var text = try String(contentsOfFile: recording.scenario, encoding: .utf8)
        text = text.replacing("/ws/A.jsonl", with: "/ws/B.jsonl")
        if !extra.isEmpty { text = text.replacing("[fixture-app, ", with: "[fixture-app, \(extra), ") }
        try text.write(toFile: recording.scenario, atomically: true, encoding: .utf8)
        let result = try foredesk(
            ["run", recording.scenario, "--out", recording.dir + "/out", "--workspace", recording.dir + "/ws"])
        return (result, fixtureEvents(recording.dir + "/ws/B.jsonl"))
    }

    @Test func aPersonsClicksTypingCombinationAndDragReplayToTheSameEventLog() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let recording = try record(on: display.name, in: dir)
            let logA = dir + "/ws/A.jsonl"
            let origin = try fixtureOrigin(logA, recording)
            let person = try #require(RealPerson(display: display.name), "this X server has no Xvfb keyboard and mouse")
            person.click(origin.x + 80, origin.y + 40)  // OK
            Thread.sleep(forTimeInterval: 0.5)
            person.click(origin.x + 320, origin.y + 110)  // the text field
            person.type("héllo wörld")
            person.combo([0xFFE3], 0x61)  // ctrl+a
            person.key(person.keycode(for: 0xFF08), down: true)  // BackSpace, twice
            person.key(person.keycode(for: 0xFF08), down: false)
            person.key(person.keycode(for: 0xFF08), down: true)
            person.key(person.keycode(for: 0xFF08), down: false)
            person.drag(from: (origin.x + 40, origin.y + 240), to: (origin.x + 400, origin.y + 240))
            try recording.waitUntil("the fixture saw the drag end") {
                fixtureEvents(logA).filter { $0.event == "button_release" }.count == 3
            }
            try recording.waitUntil("the drag was recorded") { recording.stderr.contains("drag:") }
            #expect(recording.stop(SIGINT) == 0, "stderr: \(recording.stderr)")
            #expect(recording.stdout.contains(recording.scenario))

            let written = try String(contentsOfFile: recording.scenario, encoding: .utf8)
            let scenario = try Scenario(contentsOfFile: recording.scenario)
            #expect(
                Array(scenario.steps.map(\.kind)) == [.launch, .click, .click, .type, .key, .key, .drag], "\(written)")
            #expect(scenario.steps.map(\.action).contains(.type(text: "héllo wörld", secret: false)), "\(written)")
            #expect(written.contains("- key: { combo: BackSpace, repeat: 2 }"), "\(written)")
            #expect(written.contains("- click: { at: [80, 40] }"), "\(written)")
            #expect(written.contains("- drag: { at: [40, 240], to: [400, 240]"), "\(written)")
            #expect(written.contains("window: { title: \"^foredesk fixture$\", class: ForedeskFixture, timeout: 20s }"))
            #expect(FileManager.default.fileExists(atPath: dir + "/bug.policy.yaml"), "a default policy beside the scenario")
            #expect(!recording.stderr.contains("héllo"), "progress lines never carry typed text")

            let session = try #require(
                try FileManager.default.contentsOfDirectory(atPath: dir + "/rec").first.map { dir + "/rec/" + $0 })
            #expect(try String(contentsOfFile: session + "/scenario.yaml", encoding: .utf8) == written)
            let events = try String(contentsOfFile: session + "/events.jsonl", encoding: .utf8).split(separator: "\n")
            #expect(events.count == scenario.steps.count + 1, "one event per step and the stop")
            #expect(events.last?.contains("record_stopped") == true)
            #expect(events.dropFirst().dropLast().allSatisfy { $0.contains("\"after\":\"frames/") }, "a frame after each step")
            #expect(try String(contentsOfFile: session + "/session.json", encoding: .utf8).contains("\"passed\""))

            let (result, logB) = try replay(recording)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let recorded = meaning(fixtureEvents(logA))
            #expect(recorded.filter { $0.hasPrefix("button_press") }.map { $0.split(separator: " ")[2] } == ["ok", "text", "canvas"])
            #expect(recorded.contains("key eacute 'é' state 0"), "\(recorded)")
            #expect(recorded.contains("key a '\u{1}' state 4"), "\(recorded)")
            #expect(meaning(logB) == recorded)
        }
    }

    @Test func sigkillLeavesAScenarioThatParsesAndASessionThatReportReads() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let recording = try record(on: display.name, in: dir)
            let origin = try fixtureOrigin(dir + "/ws/A.jsonl", recording)
            let person = try #require(RealPerson(display: display.name), "this X server has no Xvfb keyboard and mouse")
            person.click(origin.x + 320, origin.y + 110)
            person.type("partial")
            try recording.waitUntil("the typing was saved") {
                (try? String(contentsOfFile: recording.scenario, encoding: .utf8))?.contains("type: partial") == true
            }
            _ = recording.stop(SIGKILL)
            // Nobody is left to stop the app: end it here, by the pid it logged.
            if let pid = fixtureEvents(dir + "/ws/A.jsonl").first(where: { $0.event == "ready" })?.pid { kill(pid, SIGTERM) }
            let scenario = try Scenario(contentsOfFile: recording.scenario)
            #expect(scenario.steps.map(\.action).contains(.type(text: "partial", secret: false)))
            let session = try #require(
                try FileManager.default.contentsOfDirectory(atPath: dir + "/rec").first.map { dir + "/rec/" + $0 })
            #expect((try? Scenario(contentsOfFile: session + "/scenario.yaml")) != nil)
            let report = try foredesk(["report", session])
            #expect(report.status == 0, "stderr: \(report.stderr)")
            #expect(FileManager.default.fileExists(atPath: session + "/report.html"))
        }
    }

    @Test func theStopKeyEndsTheRecordingAndIsNotRecordedAndVideoKeepsWhatHappened() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let recording = try record(on: display.name, in: dir, flags: ["--video", "--fps", "10"])
            let origin = try fixtureOrigin(dir + "/ws/A.jsonl", recording)
            let person = try #require(RealPerson(display: display.name), "this X server has no Xvfb keyboard and mouse")
            person.click(origin.x + 320, origin.y + 110)
            person.type("abc")
            person.combo([0xFFE3, 0xFFE9, 0xFFE1], 0x72)  // ctrl+alt+shift+r
            recording.process.waitUntilExit()
            #expect(recording.process.terminationStatus == 0, "stderr: \(recording.stderr)")
            #expect(recording.stderr.contains("stopped by the stop key ctrl+alt+shift+r"), "\(recording.stderr)")
            let scenario = try Scenario(contentsOfFile: recording.scenario)
            #expect(scenario.steps.map(\.kind) == [.launch, .click, .type])
            #expect(scenario.steps.last?.action == .type(text: "abc", secret: false))
            // --video: the session's video shows the typing, and verify vouches for its files.
            let session = try #require(
                (FileManager.default.contentsOfDirectory(atPath: dir + "/rec")).first.map { dir + "/rec/" + $0 })
            let index = try String(contentsOfFile: session + "/video/index.jsonl", encoding: .utf8)
            #expect(index.split(separator: "\n").count >= 3, "a header, a keyframe and frames of the typing: \(index)")
            let verified = try foredesk(["verify", session])
            #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
            #expect(verified.stdout.contains("video frames"), "\(verified.stdout)")
        }
    }

    @Test func textTypedInASensitiveWindowBecomesAPlaceholderAndIsInNoFile() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let policy = """
                sandbox:
                  writable: ["${workspace}", "${out}"]
                  network: off
                approval: never
                record:
                  sensitive:
                    - title: '(?i)passphrase'
                """
            try policy.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
            let recording = try record(
                on: display.name, in: dir, fixture: "--title 'Enter passphrase'", flags: ["--policy", dir + "/policy.yaml"])
            let origin = try fixtureOrigin(dir + "/ws/A.jsonl", recording)
            let person = try #require(RealPerson(display: display.name), "this X server has no Xvfb keyboard and mouse")
            person.click(origin.x + 320, origin.y + 110)
            person.type("hunter2-ü")
            person.key(person.keycode(for: 0xFF0D), down: true)  // Return
            person.key(person.keycode(for: 0xFF0D), down: false)
            try recording.waitUntil("Return was recorded") { recording.stderr.contains("key: Return") }
            #expect(recording.stop(SIGTERM) == 0, "stderr: \(recording.stderr)")

            let written = try String(contentsOfFile: recording.scenario, encoding: .utf8)
            let scenario = try Scenario(contentsOfFile: recording.scenario)
            #expect(scenario.variables == ["secret_1": ""], "\(written)")
            #expect(written.contains(#"- type: { text: "${secret_1}", secret: true }"#), "\(written)")
            #expect(scenario.steps.last?.kind == .key)
            // Every file foredesk wrote, and what it printed; the app's own log (ws/) is the app's.
            let files = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
                .filter { !$0.hasPrefix("ws/") }
            for file in files {
                let data = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))) ?? Data()
                #expect(data.range(of: Data("hunter2".utf8)) == nil, "\(file) holds the typed text")
            }
            #expect(files.contains("bug.yaml") && files.contains("stderr"))
            #expect(fixtureEvents(dir + "/ws/A.jsonl").contains { $0.text == "ü" }, "the app did get the text")
        }
    }

    @Test func anAnchoredClickStillLandsOnAMovedButton() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let recording = try record(on: display.name, in: dir, flags: ["--anchor-images"])
            let origin = try fixtureOrigin(dir + "/ws/A.jsonl", recording)
            let person = try #require(RealPerson(display: display.name), "this X server has no Xvfb keyboard and mouse")
            person.click(origin.x + 30, origin.y + 28)  // OK's top-left part, well off the button's centre
            try recording.waitUntil("the click was recorded") { recording.stderr.contains("click:") }
            #expect(recording.stop() == 0, "stderr: \(recording.stderr)")
            let written = try String(contentsOfFile: recording.scenario, encoding: .utf8)
            #expect(written.contains("- click: { image: bug.images/0001.png"), "\(written)")
            #expect(FileManager.default.fileExists(atPath: dir + "/bug.images/0001.png"))

            let (result, logB) = try replay(recording, fixture: "--move-ok, \"300,0\"")
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let press = try #require(logB.first { $0.event == "button_press" }, "\(logB.map(\.event))")
            #expect(press.target == "ok", "the click landed on the moved button")
            #expect(press.x == 330 && press.y == 28, "at the same place on it: \(press.x ?? -1),\(press.y ?? -1)")
        }
    }
}
