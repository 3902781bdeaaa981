import ArgumentParser
import Foundation
import Policy
import Scenario
import Session
import Supervision

#if canImport(Glibc)
    import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario: launch its apps in the sandbox, gate and perform every step, record a session.",
        discussion: """
            With no --display, starts a private Xvfb of the scenario's size with openbox and removes it afterwards. Apps start on `launch` steps inside their policy's sandbox, with an untrusted X cookie. Every acting step is put to the policy gate first (foreground rules included); a denied step fails the run. What needs approval is asked on the terminal (`approve? [y]es / [n]o / [a]lways for this run`) when stdin and stderr are terminals, and denied otherwise; while it waits, the launched apps are frozen (cgroup freeze) and the run's clock stops (limits.max_duration and step timeouts), and after --approval-timeout without an answer the action is denied. If the pointer or the focus changes behind foredesk's back, the run pauses ("user took over") until approved on the terminal, or fails after --pause-timeout. With --display, a red banner says foredesk is driving.

            SIGINT or SIGTERM stops the run: every key and button is released at once, the apps and the private display are stopped, the session ends with an `interrupted` event and verdict aborted, and foredesk exits 130 (SIGINT) or 143 (SIGTERM). An app's program given without a `/` (e.g. fixture-app) is looked up beside foredesk first, then on PATH inside the sandbox.

            Supported steps: launch, wait_window, activate, click, double_click, right_click, middle_click, move, scroll, drag (at:, screen: or image:), type (secret: true is never written anywhere), key, wait (window, image, image_gone, change, settle), screenshot, expect_screen (a full-screen golden PNG; --update-golden records it), expect_window, run, expect_file, sleep.

            Frames are encoded and written in the background; --frames all (default) keeps before/after frames of every input step, failures only those of the failed step, none none (screenshots and expect_screen images are still written). The policy's redact: windows and regions are black in every stored frame.

            --video records the screen continuously into the session's video/ at up to --fps frames a second (default 10, at most 30): XDamage says what changed, so an idle screen adds nothing, and only the changed rectangles are stored, losslessly (PNG), with a full keyframe first and at least every 10 s. The policy's redactions apply to it too. `foredesk export SESSION --mp4 FILE` turns it into a video file.

            --supervise also serves the run on 127.0.0.1:8765 (--listen ADDR:PORT elsewhere) and prints a one-time pairing link: a paired phone or browser sees the screen, the steps with their decisions and command output, and may answer approvals; the terminal and the phone are asked together and the first answer wins (recorded as `terminal` or `reviewer (<device>)`). See foredesk serve --help.

            --dry-run launches the apps and waits for windows but injects nothing and runs no command (activate is not performed; later steps are judged as if it had been): it prints a table of every step with the gate's decision and whether its target resolves on the current screen, then the session folder, and exits 0 only when every step would be allowed and resolves.

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

    @Option(
        help: ArgumentHelp(
            "How long an action that needs approval waits for an answer before it is denied (default 5m); the apps are frozen and the run's clock stops meanwhile.",
            valueName: "duration"))
    var approvalTimeout: String = "5m"

    @Option(
        help: ArgumentHelp(
            "Before/after frames of input steps: all, failures (only the failed step's), none.", valueName: "mode"),
        transform: { text in
            guard let mode = FrameMode(rawValue: text) else {
                throw ValidationError("--frames: found '\(text)', expected one of all, failures, none")
            }
            return mode
        })
    var frames: FrameMode = .all

    @Flag(help: "Inject nothing and run no command: report what the gate would decide and which targets resolve.")
    var dryRun = false

    @OptionGroup var recording: VideoOptions

    @Flag(help: "Serve the run to a paired phone or browser, which may answer its approvals (see foredesk serve).")
    var supervise = false

    @Option(help: ArgumentHelp("With --supervise: listen here instead of 127.0.0.1:8765.", valueName: "addr:port"))
    var listen: String?

    func validate() throws {
        if recording.video, dryRun {
            throw ValidationError("--dry-run injects nothing and records no video: leave out --video or --dry-run")
        }
        if listen != nil, !supervise { throw ValidationError("--listen goes with --supervise") }
        if supervise, dryRun { throw ValidationError("--dry-run asks nothing: leave out --supervise or --dry-run") }
    }

    func run() throws {
        let control = RunControl()
        InterruptWatch.start(control)
        try reporting {
            guard let pause = DurationSyntax.parse(pauseTimeout), pause > .zero else {
                throw CommandFailure.usage("--pause-timeout takes a duration such as 30s or 5m, not '\(pauseTimeout)'")
            }
            guard let approval = DurationSyntax.parse(approvalTimeout), approval > .zero else {
                throw CommandFailure.usage(
                    "--approval-timeout takes a duration such as 30s or 5m, not '\(approvalTimeout)'")
            }
            let parsed: Scenario
            do throws(ScenarioError) {
                parsed = try Scenario(contentsOfFile: scenario)
            } catch {
                throw CommandFailure(message: error.description, code: Exit.usage)
            }
            var options = try RunSetup.options(
                out: out, workspace: workspace, display: display, policy: policy, frames: frames, control: control)
            options.updateGolden = updateGolden
            options.pauseTimeout = pause
            options.approvalTimeout = approval
            options.videoFPS = recording.framesPerSecond
            if dryRun {
                let report: DryRunReport
                do throws(RunError) {
                    report = try ScenarioRunner(scenario: parsed, options: options).dryRun()
                } catch {
                    throw CommandFailure(
                        message: error.message, code: error.unavailable ? Exit.unavailable : Exit.usage)
                }
                print(report.table)
                print(report.sessionPath)
                if !report.isClear {
                    throw CommandFailure(
                        message: "the dry run found steps that would be denied, need approval or do not resolve",
                        code: Exit.actionFailed)
                }
                return
            }
            var server: SupervisionServer?
            if supervise {
                let supervisor = Supervisor()
                server = try Supervising.start(supervisor: supervisor, sessions: options.out, listen: listen)
                options.feed = supervisor
                options.approvals = FirstAnswerBroker([TerminalApprovalBroker(), supervisor])
            }
            defer { if let server { Supervising.stop(server) } }
            let result: RunResult
            do throws(RunError) {
                result = try ScenarioRunner(scenario: parsed, options: options).run()
            } catch {
                throw CommandFailure(message: error.message, code: error.unavailable ? Exit.unavailable : Exit.usage)
            }
            RunSetup.printClosingLines(result)
            if let signal = result.interruptedBy {
                throw CommandFailure(message: result.failure ?? "interrupted", code: 128 + signal)
            }
            if let failure = result.failure {
                throw CommandFailure(message: failure, code: Exit.actionFailed)
            }
        }
    }
}
