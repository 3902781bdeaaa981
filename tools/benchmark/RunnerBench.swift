import Desktop
import Foundation
import Imaging
import Processes
import Scenario
import Synchronization

/// The scenario runner's own cost: per input step (gate + evidence + logging) against the same
/// Desktop calls made bare, and a 100-step scenario's wall time against a shell script of xdotool +
/// scrot doing the same actions, on the fixture app.
enum RunnerBench {
    /// One action of the 100: the fixture's OK button, its text field, typing, erasing.
    enum Action {
        case click(x: Int, y: Int)
        case type(String)
        case key(String, times: Int)
    }

    static let steps: [Action] = (0..<25).flatMap { _ in
        [Action.click(x: 80, y: 40), .click(x: 320, y: 110), .type("ab"), .key("BackSpace", times: 2)]
    }
    /// The bench scenario's `settle:`; both the runner and the bare loop wait this long without damage.
    static let quiet = 30
    static let title = "bench-fixture"
    /// The short settle times of the other whole-process comparisons.
    static let quickQuiets = [10, 5]
    /// The `--frames` modes measured.
    static let framesModes = ["all", "none"]

    static func scenarioText(frames: String, settle: Int = quiet) -> String {
        var lines = [
            "name: runner bench (\(frames), settle \(settle) ms)",
            "settle: \(settle)ms",
            "apps:",
            "  - name: fixture",
            "    command: [fixture-app, --title, \(title)]",
            "    window: { title: \"^\(title)$\", timeout: 20s }",
            "steps:",
            "  - launch: fixture",
            "  - activate: fixture",
        ]
        for step in steps {
            switch step {
            case let .click(x, y): lines.append("  - click: [\(x), \(y)]")
            case let .type(text): lines.append("  - type: \(text)")
            case let .key(combo, times): lines.append("  - key: { combo: \(combo), repeat: \(times) }")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same actions as one bash script: xdotool for each, scrot after each.
    static func scriptText(fixture: String, shots: String) -> String {
        var lines = [
            "set -e",
            "'\(fixture)' --title \(title) & app=$!",
            "trap 'kill $app' EXIT",
            "w=$(xdotool search --sync --name '^\(title)$' | head -1)",
            "xdotool windowactivate --sync $w",
        ]
        for (index, step) in steps.enumerated() {
            switch step {
            case let .click(x, y): lines.append("xdotool mousemove --window $w \(x) \(y) click 1")
            case let .type(text): lines.append("xdotool type --delay 0 '\(text)'")
            case let .key(combo, times): lines.append("xdotool key --delay 0 " + Array(repeating: combo, count: times).joined(separator: " "))
            }
            lines.append("scrot -o '\(shots)/script-\(index % 2).png'")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func run(_ context: BenchContext) throws {
        try context.show(.flat)
        let report = context.report
        let relative = context.shotsDirectory + "/runner"
        let directory = relative.hasPrefix("/") ? relative : FileManager.default.currentDirectoryPath + "/" + relative
        try BenchMain.makeDirectories(directory)
        let binaries = String(context.options.foredesk[..<(context.options.foredesk.lastIndex(of: "/") ?? context.options.foredesk.startIndex)])
        let fixture = FileManager.default.currentDirectoryPath + "/" + (binaries.isEmpty ? "." : binaries) + "/fixture-app"
        var scenarioFiles: [String: String] = [:]
        for frames in ["all", "none"] {
            let file = directory + "/bench-\(frames).yaml"
            try scenarioText(frames: frames).write(toFile: file, atomically: true, encoding: .utf8)
            scenarioFiles[frames] = file
        }

        // 1. Per step, in-process: the runner's steps against the same Desktop calls made bare.
        let bare = try bareSteps(context, fixture: fixture)
        var perStep: [String: [Double]] = [:]
        for frames in framesModes {
            var samples: [Double] = []
            for _ in 0..<max(1, context.options.runs / 10) {
                samples += try runnerSteps(context, file: scenarioFiles[frames]!, frames: frames, binaries: binaries, out: directory)
            }
            perStep[frames] = samples
            report.record(.runner, "runner step, frames \(frames)", samples)
        }
        report.record(.runner, "bare step", bare)
        let bareMedian = Summary(bare)?.median ?? .nan
        for frames in framesModes.reversed() {
            guard let summary = Summary(perStep[frames] ?? []) else { continue }
            let overhead = summary.median - bareMedian
            let target = frames == "none" ? "< 2 ms overhead" : ""
            report.add(Row(
                group: .runner,
                measurement: "input step in the runner, frames \(frames) (settle \(quiet) ms), 100 steps",
                foredesk: Format.spread(summary) + ", overhead \(Format.duration(overhead))",
                other: "same Desktop calls + settle, bare \(Summary.cell(bare))",
                target: target, verdict: frames == "none" ? Verdict(overhead < 2) : .info))
        }

        // 2. Whole process: `foredesk run` (frames all) against a bash script of xdotool + scrot.
        if let missing = context.missing("xdotool") ?? context.missing("scrot") {
            report.add(Row(group: .runner, measurement: "100-step scenario, whole process", foredesk: "–", other: missing))
            return
        }
        let script = directory + "/script.sh"
        try scriptText(fixture: fixture, shots: directory).write(toFile: script, atomically: true, encoding: .utf8)
        // Also with short settle times: the quiet wait after each input is most of a step, and an app
        // as quick as the fixture redraws within a millisecond or two.
        var variants = [(file: scenarioFiles["all"]!, settle: quiet)]
        for settle in quickQuiets {
            let file = directory + "/bench-all-settle-\(settle).yaml"
            try scenarioText(frames: "all", settle: settle).write(toFile: file, atomically: true, encoding: .utf8)
            variants.append((file, settle))
        }
        let runs = context.alternate(
            variants.map { variant in
                context.foredesk(["run", variant.file, "--display", context.lab.display.name, "--out", directory + "/sessions"],
                    label: "foredesk run (100 steps, frames all, settle \(variant.settle) ms)")
            } + [context.command(["bash", script], label: "bash: xdotool + scrot per step")],
            rounds: min(context.options.processRuns, 5))
        let theirTimes = runs.times[variants.count]
        report.record(.runner, "xdotool + scrot script 100 steps", theirTimes)
        guard let theirs = Summary(theirTimes) else { return }
        for (index, variant) in variants.enumerated() {
            report.record(.runner, "foredesk run 100 steps, settle \(variant.settle) ms", runs.times[index])
            guard let ours = Summary(runs.times[index]) else { continue }
            let ratio = Summary.pairedRatio(theirTimes, over: runs.times[index]) ?? .nan
            let failures = runs.failures[index] + runs.failures[variants.count]
            report.add(Row(
                group: .runner,
                measurement: "100-step scenario incl. launch, whole process (settle \(variant.settle) ms, before+after PNGs)"
                    + (failures > 0 ? ", failures \(runs.failures[index])/\(runs.failures[variants.count])" : ""),
                foredesk: Format.spread(ours), other: "xdotool + scrot per step (one PNG) \(Format.spread(theirs))",
                ratio: Format.ratio(ratio), target: "≥ 10x", verdict: Verdict(ratio >= 10, runs.failures[index] == 0)))
        }
    }

    /// Runs the scenario in-process and returns the wall time of each of its 100 input steps (ms).
    private static func runnerSteps(
        _ context: BenchContext, file: String, frames: String, binaries: String, out: String
    ) throws -> [Double] {
        let scenario = try Scenario(contentsOfFile: file)
        let marks = Mutex<[UInt64]>([])
        var options = RunOptions(
            out: out + "/in-process", workspace: out, display: context.lab.display.name, toolDirectory: binaries,
            progress: { _ in marks.withLock { $0.append(Timing.now()) } })
        options.frames = frames == "none" ? FrameMode.none : .all
        let result = try ScenarioRunner(scenario: scenario, options: options).run()
        guard result.passed else { throw BenchError.check("the runner bench scenario failed: \(result.failure ?? "?")") }
        let times = marks.withLock { $0 }
        // Marks come after each step: launch, activate, then the 100 input steps.
        return (2..<times.count).map { Double(times[$0] - times[$0 - 1]) / 1_000_000 }
    }

    /// The same actions as direct Desktop calls, each followed by the same settle wait (ms per step).
    private static func bareSteps(_ context: BenchContext, fixture: String) throws -> [Double] {
        let lab = context.lab
        let app = try ChildProcess(fixture, ["--title", title], environment: ["DISPLAY": lab.display.name], output: .file(lab.logFile))
        defer { app.terminate(grace: .seconds(2)) }
        let window = try lab.desktop.waitForWindow(matching: WindowQuery(titlePattern: "^\(title)$"), timeout: .seconds(20))
        try lab.desktop.activate(window.id, timeout: .seconds(5))
        let origin = Point(x: window.frame.x, y: window.frame.y)
        var samples: [Double] = []
        for _ in 0..<max(1, context.options.runs / 10) {
            for step in steps {
                samples.append(try Timing.measure {
                    try lab.watch.reset()
                    switch step {
                    case let .click(x, y): try lab.desktop.click(at: Point(x: origin.x + x, y: origin.y + y))
                    case let .type(text): try lab.desktop.type(text)
                    case let .key(combo, times): for _ in 0..<times { try lab.desktop.key(combo) }
                    }
                    _ = try lab.watch.waitUntilSettled(quiet: .milliseconds(quiet), timeout: .seconds(5))
                })
            }
        }
        return samples
    }
}
