import Desktop
import Imaging

/// Capture + PNG encode in memory with the default setting and two alternatives.
enum EncodeBench {
    private struct Variant {
        let name: String
        let options: PNGOptions
    }

    private static let variants = [
        Variant(name: "L1 SUB, 2 threads (default)", options: .screenshot),
        Variant(name: "L1 SUB, 1 thread", options: PNGOptions(level: 1, filter: .sub, threads: 1)),
        Variant(name: "L6 adaptive", options: PNGOptions(level: 6, filter: .adaptive)),
    ]

    /// The C prototype's libpng L1 SUB figure per scene (baselines.md, section 2).
    private static func anchor(_ scene: Scene) -> String {
        scene == .busy ? "C libpng L1 SUB 33.0 ms (baselines.md)" : "C libpng L1 SUB 13.0 ms (baselines.md)"
    }

    static func run(_ context: BenchContext, scene: Scene) throws {
        try context.show(scene)
        let desktop = context.desktop
        let n = context.options.runs
        var times = Array(repeating: [Double](), count: variants.count)
        var sizes = Array(repeating: 0, count: variants.count)
        for variant in variants { _ = try desktop.capture().pngData(options: variant.options) }
        // Interleaved rounds, each starting with the next variant.
        for round in 0..<n {
            for step in 0..<variants.count {
                let index = (round + step) % variants.count
                let options = variants[index].options
                let timed = try Timing.measure(returning: { try desktop.capture().pngData(options: options) })
                times[index].append(timed.milliseconds)
                sizes[index] = timed.value.count
            }
        }
        let defaultTimes = times[0]
        let limit: Double = scene == .busy ? 40 : 16
        let stretch: Double = scene == .busy ? 20 : 8
        for (index, variant) in variants.enumerated() {
            context.report.record(.encode, "\(scene.rawValue) \(variant.name)", times[index])
            context.report.record(.encode, "\(scene.rawValue) \(variant.name) bytes", unit: "bytes", [Double(sizes[index])])
            let summary = Summary(times[index])!
            var row = Row(
                group: .encode, measurement: "\(scene.rawValue): capture + PNG \(variant.name)",
                foredesk: Format.spread(summary) + ", " + Format.kilobytes(sizes[index]))
            if index == 0 {
                row.other = anchor(scene)
                row.target = "≤ \(Int(limit)) ms (stretch ≤ \(Int(stretch)))"
                row.verdict = Verdict(summary.median <= limit)
                if summary.median <= stretch { row.target += ", stretch met" }
            } else {
                row.other = "default \(Format.duration(Summary(defaultTimes)!.median))"
                row.ratio = Format.ratio(Summary.pairedRatio(times[index], over: defaultTimes) ?? .nan) + " of default"
                row.target = index == 2 ? "golden images only" : "–"
            }
            context.report.add(row)
        }
    }
}
