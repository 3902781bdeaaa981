import ArgumentParser
import Foundation
import Imaging
import Policy
import Scenario
import Session

#if canImport(Glibc)
    import Glibc
#endif

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recorded session (or a scenario) again on a fresh display and report where it first differs.",
        discussion: """
            SOURCE is a session folder (made by `foredesk run` or `foredesk record`; it keeps the scenario as scenario.yaml) or a scenario file. The scenario runs again exactly as `foredesk run` would — private display, sandboxed apps, the same policy gate — and after every step the replay is held to the recording: the gate must decide the same, the step must pass or fail as it did, and where the recording kept an after-frame (recorded with --frames all, the default) the screen must match it within --tolerance outside the --mask rectangles, as expect_screen compares; the screen gets --timeout to come to match.

            The first difference ends the replay. It is reported with the step, the reason, what the gate decided in both runs, and three images saved in the replay's own session folder: the recorded frame, the actual screen and their difference (changed pixels in red). A step that failed in the recording and fails again is a reproduced failure: the replay matched.

            --app NAME=COMMAND replaces an app's command, to replay against another build or version of the app (`--app fixture='fixture-app --move-ok 90,0'`). --until N stops after step N. --step waits before each acting step until you press Enter on the terminal (q stops), so a person can follow along.

            Examples:
              foredesk replay foredesk-out/fixture-smoke-20261129T101500Z
              foredesk replay bug.yaml --step
              foredesk replay foredesk-out/bug-20261129T101500Z --app app='./build/app --new-ui' --tolerance 16 --mask 0,0,1280,24

            Prints one line per step on stderr and the replay's session folder on stdout. Exit codes: 0 the replay matched the recording (or, for a scenario file, passed), 1 it diverged or a step failed, 64 bad arguments or a malformed scenario, 69 no usable display, 130/143 interrupted.
            """)

    @Argument(help: ArgumentHelp("A session folder or a scenario file.", valueName: "source"))
    var source: String

    @Option(help: ArgumentHelp("Stop after this step (1-based).", valueName: "N"))
    var until: Int?

    @Flag(help: "Wait for Enter on the terminal before each acting step (q stops).")
    var step = false

    @Option(help: ArgumentHelp("Largest difference per colour channel that still counts as equal (default 0).", valueName: "N"))
    var tolerance: Int = 0

    @Option(help: ArgumentHelp("A screen rectangle left out of the comparison; repeatable.", valueName: "x,y,w,h"))
    var mask: [String] = []

    @Option(help: ArgumentHelp("How long a step's screen may take to match its recorded frame (default 2s).", valueName: "duration"))
    var timeout: String = "2s"

    @Option(help: ArgumentHelp("Replace an app's command; repeatable.", valueName: "name=command"))
    var app: [String] = []

    @Option(help: ArgumentHelp("A policy file used instead of the apps' own.", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Folder for the replay's session folder (default ./foredesk-out).", valueName: "dir"))
    var out: String = "foredesk-out"

    @Option(help: ArgumentHelp("Replay on this existing display instead of a private one.", valueName: ":N"))
    var display: String?

    @Option(help: ArgumentHelp("The workspace, ${workspace} (default: the current folder).", valueName: "dir"))
    var workspace: String?

    func run() throws {
        let control = RunControl()
        InterruptWatch.start(control)
        try reporting {
            if let until, until < 1 { throw CommandFailure.usage("--until takes a step number from 1, not \(until)") }
            guard let wait = DurationSyntax.parse(timeout) else {
                throw CommandFailure.usage("--timeout takes a duration such as 2s or 500ms, not '\(timeout)'")
            }
            let masks: [Rect] = try mask.map { try Self.rectangle($0) }
            var replayed: ReplaySource
            do throws(ReplayError) {
                replayed = try ReplaySource.load(source)
            } catch {
                throw CommandFailure(message: error.message, code: Exit.usage)
            }
            for replacement in app { try Self.replaceApp(replacement, in: &replayed.scenario) }
            var beforeAction: (@Sendable (Step, Int) -> Bool)?
            if step {
                let prompt = try StepPrompt(total: replayed.scenario.steps.count)
                beforeAction = { step, number in prompt.ask(step, number) }
            }
            let comparator = ReplayComparator(
                source: replayed,
                options: .init(
                    compare: CompareOptions(tolerance: tolerance, masks: masks), timeout: wait, until: until,
                    beforeAction: beforeAction))
            var options = try RunSetup.options(
                out: out, workspace: workspace, display: display, policy: policy, frames: .all, control: control)
            options.observer = comparator
            options.replayOf = replayed.recording?.folder
            let result: RunResult
            do throws(RunError) {
                result = try ScenarioRunner(scenario: replayed.scenario, options: options).run()
            } catch {
                throw CommandFailure(message: error.message, code: error.unavailable ? Exit.unavailable : Exit.usage)
            }
            RunSetup.printClosingLines(result)
            if let signal = result.interruptedBy {
                throw CommandFailure(message: result.failure ?? "interrupted", code: 128 + signal)
            }
            try Self.conclude(result, comparator.summary, recorded: replayed.recording != nil, in: result.sessionPath)
        }
    }

    /// Says how the replay ended; throws the failure that sets the exit code.
    static func conclude(_ result: RunResult, _ summary: ReplaySummary, recorded: Bool, in folder: String) throws {
        if let divergence = summary.divergence {
            var lines = ["replay: diverged at step \(divergence.stepNumber) (\(divergence.step)): \(divergence.reason)"]
            for (name, file) in [("recorded", divergence.recordedFrame), ("actual", divergence.actualFrame), ("diff", divergence.diffFrame)] {
                if let file { lines.append("  \(name): \(folder)/\(file)") }
            }
            let decision = { (record: DecisionRecord?) in record.map { "\($0.verdict) (\($0.message))" } ?? "none" }
            lines.append("  gate: \(decision(divergence.replayDecision)); in the recording: \(decision(divergence.recordedDecision))")
            RunSetup.stderrLine(lines.joined(separator: "\n"))
            throw CommandFailure(message: "the replay diverged from the recording at step \(divergence.stepNumber)", code: Exit.actionFailed)
        }
        if let reproduced = summary.reproducedFailure {
            RunSetup.stderrLine("replay: matched the recording; \(reproduced)")
            return
        }
        if let failure = result.failure { throw CommandFailure(message: failure, code: Exit.actionFailed) }
        let stop = result.stoppedEarly ? " (stopped early as asked)" : ""
        guard recorded else { return RunSetup.stderrLine("replay: the scenario passed\(stop)") }
        var line = "replay: matched the recording\(stop): \(summary.matchedFrames) screen\(summary.matchedFrames == 1 ? "" : "s") compared"
        if summary.uncompared > 0 {
            line += "; \(summary.uncompared) step\(summary.uncompared == 1 ? "" : "s") had no recorded frame (record with --frames all)"
        }
        RunSetup.stderrLine(line)
    }

    /// `x,y,w,h` as a rectangle.
    static func rectangle(_ text: String) throws -> Rect {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let x = parts[0], let y = parts[1], let w = parts[2], let h = parts[3], w > 0, h > 0 else {
            throw CommandFailure.usage("--mask takes x,y,width,height with a positive size, such as 0,0,1280,24; not '\(text)'")
        }
        return Rect(x: x, y: y, width: w, height: h)
    }

    /// Applies `NAME=COMMAND` to the scenario's app of that name.
    static func replaceApp(_ replacement: String, in scenario: inout Scenario) throws {
        guard let equals = replacement.firstIndex(of: "=") else {
            throw CommandFailure.usage("--app takes NAME=COMMAND, such as fixture='fixture-app --move-ok 90,0'; not '\(replacement)'")
        }
        let name = String(replacement[..<equals])
        guard let index = scenario.apps.firstIndex(where: { $0.name == name }) else {
            let known = scenario.apps.map(\.name).joined(separator: ", ")
            throw CommandFailure.usage("--app \(name): the scenario has no app of that name (it has: \(known.isEmpty ? "none" : known))")
        }
        let line = String(replacement[replacement.index(after: equals)...])
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandFailure.usage("--app \(name): the command is empty") }
        scenario.apps[index].command = ScenarioCommand(commandLine: line)
    }
}

/// `--step`: asks on the terminal before each acting step.
final class StepPrompt: Sendable {
    private let total: Int

    /// - Throws: a usage failure when there is no terminal to ask on.
    init(total: Int) throws {
        guard isatty(0) != 0, isatty(2) != 0 else {
            throw CommandFailure.usage("--step waits for Enter on a terminal, and stdin or stderr is not one")
        }
        self.total = total
    }

    /// Shows the step and waits for Enter (go on) or q (stop).
    func ask(_ step: Step, _ number: Int) -> Bool {
        RunSetup.stderrLine("")
        let prompt = "next: step \(number)/\(total) \(step.kind.rawValue) (\(step.location)) — Enter to do it, q to stop: "
        _ = prompt.withCString { write(2, $0, strlen($0)) }
        guard let answer = readLine(strippingNewline: true) else { return false }
        return !answer.lowercased().hasPrefix("q")
    }
}
