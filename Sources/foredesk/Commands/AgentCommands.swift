import Agent
import ArgumentParser
import Foundation
import Imaging
import Policy
import Scenario
import Session
import Supervision

/// What `foredesk mcp` and `foredesk agent` share: the session an agent works in.
struct AgentSessionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The policy that gates every call (default: input to the launched app only).", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Drive this existing display instead of a private one.", valueName: ":N"))
    var display: String?

    @Option(help: ArgumentHelp("Size of the private display (default 1280x800).", valueName: "WxH"))
    var virtual: String = "1280x800"

    @Option(help: ArgumentHelp("Start this command, sandboxed, as the app the agent works in.", valueName: "command"))
    var launch: String?

    @Option(help: ArgumentHelp("The launched app's name, as the policy's input.apps names it (default: its program's name).", valueName: "name"))
    var appName: String?

    @Option(help: ArgumentHelp("Folder for the session folder (default ./foredesk-out).", valueName: "dir"))
    var out: String = "foredesk-out"

    @Option(help: ArgumentHelp("The workspace: commands may write here only (default: the current folder).", valueName: "dir"))
    var workspace: String?

    @Option(help: ArgumentHelp("Scale of screenshots and coordinates, 0.1 to 1 (default 1).", valueName: "factor"))
    var scale: Double = 1

    @Option(help: ArgumentHelp("How long the screen must stay still after an input call before it returns (default 150ms).", valueName: "duration"))
    var settle: String = "150ms"

    @Flag(help: "Serve the session to a paired phone or browser, which watches it and answers its approvals (see foredesk serve).")
    var supervise = false

    @Option(help: ArgumentHelp("With --supervise: listen here instead of 127.0.0.1:8765.", valueName: "addr:port"))
    var listen: String?

    /// Checks the options and opens the session (display, app); its path goes to stderr. With
    /// --supervise the server starts first; stop it with `Supervising.stop` after the session.
    func startSession(control: RunControl) throws -> (AgentSession, SupervisionServer?) {
        if listen != nil, !supervise { throw CommandFailure.usage("--listen goes with --supervise") }
        guard (0.1...1).contains(scale) else { throw CommandFailure.usage("--scale takes a factor from 0.1 to 1, not \(scale)") }
        let parts = virtual.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 320, parts[1] >= 200 else {
            throw CommandFailure.usage("--virtual takes WIDTHxHEIGHT, such as 1280x800; not '\(virtual)'")
        }
        guard let quiet = DurationSyntax.parse(settle), quiet >= .zero else {
            throw CommandFailure.usage("--settle takes a duration such as 50ms or 0ms, not '\(settle)'")
        }
        let command = launch.map { ScenarioCommand(commandLine: $0) }
        if let command, command.argv.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw CommandFailure.usage("--launch: the command is empty")
        }
        let run = try RunSetup.options(out: out, workspace: workspace, display: display, policy: policy, frames: .all, control: control)
        var agentOptions = AgentOptions(
            policy: policy.map(Exec.absolute), display: display, screen: Size(width: parts[0], height: parts[1]), launch: command,
            appName: appName ?? Self.programName(command) ?? "app",
            out: run.out, workspace: run.workspace, toolDirectory: run.toolDirectory, scale: scale,
            progress: { RunSetup.stderrLine($0) })
        agentOptions.settle = quiet
        var server: SupervisionServer?
        if supervise {
            let supervisor = Supervisor()
            server = try Supervising.start(supervisor: supervisor, sessions: run.out, listen: listen)
            agentOptions.feed = supervisor
            agentOptions.approvals = supervisor
        }
        let session = AgentSession(options: agentOptions, control: control)
        do throws(RunError) {
            try session.start()
        } catch {
            if let server { Supervising.stop(server) }
            throw CommandFailure(message: error.message, code: error.unavailable ? Exit.unavailable : Exit.actionFailed)
        }
        RunSetup.stderrLine("session: \(session.sessionPath ?? "")")
        return (session, server)
    }

    /// The program's file name (`xterm` for `/usr/bin/xterm -fg red`), nil for a shell command line.
    static func programName(_ command: ScenarioCommand?) -> String? {
        guard case let .arguments(words)? = command, let program = words.first else { return nil }
        return program.split(separator: "/").last.map(String.init)
    }
}

struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve an AI agent over MCP (stdio): screenshots, clicks, typing and commands, all through the policy gate.",
        discussion: """
            Speaks the Model Context Protocol on stdin/stdout, so an MCP client starts it as a server:
              {"mcpServers": {"desktop": {"command": "foredesk", "args": ["mcp", "--policy", "agent-policy.yaml", "--launch", "xterm"]}}}

            Tools: screenshot (PNG; region and scale), click, double_click, move, drag, scroll, type, key, windows, active_window, wait (window, image or change), run_command (inside the sandbox; output returned, cut with a note when long), find_image. Every call goes through the same gate, sandbox and session recording as a scenario step: a denied call is an error result with the reason, never a silent no-op. With --scale 0.5 screenshots are half size and every coordinate a tool takes or returns is in those pixels.

            Nobody can be asked on a terminal (stdin and stdout carry the protocol), so `ask` rules deny, unless --supervise serves the session to a paired phone or browser (as `foredesk run --supervise` does), which then answers them. The policy's limits: end the session when exceeded: max_actions, max_duration and max_screenshots_per_minute. The session folder (events.jsonl, frames, report.html) is named on stderr at the start; its scenario.yaml reproduces the agent's successful actions (`foredesk export-scenario`, `foredesk replay`).

            Example:
              foredesk mcp --policy Scenarios/examples/fixture-policy.yaml --launch fixture-app --virtual 1280x800 --scale 0.5
            """)

    @OptionGroup var session: AgentSessionOptions

    func run() throws {
        // Synchronous on the main thread, like every command: InterruptWatch blocks SIGINT/SIGTERM in
        // this thread before any other starts, so they reach its signal thread and nowhere else.
        let control = RunControl()
        InterruptWatch.start(control)
        let (agent, server) = try reporting { try session.startSession(control: control) }
        defer { if let server { Supervising.stop(server) } }
        let served = DispatchSemaphore(value: 0)
        Task {
            do {
                try await MCPDoor.serve(agent, version: Foredesk.configuration.version)
            } catch {
                RunSetup.stderrLine("foredesk: the MCP connection failed: \(error)")
            }
            served.signal()
        }
        served.wait()
        let result = agent.finish()
        RunSetup.stderrLine("report: \(result.sessionPath)/report.html")
    }
}

struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Serve an agent over JSON lines on stdin/stdout: the MCP tools without MCP.",
        discussion: """
            One JSON request a line on stdin, one JSON response a line on stdout:
              {"id": 1, "tool": "screenshot", "arguments": {"scale": 0.5}}
              {"id": 1, "ok": true, "text": "screenshot 640x400 at scale 0.5; …", "image": {"mime_type": "image/png", "width": 640, "height": 400, "scale": 0.5, "png_base64": "…"}}
              {"id": 2, "tool": "click", "arguments": {"x": 40, "y": 20}}
              {"id": 2, "ok": false, "error": {"code": "denied", "message": "…"}, "decision": {"verdict": "deny", "rule": "…", "message": "…"}}

            {"tool": "list_tools"} lists the tools with their JSON Schemas (the same as `foredesk mcp`'s). Error codes: denied, failed, budget_exceeded (the session has ended), and for a request foredesk cannot read: parse_error, invalid_request, unknown_tool, invalid_arguments — after which it keeps serving. It ends when stdin closes.

            Example:
              foredesk agent --jsonl --launch fixture-app --policy Scenarios/examples/fixture-policy.yaml
            """)

    @Flag(help: "Speak JSON lines (the only protocol of this command; required, so the choice is explicit).")
    var jsonl = false

    @OptionGroup var session: AgentSessionOptions

    func run() throws {
        let control = RunControl()
        InterruptWatch.start(control)
        try reporting {
            guard jsonl else { throw CommandFailure.usage("say --jsonl: requests and responses are JSON lines (or use `foredesk mcp`)") }
            let (agent, server) = try session.startSession(control: control)
            defer { if let server { Supervising.stop(server) } }
            JSONLinesDoor.serve(agent)
            let result = agent.finish()
            RunSetup.stderrLine("report: \(result.sessionPath)/report.html")
        }
    }
}

struct ExportScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-scenario",
        abstract: "Write the scenario that reproduces a session (an agent's included) without the agent.",
        discussion: """
            Every session keeps the scenario it ran as scenario.yaml; an agent's session writes its allowed, successful calls there as steps (clicks at screen points, typing, keys, waits, commands with their exit status). This writes it to FILE (or stdout), ready for `foredesk run`.

            Secret text is never kept in a session, so a step that typed a secret comes out as `[secret]`: put the text back (or a ${variable}) before running it.

            Example:
              foredesk export-scenario foredesk-out/agent-20261129T120000Z -o reproduce.yaml && foredesk run reproduce.yaml
            """)

    @Argument(help: ArgumentHelp("The session folder.", valueName: "session"))
    var session: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
        try reporting {
            let file = session + "/" + SessionFolder.scenarioFileName
            guard FileManager.default.fileExists(atPath: session + "/session.json") else {
                throw CommandFailure.usage("\(session) is not a session folder (it has no session.json)")
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CommandFailure.usage("the session \(session) keeps no scenario.yaml (sessions keep one since foredesk 0.2)")
            }
            do throws(ScenarioError) {
                _ = try Scenario(yaml: text, file: file)
            } catch {
                throw CommandFailure(message: "the session's scenario does not read back: \(error.description)", code: Exit.data)
            }
            guard let output else { return print(text, terminator: "") }
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(message: "cannot write \(output): \(error.localizedDescription)", code: Exit.actionFailed)
            }
            RunSetup.stderrLine("wrote \(output): \(text.split(separator: "\n").count) lines; run it with: foredesk run \(output)")
        }
    }
}
