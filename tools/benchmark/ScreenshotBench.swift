import Desktop
import Imaging

#if canImport(Glibc)
    import Glibc
#endif

/// `foredesk screenshot -o f.png` against scrot, maim and ImageMagick import, whole process,
/// alternating so the ratios come from one run.
enum ScreenshotBench {
    private struct Rival {
        let program: String
        /// The command line; "FILE" stands for the output path.
        let arguments: [String]
        let minimumSpeedup: Double

        func command(writing path: String) -> [String] {
            arguments.map { $0 == "FILE" ? path : $0 }
        }
    }

    private static let rivals = [
        Rival(program: "scrot", arguments: ["scrot", "-o", "FILE"], minimumSpeedup: 1.5),
        Rival(program: "maim", arguments: ["maim", "FILE"], minimumSpeedup: 2),
        Rival(program: "import", arguments: ["import", "-window", "root", "FILE"], minimumSpeedup: 2),
    ]

    static func run(_ context: BenchContext, scene: Scene) throws {
        try context.show(scene)
        let report = context.report
        let ours = context.shot("foredesk-\(scene.rawValue).png")
        var commands = [context.foredesk(["screenshot", "-o", ours], label: "foredesk screenshot -o f.png")]
        var present: [(rival: Rival, path: String)] = []
        for rival in rivals {
            if let reason = context.missing(rival.program) {
                report.skip(.screenshot, "\(scene.rawValue): vs \(rival.program)", because: reason)
                continue
            }
            let path = context.shot("\(rival.program)-\(scene.rawValue).png")
            commands.append(context.command(rival.command(writing: path), label: rival.command(writing: "f.png").joined(separator: " ")))
            present.append((rival, path))
        }
        let (times, failures) = context.alternate(commands, rounds: context.options.processRuns)
        for (index, command) in commands.enumerated() {
            report.record(.screenshot, "\(scene.rawValue) \(command.program)", times[index])
        }
        let limit: Double = scene == .busy ? 65 : 40
        let ourSummary = Summary(times[0])!
        let ourSize = BenchContext.fileSize(ours)
        let failed = failures[0] > 0 ? " (\(failures[0]) runs FAILED)" : ""
        if present.isEmpty {
            report.add(Row(
                group: .screenshot, measurement: "\(scene.rawValue): foredesk screenshot -o f.png",
                foredesk: Format.spread(ourSummary) + ", " + Format.kilobytes(ourSize) + failed,
                target: "≤ \(Int(limit)) ms", verdict: Verdict(ourSummary.median <= limit, failures[0] == 0)))
        }
        for (offset, entry) in present.enumerated() {
            let index = offset + 1
            let theirs = Summary(times[index])!
            let speedup = Summary.pairedRatio(times[index], over: times[0]) ?? .nan
            let theirFailed = failures[index] > 0 ? " (\(failures[index]) runs FAILED)" : ""
            var row = Row(
                group: .screenshot, measurement: "\(scene.rawValue): foredesk screenshot vs \(commands[index].label)",
                foredesk: Format.duration(ourSummary.median),
                other: Format.spread(theirs) + ", " + Format.kilobytes(BenchContext.fileSize(entry.path)) + theirFailed,
                ratio: Format.ratio(speedup), target: "≥ \(Format.ratio(entry.rival.minimumSpeedup))",
                verdict: Verdict(speedup >= entry.rival.minimumSpeedup, failures[0] == 0))
            if offset == 0 {
                row.foredesk = Format.spread(ourSummary) + ", " + Format.kilobytes(ourSize) + failed
                row.target = "≤ \(Int(limit)) ms, ≥ \(Format.ratio(entry.rival.minimumSpeedup))"
                row.verdict = Verdict(ourSummary.median <= limit, speedup >= entry.rival.minimumSpeedup, failures[0] == 0)
            }
            report.add(row)
        }
    }
}
