import Desktop
import Imaging

#if canImport(Glibc)
    import Glibc
#endif

/// Full-screen capture against the memory-bandwidth floor, and frame diff → changed box.
enum CaptureBench {
    static func run(_ context: BenchContext) throws {
        try context.show(.busy)
        let desktop = context.desktop
        let report = context.report
        let n = context.options.runs
        let screen = Lab.screen
        let byteCount = screen.width * screen.height * 4

        // The floor: one memcpy of a frame-sized buffer (both buffers fit in L3 here, as in the baselines).
        var source = [UInt8](repeating: 0x5A, count: byteCount)
        var destination = [UInt8](repeating: 0, count: byteCount)
        func copyOnce() {
            source.withUnsafeBytes { src in
                destination.withUnsafeMutableBytes { dst in _ = memcpy(dst.baseAddress!, src.baseAddress!, byteCount) }
            }
        }
        // Warm-up: page in both buffers, attach the MIT-SHM segment.
        copyOnce()
        _ = try desktop.capture(.screen, method: .sharedMemory)
        _ = try desktop.capture(.screen, method: .getImage)

        // Each in a loop of its own, as the baselines measured them: memcpy back to back (cache
        // warm: the floor), captures back to back (as a recording loop runs them).
        var memcpyTimes: [Double] = []
        var sharedTimes: [Double] = []
        var getImageTimes: [Double] = []
        for _ in 0..<n { memcpyTimes.append(Timing.measure(copyOnce)) }
        for _ in 0..<n {
            sharedTimes.append(try Timing.measure(returning: { try desktop.capture(.screen, method: .sharedMemory) }).milliseconds)
        }
        for _ in 0..<n {
            getImageTimes.append(try Timing.measure(returning: { try desktop.capture(.screen, method: .getImage) }).milliseconds)
        }
        source[0] = destination[0]  // keep both buffers alive and used
        report.record(.capture, "memcpy 8.3 MB", memcpyTimes)
        report.record(.capture, "capture shm", sharedTimes)
        report.record(.capture, "capture get-image", getImageTimes)

        let floor = Summary(memcpyTimes)!
        let shared = Summary(sharedTimes)!
        let overFloor = Summary.medianRatio(sharedTimes, over: memcpyTimes) ?? .nan
        report.add(Row(
            group: .capture, measurement: "memcpy of the 8.3 MB frame (floor)", foredesk: "–",
            other: Format.spread(floor), target: "floor"))
        report.add(Row(
            group: .capture, measurement: "Desktop.capture(), MIT-SHM, 1920x1080",
            foredesk: Format.spread(shared), other: "memcpy \(Format.duration(floor.median))",
            ratio: Format.ratio(overFloor) + " of memcpy", target: "≤ 1 ms, ≤ 3x memcpy",
            verdict: Verdict(shared.median <= 1, overFloor <= 3)))
        let getImage = Summary(getImageTimes)!
        report.add(Row(
            group: .capture, measurement: "Desktop.capture(method: .getImage) (fallback)",
            foredesk: Format.spread(getImage), other: "MIT-SHM \(Format.duration(shared.median))",
            ratio: Format.ratio(Summary.medianRatio(getImageTimes, over: sharedTimes) ?? .nan) + " of SHM",
            target: "fallback only"))

        // Diff → changed box on a real capture: identical contents in separate storage, and one
        // 9x16 glyph cell changed in the target xterm.
        let frame = try desktop.capture()
        var same = frame.pixels
        same[0] = frame.pixels[0]  // forces a copy: identical bytes, other storage
        let identical = Frame(width: frame.width, height: frame.height, pixels: same)
        var glyph = identical
        let cell = Rect(x: context.lab.target.frame.x + 60, y: context.lab.target.frame.y + 30, width: 9, height: 16)
        glyph.fill(cell, with: Color(red: 255, green: 0, blue: 255))
        var identicalTimes: [Double] = []
        var glyphTimes: [Double] = []
        var identicalResult: Rect?
        var glyphResult: Rect?
        for _ in 0..<max(n, 50) {
            identicalTimes.append(Timing.measure { identicalResult = identical.changedBoundingBox(comparedTo: frame) })
            glyphTimes.append(Timing.measure { glyphResult = glyph.changedBoundingBox(comparedTo: frame) })
        }
        report.record(.capture, "diff identical", identicalTimes)
        report.record(.capture, "diff one glyph", glyphTimes)
        let identicalSummary = Summary(identicalTimes)!
        let glyphSummary = Summary(glyphTimes)!
        report.add(Row(
            group: .capture, measurement: "changedBoundingBox, identical frames",
            foredesk: Format.spread(identicalSummary) + (identicalResult == nil ? "" : " WRONG: \(identicalResult!)"),
            other: "C 0.24 ms (baselines.md)", ratio: Format.ratio(identicalSummary.median / floor.median) + " of memcpy",
            target: "≤ 0.5 ms",
            verdict: Verdict(identicalSummary.median <= 0.5, identicalResult == nil)))
        report.add(Row(
            group: .capture, measurement: "changedBoundingBox, one 9x16 glyph changed",
            foredesk: Format.spread(glyphSummary) + (glyphResult == cell ? "" : " WRONG: \(glyphResult.map(\.description) ?? "nil")"),
            other: "C 0.33 ms (baselines.md)", ratio: Format.ratio(glyphSummary.median / floor.median) + " of memcpy",
            target: "≤ 0.5 ms",
            verdict: Verdict(glyphSummary.median <= 0.5, glyphResult == cell)))
    }
}
