#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock timing and the statistics every measurement is reported with.
enum Timing {
    /// Monotonic time in nanoseconds.
    @inline(__always)
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Milliseconds elapsed since start (a value from `now()`).
    @inline(__always)
    static func milliseconds(since start: UInt64) -> Double {
        Double(now() - start) / 1_000_000
    }

    /// Runs body once; its wall time in milliseconds.
    static func measure(_ body: () throws -> Void) rethrows -> Double {
        let start = now()
        try body()
        return milliseconds(since: start)
    }

    /// Runs body once; its result and wall time. The result is released only after the clock has
    /// stopped, so freeing it (an 8 MB frame, say) is not counted.
    static func measure<T>(returning body: () throws -> T) rethrows -> (value: T, milliseconds: Double) {
        let start = now()
        let value = try body()
        return (value, milliseconds(since: start))
    }

    /// Sleeps the calling thread.
    static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

/// Median and spread of a set of samples (milliseconds, or any unit).
struct Summary {
    let count: Int
    let median: Double
    let p10: Double
    let p90: Double
    let min: Double
    let max: Double

    /// nil for no samples.
    init?(_ samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        count = sorted.count
        median = Self.percentile(sorted, 0.5)
        p10 = Self.percentile(sorted, 0.1)
        p90 = Self.percentile(sorted, 0.9)
        min = sorted[0]
        max = sorted[sorted.count - 1]
    }

    /// Linear interpolation between the closest ranks.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let position = fraction * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        let weight = position - Double(low)
        return sorted[low] * (1 - weight) + sorted[high] * weight
    }

    /// The median of the per-round ratios numerator[i] / denominator[i] (paired, alternating runs);
    /// nil unless both have the same, non-zero number of samples.
    static func pairedRatio(_ numerator: [Double], over denominator: [Double]) -> Double? {
        guard numerator.count == denominator.count, !numerator.isEmpty else { return nil }
        let ratios = zip(numerator, denominator).compactMap { $1 > 0 ? $0 / $1 : nil }
        return Summary(ratios)?.median
    }

    /// The ratio of the medians, for series that were not measured in pairs.
    static func medianRatio(_ numerator: [Double], over denominator: [Double]) -> Double? {
        guard let top = Summary(numerator), let bottom = Summary(denominator), bottom.median > 0 else { return nil }
        return top.median / bottom.median
    }
}

/// Number formatting without Foundation.
enum Format {
    /// value with exactly digits decimals ("12.30").
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        let digitsText = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - digitsText.count) + digitsText
    }

    /// A duration given in milliseconds, with a unit that keeps three significant figures or so.
    static func duration(_ ms: Double) -> String {
        if ms < 0.01 { return fixed(ms * 1000, 1) + " µs" }
        if ms < 1 { return fixed(ms * 1000, 0) + " µs" }
        if ms < 10 { return fixed(ms, 2) + " ms" }
        if ms < 100 { return fixed(ms, 1) + " ms" }
        if ms < 10_000 { return fixed(ms, 0) + " ms" }
        return fixed(ms / 1000, 1) + " s"
    }

    /// "12.3 ms [11.9–14.0]": median, then p10 and p90.
    static func spread(_ summary: Summary) -> String {
        "\(duration(summary.median)) [\(bare(summary.p10, like: summary.median))–\(bare(summary.p90, like: summary.median))]"
    }

    /// A duration in the unit `duration` picks for reference, without the unit.
    static func bare(_ ms: Double, like reference: Double) -> String {
        if reference < 0.01 { return fixed(ms * 1000, 1) }
        if reference < 1 { return fixed(ms * 1000, 0) }
        if reference < 10 { return fixed(ms, 2) }
        if reference < 100 { return fixed(ms, 1) }
        if reference < 10_000 { return fixed(ms, 0) }
        return fixed(ms / 1000, 1)
    }

    /// "2.4x".
    static func ratio(_ value: Double) -> String {
        value >= 100 ? fixed(value, 0) + "x" : value >= 10 ? fixed(value, 1) + "x" : fixed(value, 2) + "x"
    }

    /// Bytes in KB of 1024 bytes, rounded, as the baselines report sizes.
    static func kilobytes(_ bytes: Int) -> String {
        String(Int((Double(bytes) / 1024).rounded())) + " KB"
    }
}
