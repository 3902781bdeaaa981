import ArgumentParser
import Policy
import Scenario

#if canImport(Glibc)
    import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario: launch its apps in the sandbox, gate and perform every step, record a session.",
        discussion: """
            With no --display, starts a private Xvfb of the scenario's size with openbox and removes it afterwards. Apps start on `launch` steps inside their policy's sandbox, with an untrusted X cookie. Every acting step is put to the policy gate first (foreground rules included); a denied step fails the run. What needs approval is asked on the terminal (`approve? [y]es / [n]o / [a]lways for this run`) when stdin and stderr are terminals, and denied otherwise. If the pointer or the focus changes behind foredesk's back, the run pauses ("user took over") until approved on the terminal, or fails after --pause-timeout. With --display, a red banner says foredesk is driving.

            SIGINT or SIGTERM stops the run: every key and button is released at once, the apps and the private display are stopped, the session ends with an `interrupted` event and verdict aborted, and foredesk exits 130 (SIGINT) or 143 (SIGTERM). An app's program given without a `/` (e.g. fixture-app) is looked up beside foredesk first, then on PATH inside the sandbox.

            Supported steps so far: launch, wait_window, activate, click, double_click, right_click, middle_click, move, scroll, drag (at: or screen:), type (secret: true is never written anywhere), key, wait (window, change, settle), screenshot, expect_screen (a full-screen golden PNG; --update-golden records it), expect_window, run, expect_file, sleep. Others (image targets) fail with "not supported by this runner yet".

            Example:
              foredesk run Scenarios/examples/fixture-smoke.yaml --out /tmp/runs

            Prints one line per step on stderr and the session folder's path on stdout. Exit codes: 0 passed, 1 a step failed or was denied, 64 a malformed scenario or policy, 69 no usable display, 130/143 interrupted.
            """)

    @Argument(help: ArgumentHelp("The scenario YAML file.", valueName: "scenario"))
    var scenario: String

    @Option(help: ArgumentHelp("A policy file used instead of the apps' own.", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Folder for the session folder (default ./foredesk-out).", valueName: "dir"))
    var out: String = "foredesk-out"

    @Option(help: ArgumentHelp("Drive this existing display instead of a private one.", valueName: ":N"))
    var display: String?

    @Option(help: ArgumentHelp("The workspace, ${workspace} (default: the current folder).", valueName: "dir"))
    var workspace: String?

    @Flag(help: "expect_screen writes a missing or changed golden image instead of failing.")
    var updateGolden = false

    @Option(help: ArgumentHelp("How long a paused run waits for approval before it fails (default 5m).", valueName: "duration"))
    var pauseTimeout: String = "5m"

    func run() throws {
        let control = RunControl()
        InterruptWatch.start(control)
        try reporting {
            guard let pause = DurationSyntax.parse(pauseTimeout), pause > .zero else {
                throw CommandFailure.usage("--pause-timeout takes a duration such as 30s or 5m, not '\(pauseTimeout)'")
            }
            let parsed: Scenario
            do throws(ScenarioError) {
                parsed = try Scenario(contentsOfFile: scenario)
            } catch {
                throw CommandFailure(message: error.description, code: Exit.usage)
            }
            let tools = try? Demo.siblingExecutable("fixture-app")
            var options = RunOptions(
                out: Exec.absolute(out), workspace: Exec.absolute(workspace ?? Exec.currentDirectory()),
                display: display, policyFile: policy,
                toolDirectory: tools.map { String($0[..<($0.lastIndex(of: "/") ?? $0.endIndex)]) },
                updateGolden: updateGolden,
                progress: { line in
                    let text = line + "\n"
                    _ = text.withCString { write(2, $0, strlen($0)) }
                })
            options.approvals = TerminalApprovalBroker()
            options.pauseTimeout = pause
            options.control = control
            let result: RunResult
            do throws(RunError) {
                result = try ScenarioRunner(scenario: parsed, options: options).run()
            } catch {
                throw CommandFailure(message: error.message, code: error.unavailable ? Exit.unavailable : Exit.usage)
            }
            print(result.sessionPath)
            if let signal = result.interruptedBy {
                throw CommandFailure(message: result.failure ?? "interrupted", code: 128 + signal)
            }
            if let failure = result.failure {
                throw CommandFailure(message: failure, code: Exit.actionFailed)
            }
        }
    }
}
