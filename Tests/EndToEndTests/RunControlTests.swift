import Desktop
import Foundation
import Imaging
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `foredesk run` under control: SIGINT/SIGTERM mid-step, someone else moving the pointer, approvals
/// on a terminal and without one, the banner on an existing display, and trusted apps.
@Suite(
    .timeLimit(.minutes(5)), .serialized, .enabled(if: Cgroups.writable, Cgroups.reason),
    .privateDisplay(windowManager: true))
struct RunControlTests {
    static let policy = """
        sandbox:
          writable: ["${workspace}", "${out}"]
          network: off
          display: DISPLAY_TRUST
        input:
          apps: [fixture]
        approval: APPROVAL
        ASK
        """

    /// Writes the scenario (the fixture app plus steps) and its policy into dir; returns the foredesk arguments.
    func prepare(
        _ steps: String, in dir: String, trust: String = "untrusted", approval: String = "on-request", ask: String = "",
        apps extra: String = ""
    ) throws -> [String] {
        let scenario = """
            name: control test
            display:
              virtual: 1024x768
            apps:
              - name: fixture
                command: [fixture-app, --title, control fixture, --events, "${workspace}/fixture-events.jsonl"]
                policy: policy.yaml
                window: { title: "^control fixture$", timeout: 20s }
            \(extra)
            steps:
            \(steps)
            """
        try FileManager.default.createDirectory(atPath: dir + "/ws", withIntermediateDirectories: true)
        let policy = Self.policy.replacing("DISPLAY_TRUST", with: trust).replacing("APPROVAL", with: approval)
            .replacing("ASK", with: ask)
        try policy.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        try scenario.write(toFile: dir + "/scenario.yaml", atomically: true, encoding: .utf8)
        return ["run", dir + "/scenario.yaml", "--out", dir + "/out", "--workspace", dir + "/ws"]
    }

    /// Starts foredesk without waiting; its output goes to files in dir.
    func start(_ arguments: [String], in dir: String, executable: String? = nil) throws -> Process {
        try BuiltProducts.startForedesk(arguments, in: dir, executable: executable)
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func events(_ session: String) throws -> [[String: Any]] {
        try text(session + "/events.jsonl").split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func kind(_ event: [String: Any]) -> String { (event["action"] as? [String: Any])?["kind"] as? String ?? "" }

    func fixtureEvents(_ dir: String) -> [FixtureEvent] {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/ws/fixture-events.jsonl"))) ?? Data()
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONDecoder().decode(FixtureEvent.self, from: Data($0))
        }
    }

    /// Waits (bounded) until condition holds; fails the test if foredesk exited first.
    func waitUntil(
        _ what: String, _ process: Process, in dir: String, _ condition: () throws -> Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try !condition() {
            try #require(
                process.isRunning, "foredesk exited before \(what): \(text(dir + "/stderr"))",
                sourceLocation: sourceLocation)
            try #require(ContinuousClock.now < deadline, "timed out waiting for \(what)", sourceLocation: sourceLocation)
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func bannerShown(_ desktop: Desktop) throws -> Bool {
        try desktop.windows().contains { $0.title == Desktop.bannerTitle }
    }

    @Test func sigintMidDragReleasesTheButtonStopsTheRunAndRecordsTheInterruption() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - activate: fixture
                  - drag: { at: [100, 250], by: [300, 0], duration: 60s }
                  - click: [80, 40]
                """, in: dir)
            let process = try start(arguments + ["--display", display.name], in: dir)
            let observer = try Desktop(display: display.name)
            try waitUntil("the drag pressed the button", process, in: dir) {
                fixtureEvents(dir).contains { $0.event == "button_press" }
            }
            #expect(try observer.pressedInput().buttons == [1], "the drag holds the left button")
            #expect(try bannerShown(observer), "a run on an existing display shows the banner")
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            #expect(process.terminationStatus == 130, "stderr: \(text(dir + "/stderr"))")
            #expect(text(dir + "/stderr").contains("interrupted by SIGINT"))

            let fresh = try Desktop(display: display.name)
            let pressed = try fresh.pressedInput()
            #expect(pressed.isEmpty, "nothing is left pressed: \(pressed)")
            #expect(try bannerShown(fresh) == false, "the banner is gone")
            #expect(fixtureEvents(dir).contains { $0.event == "button_release" }, "the app saw the button come up")
            #expect(!fixtureEvents(dir).contains { $0.event == "button_press" && $0.target == "ok" }, "no step ran after")

            let session = text(dir + "/stdout").trimmingCharacters(in: .whitespacesAndNewlines)
            let recorded = try events(session)
            let last = try #require(recorded.last)
            #expect(kind(last) == "interrupted")
            #expect((last["action"] as? [String: Any])?["signal"] as? String == "SIGINT")
            let drag = try #require(recorded.first { kind($0) == "drag" })
            #expect((drag["error"] as? String ?? "").contains("interrupted"))
            #expect(text(session + "/session.json").contains("\"aborted\""))
            #expect(FileManager.default.fileExists(atPath: session + "/report.html"))
            #expect(FileManager.default.fileExists(atPath: session + "/junit.xml"))
        }
    }

    @Test func sigtermDuringAWaitEndsTheRunWith143() throws {
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - sleep: 60s
                """, in: dir)
            let process = try start(arguments, in: dir)
            try waitUntil("the app started", process, in: dir) { !fixtureEvents(dir).isEmpty }
            try waitUntil("the sleep step began", process, in: dir) { text(dir + "/stderr").contains("launch: ok") }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 143, "stderr: \(text(dir + "/stderr"))")
            let session = text(dir + "/stdout").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(kind(try #require(try events(session).last)) == "interrupted")
            #expect(text(session + "/session.json").contains("\"aborted\""))
        }
    }

    @Test func aStepThatDoesNotStopIsEndedFromTheSignalThread() throws {
        try withTemporaryDirectory { dir in
            // A sandboxed command is waited for without looking at signals: the run cannot stop by itself.
            let arguments = try prepare(
                """
                  - launch: fixture
                  - run: { command: [sleep, "120"], timeout: 5m }
                """, in: dir)
            let process = try start(arguments, in: dir)
            try waitUntil("the command started", process, in: dir) { text(dir + "/stderr").contains("launch: ok") }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 143, "stderr: \(text(dir + "/stderr"))")
            let session = text(dir + "/stdout").trimmingCharacters(in: .whitespacesAndNewlines)
            let last = try #require(try events(session).last)
            #expect(kind(last) == "interrupted")
            #expect((last["error"] as? String ?? "").contains("did not stop in time"))
            #expect(text(session + "/session.json").contains("\"aborted\""))
            #expect(FileManager.default.fileExists(atPath: session + "/report.html"))
        }
    }

    @Test func aKeyOnARealDevicePausesTheRunWhichFailsWhenNobodyApproves() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [320, 110]
                  - expect_file: { path: "${workspace}/go", timeout: 60s }
                  - type: after the key
                """, in: dir)
            let process = try start(arguments + ["--display", display.name, "--pause-timeout", "1s"], in: dir)
            try waitUntil("the click", process, in: dir) {
                fixtureEvents(dir).contains { $0.event == "button_release" && $0.target == "text" }
            }
            // Someone presses a key on the server's own keyboard: the pointer and the focus stay put.
            try #require(
                RealDevice.pressKey(on: display.name),
                "this X server has no '\(RealDevice.keyboard)' device to play a person at the keyboard with")
            _ = FileManager.default.createFile(atPath: dir + "/ws/go", contents: Data())
            process.waitUntilExit()
            let stderr = text(dir + "/stderr")
            #expect(process.terminationStatus == 1, "stderr: \(stderr)")
            #expect(stderr.contains("user took over: someone used a real input device"), "\(stderr)")
            #expect(!fixtureEvents(dir).contains { $0.event == "key_press" && $0.text == "f" }, "the type step never ran")

            let session = text(dir + "/stdout").trimmingCharacters(in: .whitespacesAndNewlines)
            let pause = try #require(try events(session).first { kind($0) == "pause" })
            #expect((pause["error"] as? String ?? "").contains("'\(RealDevice.keyboard)'"), "\(pause)")
            #expect((pause["decision"] as? [String: Any])?["rule"] as? String == "pause.human_input")
        }
    }

    @Test func anotherClientMovingThePointerPausesTheRunWhichFailsWhenNobodyApproves() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [80, 40]
                  - expect_file: { path: "${workspace}/go", timeout: 60s }
                  - click: [80, 40]
                """, in: dir)
            let process = try start(arguments + ["--display", display.name, "--pause-timeout", "1s"], in: dir)
            let other = try Desktop(display: display.name)
            try waitUntil("the first click", process, in: dir) {
                fixtureEvents(dir).contains { $0.event == "button_release" && $0.target == "ok" }
            }
            try waitUntil("the banner", process, in: dir) { try bannerShown(other) }
            let away = Point(x: 900, y: 700)
            try other.move(to: away)
            _ = FileManager.default.createFile(atPath: dir + "/ws/go", contents: Data())
            process.waitUntilExit()
            let stderr = text(dir + "/stderr")
            #expect(process.terminationStatus == 1, "stderr: \(stderr)")
            #expect(stderr.contains("user took over"))
            #expect(try bannerShown(other) == false, "the banner is gone after the run")
            #expect(fixtureEvents(dir).filter { $0.event == "button_release" && $0.target == "ok" }.count == 1)

            let session = text(dir + "/stdout").trimmingCharacters(in: .whitespacesAndNewlines)
            let recorded = try events(session)
            let pause = try #require(recorded.first { kind($0) == "pause" })
            #expect((pause["error"] as? String ?? "").contains("user took over: the pointer moved"))
            #expect((pause["decision"] as? [String: Any])?["rule"] as? String == "pause.human_input")
            let approval = try #require(recorded.first { kind($0) == "approval" })
            #expect((approval["action"] as? [String: Any])?["by"] as? String == "nobody")
            let click = try #require(recorded.last { kind($0) == "click" })
            #expect((click["error"] as? String ?? "").contains("nobody approved going on within 1s"))
        }
    }

    static let pythonAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        || ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/python3")
        } == true

    /// Runs foredesk with arguments on a pseudo-terminal, answering its prompts with answers (comma-separated)
    /// in turn; returns its exit status, its stdout and what the terminal showed.
    static func onTerminal(answers: String, _ arguments: [String], in dir: String) throws -> (Int32, String, String) {
        try terminalDriver.write(toFile: dir + "/answer_on_terminal.py", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", dir + "/answer_on_terminal.py", answers, BuiltProducts.path("foredesk")] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let terminal = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, terminal)
    }

    /// Runs foredesk on a pseudo-terminal (python3's pty module) and answers each approval prompt in turn.
    static let terminalDriver = #"""
        import os, pty, select, subprocess, sys, time
        answers = sys.argv[1].split(",")
        master, slave = pty.openpty()
        child = subprocess.Popen(sys.argv[2:], stdin=slave, stderr=slave, stdout=subprocess.PIPE, close_fds=True)
        os.close(slave)
        seen = b""
        deadline = time.time() + 120
        while time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if master in ready:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    break
                if not data:
                    break
                sys.stderr.buffer.write(data)
                sys.stderr.flush()
                seen += data
                for prompt in (b"approve?", b"go on?", b"q to stop:"):
                    while prompt in seen and answers:
                        seen = seen.split(prompt, 1)[1]
                        os.write(master, (answers.pop(0) + "\n").encode())
            elif child.poll() is not None:
                break
        else:
            child.kill()
        sys.stdout.buffer.write(child.stdout.read())
        sys.exit(child.wait())
        """#

    @Test(.enabled(if: pythonAvailable, "python3 is missing: it provides the pseudo-terminal for this test"))
    func onATerminalAskIsPromptedAndEveryAnswerRecorded() throws {
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [80, 40]
                  - click: [220, 40]
                """, in: dir, ask: "ask:\n  - action: click")
            let (status, stdout, terminal) = try Self.onTerminal(answers: "y,n", arguments, in: dir)
            #expect(status == 1, "terminal: \(terminal)")
            #expect(terminal.contains("foredesk asks for approval"))
            #expect(terminal.contains("action: click x="))
            #expect(terminal.contains("window: "))
            #expect(terminal.contains("reason: click"))
            #expect(terminal.contains("approve? [y]es / [n]o / [a]lways for this run"))
            let fixture = fixtureEvents(dir)
            #expect(fixture.contains { $0.event == "button_release" && $0.target == "ok" }, "the approved click arrived")
            #expect(!fixture.contains { $0.event == "button_press" && $0.target == "cancel" }, "the denied one did not")

            let session = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let approvals = try events(session).filter { kind($0) == "approval" }.compactMap {
                $0["action"] as? [String: Any]
            }
            #expect(approvals.count == 2)
            #expect(approvals.map { $0["answer"] as? String } == ["approve", "deny"])
            #expect(approvals.allSatisfy { $0["by"] as? String == "terminal" && $0["answered_at"] is String })
            let clicks = try events(session).filter { kind($0) == "click" }
            #expect((clicks.first?["decision"] as? [String: Any])?["verdict"] as? String == "allow")
            let denied = clicks.last?["error"] as? String
            #expect(denied?.contains("denied by terminal") == true, "\(denied ?? "no error")")
        }
    }

    @Test(.enabled(if: pythonAvailable, "python3 is missing: it provides the pseudo-terminal for this test"))
    func aTakeoverApprovedOnTheTerminalLetsTheRunGoOn() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [80, 40]
                  - expect_file: { path: "${workspace}/go", timeout: 60s }
                  - click: [80, 40]
                """, in: dir)
            try Self.terminalDriver.write(toFile: dir + "/answer_on_terminal.py", atomically: true, encoding: .utf8)
            let process = try start(
                ["python3", dir + "/answer_on_terminal.py", "y", BuiltProducts.path("foredesk")] + arguments
                    + ["--display", display.name], in: dir, executable: "/usr/bin/env")
            try waitUntil("the first click", process, in: dir) {
                fixtureEvents(dir).contains { $0.event == "button_release" && $0.target == "ok" }
            }
            try Desktop(display: display.name).move(to: Point(x: 900, y: 700))
            _ = FileManager.default.createFile(atPath: dir + "/ws/go", contents: Data())
            process.waitUntilExit()
            let terminal = text(dir + "/stderr")
            #expect(process.terminationStatus == 0, "terminal: \(terminal)")
            #expect(terminal.contains("foredesk paused the run"))
            #expect(terminal.contains("user took over"))
            #expect(fixtureEvents(dir).filter { $0.event == "button_release" && $0.target == "ok" }.count == 2)
            let recorded = try events(text(dir + "/stdout").trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(recorded.contains { kind($0) == "pause" })
            let approval = try #require(recorded.first { kind($0) == "approval" }?["action"] as? [String: Any])
            #expect(approval["about"] as? String == "resume")
            #expect(approval["answer"] as? String == "approve" && approval["by"] as? String == "terminal")
        }
    }

    @Test func withoutATerminalAskIsDeniedAndNeverIsNotEvenAsked() throws {
        for approval in ["on-request", "never"] {
            try withTemporaryDirectory { dir in
                let arguments = try prepare(
                    """
                      - launch: fixture
                      - activate: fixture
                      - click: [80, 40]
                    """, in: dir, approval: approval, ask: "ask:\n  - action: click")
                let result = try foredesk(arguments)
                #expect(result.status == 1, "stderr: \(result.stderr)")
                #expect(!fixtureEvents(dir).contains { $0.event == "button_press" })
                let recorded = try events(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
                let approvals = recorded.filter { kind($0) == "approval" }
                let click = try #require(recorded.last { kind($0) == "click" })
                if approval == "never" {
                    #expect(approvals.isEmpty, "approval: never asks nobody")
                    #expect((click["decision"] as? [String: Any])?["rule"] as? String == "approval.never")
                } else {
                    #expect(approvals.count == 1)
                    #expect((approvals.first?["action"] as? [String: Any])?["by"] as? String == "nobody")
                    #expect((click["error"] as? String ?? "").contains("nobody could be asked"))
                }
            }
        }
    }

    @Test func aTrustedAppStartsAndIsRecordedAsTrusted() throws {
        try withTemporaryDirectory { dir in
            let arguments = try prepare(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [80, 40]
                """, in: dir, trust: "trusted")
            let result = try foredesk(arguments)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(fixtureEvents(dir).contains { $0.event == "button_release" && $0.target == "ok" })
            let recorded = try events(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            let launch = try #require(recorded.first { kind($0) == "launch" })
            #expect((launch["action"] as? [String: Any])?["x11"] as? String == "trusted")
        }
    }
}
