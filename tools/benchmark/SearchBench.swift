import Desktop
import Imaging

/// Exact template search on a full busy capture: a 120x40 patch of the wallpaper that is there,
/// the same patch with one pixel changed (a near miss, absent), and a patch of noise (absent).
enum SearchBench {
    static func run(_ context: BenchContext) throws {
        try context.show(.busy)
        let report = context.report
        let frame = try context.desktop.capture()
        let spot = try context.lab.wallpaperSpot(width: 120, height: 40)
            ?? Rect(x: context.lab.target.frame.x, y: context.lab.target.frame.y, width: 120, height: 40)
        let present = try frame.cropped(to: spot)
        var nearMiss = present
        let middle = nearMiss[60, 20]
        nearMiss[60, 20] = Color(red: middle.red ^ 0x80, green: middle.green, blue: middle.blue)
        var generator = SplitMix(seed: 7)
        let noise = Frame(width: 120, height: 40) { bytes in
            for i in 0..<bytes.count { bytes[i] = i % 4 == 3 ? 255 : UInt8(truncatingIfNeeded: generator.next()) }
        }

        let cases: [(name: String, template: Frame, expected: Rect?)] = [
            ("present (cut from the screen at \(spot.x),\(spot.y))", present, spot),
            ("absent: the same patch, one pixel changed", nearMiss, nil),
            ("absent: noise", noise, nil),
        ]
        for (name, template, expected) in cases {
            var result = try frame.find(template)  // warm-up
            var times: [Double] = []
            for _ in 0..<context.options.runs {
                times.append(try Timing.measure { result = try frame.find(template) })
            }
            report.record(.search, name, times)
            let correct = result.map(\.rect) == (expected.map { [$0] } ?? [])
            let found = result.isEmpty ? "nothing found" : result.map(\.description).joined(separator: "; ")
            report.add(Row(
                group: .search, measurement: "find 120x40 \(name)",
                foredesk: Format.spread(Summary(times)!) + (correct ? "" : " WRONG: \(found)"),
                target: expected == nil ? "finds nothing" : "finds it once",
                verdict: correct ? .pass : .fail))
        }
    }
}

/// A small deterministic generator, so the noise patch is the same in every run.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
