import Desktop
import Imaging

#if canImport(Glibc)
    import Glibc
#endif

/// What every measurement group needs: the display and scenes, the options, the report.
struct BenchContext {
    let lab: Lab
    let assets: SceneAssets
    let options: BenchOptions
    let report: Report
    /// Where the PNGs written by the timed commands go.
    let shotsDirectory: String
    /// Standard error of every timed command.
    let toolLog: String

    var desktop: Desktop { lab.desktop }

    /// Shows scene (if it is not on screen yet) with the target xterm active.
    func show(_ scene: Scene) throws {
        try lab.show(scene, assets: assets)
    }

    /// A timed external command.
    func command(_ arguments: [String], environment: [String: String] = [:], label: String? = nil) -> ToolCommand {
        ToolCommand(arguments, environment: environment, label: label, errorLog: toolLog)
    }

    /// The foredesk CLI with arguments, labelled "foredesk …".
    func foredesk(_ arguments: [String], label: String? = nil) -> ToolCommand {
        command([options.foredesk] + arguments, label: label ?? (["foredesk"] + arguments).joined(separator: " "))
    }

    /// nil when program can be used, else why not (for the table).
    func missing(_ program: String) -> String? {
        if options.skipped.contains(program) { return "\(program) skipped (--skip)" }
        if !ToolCommand.isInstalled(program) { return "\(program) not installed (tools/setup installs it)" }
        return nil
    }

    /// A path in the shots directory.
    func shot(_ name: String) -> String {
        shotsDirectory + "/" + name
    }

    /// Runs commands in alternating rounds (A B C, B C A, C A B, …: each round starts with the next
    /// one, so none always runs right after the same other), after one untimed warm-up round.
    /// Returns each command's wall times in milliseconds, one per round, and how many runs failed.
    func alternate(_ commands: [ToolCommand], rounds: Int) -> (times: [[Double]], failures: [Int]) {
        var times = Array(repeating: [Double](), count: commands.count)
        var failures = Array(repeating: 0, count: commands.count)
        for command in commands { _ = command.run() }
        for round in 0..<rounds {
            for step in 0..<commands.count {
                let index = (round + step) % commands.count
                let (ms, status) = commands[index].run()
                times[index].append(ms)
                if status != 0 { failures[index] += 1 }
            }
        }
        return (times, failures)
    }

    /// Size of the file at path in bytes (0 when missing).
    static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}

/// Cells the groups build their rows from.
extension Summary {
    /// "12.3 ms [11.9–14.0]" for a sample set, "–" when empty.
    static func cell(_ samples: [Double]) -> String {
        Summary(samples).map(Format.spread) ?? "–"
    }

    /// The median, "–" when there are no samples.
    static func medianCell(_ samples: [Double]) -> String {
        Summary(samples).map { Format.duration($0.median) } ?? "–"
    }
}
