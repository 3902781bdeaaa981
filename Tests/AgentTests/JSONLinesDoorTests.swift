import Foundation
import Imaging
import Testing
import TestSupport

/// `foredesk agent --jsonl`: the same tools as JSON lines, protocol errors that leave the door open,
/// budgets that end the session, and an agent session exported as a scenario that `foredesk run` passes.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct JSONLinesDoorTests {
    /// Sends each request line and reads one response line for each.
    func exchange(_ harness: AgentHarness, _ lines: [String]) throws -> [[String: Any]] {
        let reader = LineReader(harness.fromServer.fileHandleForReading)
        var responses: [[String: Any]] = []
        for line in lines {
            harness.toServer.fileHandleForWriting.write(Data((line + "\n").utf8))
            guard let answer = reader.next() else { break }
            responses.append(try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]))
        }
        return responses
    }

    func code(_ response: [String: Any]) -> String? {
        (response["error"] as? [String: Any])?["code"] as? String
    }

    func message(_ response: [String: Any]) -> String {
        (response["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test func badLinesGetProtocolErrorsAndTheNextRequestIsServed() throws {
        let harness = try AgentHarness(["agent", "--jsonl"])
        let responses = try exchange(
            harness,
            [
                "{not json", "[1, 2]", #"{"id": 7}"#, #"{"id": 8, "tool": "fly"}"#,
                #"{"id": 9, "tool": "scroll", "arguments": {"x": 1, "y": 2, "direction": "sideways"}}"#,
                #"{"id": 10, "tool": "type", "arguments": {"text": "x", "loud": true}}"#,
                #"{"id": 11, "tool": "list_tools"}"#,
                #"{"id": 12, "tool": "active_window"}"#,
            ])
        #expect(responses.count == 8)
        #expect(responses.map(code) == [
            "parse_error", "invalid_request", "invalid_request", "unknown_tool", "invalid_arguments", "invalid_arguments", nil, nil,
        ])
        #expect(responses[3]["id"] as? Int == 8, "the id comes back")
        #expect(message(responses[5]).contains("unknown argument 'loud'"))
        #expect((responses[6]["result"] as? [Any])?.count == 13)
        #expect(responses[7]["ok"] as? Bool == true)
        #expect("\(responses[7]["result"] ?? "")".contains("agent fixture"))
        let (status, stderr) = harness.finish()
        #expect(status == 0, "stderr: \(stderr)")
    }

    @Test(arguments: [
        (["agent"], "say --jsonl"),
        (["agent", "--jsonl", "--scale", "2"], "--scale takes a factor from 0.1 to 1"),
        (["agent", "--jsonl", "--settle", "soon"], "--settle takes a duration"),
        (["mcp", "--virtual", "12x"], "--virtual takes WIDTHxHEIGHT"),
    ])
    func badOptionsAreRefusedBeforeAnythingStarts(arguments: [String], message: String) throws {
        let result = try foredeskCommand(arguments + ["--out", FileManager.default.temporaryDirectory.path + "/never"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func withSuperviseAPairedPhoneAnswersWhatTheAgentMayNotDoAlone() throws {
        let port = try HTTPExchange.freePort()
        let policy = AgentHarness.policy.replacingOccurrences(of: "approval: never", with: "approval: on-request")
        let harness = try AgentHarness(["agent", "--jsonl"], policy: policy, flags: ["--supervise", "--listen", "127.0.0.1:\(port)"])
        let deadline = ContinuousClock.now + .seconds(60)
        var token: Substring?
        while token == nil {
            token = harness.stderr.firstMatch(of: /\/pair\/([0-9a-f]+)/)?.output.1
            try #require(harness.process.isRunning && ContinuousClock.now < deadline, "no pairing link: \(harness.stderr)")
            if token == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let paired = try HTTPExchange.request(method: "GET", port: port, path: "/pair/\(token ?? "")?label=phone")
        let cookie = try #require(paired.headers["set-cookie"]?.firstMatch(of: /foredesk_session=([0-9a-f]+)/)?.output.1)
        let headers = ["Cookie": "foredesk_session=\(cookie)"]
        let page = try HTTPExchange.request(method: "GET", port: port, path: "/", headers: headers).text
        let csrf = try #require(page.firstMatch(of: /name="csrf" content="([^"]+)"/)?.output.1)

        // The `rm` command waits for the reviewer; the phone sees it and approves.
        let answered = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var responses: [[String: Any]] = []
        Thread {
            responses = (try? self.exchange(harness, [#"{"id": 1, "tool": "run_command", "arguments": {"command": "rm -f nothing.txt"}}"#])) ?? []
            answered.signal()
        }.start()
        var id: Int?
        while id == nil {
            let state = try HTTPExchange.request(method: "GET", port: port, path: "/api/state", headers: headers)
            let json = try JSONSerialization.jsonObject(with: state.body) as? [String: Any]
            id = ((json?["pending"] as? [[String: Any]])?.first)?["id"] as? Int
            try #require(ContinuousClock.now < deadline, "no approval came: \(harness.stderr)")
            if id == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let post = try HTTPExchange.request(
            method: "POST", port: port, path: "/api/approvals/\(id ?? 0)", headers: headers.merging(["X-CSRF-Token": String(csrf)]) { $1 },
            body: Data(#"{"answer":"approve"}"#.utf8))
        #expect(post.status == 200, "\(post.text)")
        answered.wait()
        #expect(responses.first?["ok"] as? Bool == true, "\(responses)")
        let decision = "\(responses.first?["decision"] ?? "")"
        #expect(decision.contains("reviewer (phone)"), "\(responses)")
        let (status, stderr) = harness.finish()
        #expect(status == 0, "\(stderr)")
    }

    @Test func exceedingTheActionBudgetEndsTheSessionCleanly() throws {
        // launch and activate count: two more actions are allowed, the third ends the session.
        let policy = AgentHarness.policy + "\nlimits: { max_actions: 4 }"
        let harness = try AgentHarness(["agent", "--jsonl"], policy: policy)
        let click = #"{"id": 1, "tool": "move", "arguments": {"x": 300, "y": 300}}"#
        let responses = try exchange(harness, [click, click, click, click])
        #expect(responses.count == 3, "nothing is served after the session ended")
        #expect(responses.prefix(2).allSatisfy { $0["ok"] as? Bool == true })
        #expect(code(responses[2]) == "budget_exceeded")
        #expect(responses[2]["session_ended"] as? Bool == true)
        #expect(message(responses[2]).contains("limits.max_actions"))
        let (status, stderr) = harness.finish()
        #expect(status == 0, "stderr: \(stderr)")
        let session = try #require(AgentHarness.sessionPath(in: stderr))
        #expect(try AgentHarness.events(session).contains { AgentHarness.kind($0) == "budget_exceeded" })
        let info = try String(contentsOfFile: session + "/session.json", encoding: .utf8)
        #expect(info.contains("\"verdict\":\"failed\""), "\(info)")
    }

    @Test func exceedingTheScreenshotBudgetEndsTheSession() throws {
        let harness = try AgentHarness(
            ["agent", "--jsonl"], policy: AgentHarness.policy + "\nlimits: { max_screenshots_per_minute: 2 }", flags: ["--settle", "20ms"])
        let shot = #"{"id": 1, "tool": "screenshot", "arguments": {"scale": 0.25}}"#
        let responses = try exchange(harness, [shot, shot, shot])
        #expect(responses.prefix(2).allSatisfy { $0["ok"] as? Bool == true })
        #expect(code(responses[2]) == "budget_exceeded")
        #expect(message(responses[2]).contains("max_screenshots_per_minute"))
        #expect(harness.finish().status == 0)
    }

    @Test func anAgentSessionExportedAsAScenarioPassesWithRun() throws {
        let harness = try AgentHarness(["agent", "--jsonl"])
        let responses = try exchange(
            harness,
            [
                #"{"id": 1, "tool": "screenshot"}"#,
                #"{"id": 2, "tool": "click", "arguments": {"x": 100, "y": 80}}"#,
                #"{"id": 3, "tool": "click", "arguments": {"x": 300, "y": 170}}"#,
                #"{"id": 4, "tool": "type", "arguments": {"text": "from the agent ${not_a_variable}"}}"#,
                #"{"id": 5, "tool": "key", "arguments": {"keys": "ctrl+a"}}"#,
                #"{"id": 6, "tool": "run_command", "arguments": {"command": "echo done > done.txt; exit 2"}}"#,
                #"{"id": 7, "tool": "run_command", "arguments": {"command": "rm -f done.txt"}}"#,
            ])
        #expect(responses.map { $0["ok"] as? Bool } == [true, true, true, true, true, true, false], "\(responses)")
        let (status, stderr) = harness.finish()
        #expect(status == 0, "stderr: \(stderr)")
        let session = try #require(AgentHarness.sessionPath(in: stderr))

        let scenario = harness.dir + "/reproduce.yaml"
        let exported = try foredeskCommand(["export-scenario", session, "-o", scenario])
        #expect(exported.status == 0, "\(exported.stderr)")
        let text = try String(contentsOfFile: scenario, encoding: .utf8)
        #expect(text.contains("exit_code: 2"), "the command's status is what the scenario expects: \(text)")
        #expect(!text.contains("rm -f"), "the denied call is not part of the scenario")
        let before = harness.fixtureEvents.count
        let run = try foredeskCommand(["run", scenario, "--out", harness.dir + "/out2", "--workspace", harness.dir + "/ws"])
        #expect(run.status == 0, "\(run.stderr)")
        let replayed = harness.fixtureEvents
        #expect(replayed.contains { $0.event == "button_release" && $0.target == "ok" }, "the run clicked OK again")
        #expect(replayed.count > 0 && before > 0)
        #expect(replayed.filter { $0.event == "key_press" }.compactMap(\.text).joined().contains("from the agent ${not_a_variable}"))

        // foredesk replay holds a new run to the agent's session, screen by screen. The fixture's status
        // line says whether focus arrived before or after it drew, which differs run to run: masked.
        let replay = try foredeskCommand([
            "replay", session, "--out", harness.dir + "/out3", "--workspace", harness.dir + "/ws", "--mask", "0,360,1024,60",
        ])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("replay: matched the recording"), "\(replay.stderr)")
    }
}

/// Runs the built foredesk with arguments and waits.
func foredeskCommand(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: BuiltProducts.path("foredesk"))
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
