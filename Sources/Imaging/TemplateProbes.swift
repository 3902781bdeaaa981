/// A template turned into the list of pixel tests a search runs at each place, most telling first.
///
/// At a wrong place the first few tests usually fail, so their order sets the speed of a search:
/// the anchors come first (pixels whose colour is rare in the template and far from its most
/// common colour, its background, so they rarely match a random place), then the other pixels
/// unlike the background, then the background pixels, each group in row order so that a place
/// which passes the anchors is read in memory order.
struct TemplateProbes {
    /// One template pixel: where it lies relative to the place tested and which colours it accepts.
    struct Probe {
        /// Bytes from the place's top-left pixel to this pixel, in the frame being searched.
        var offset: Int
        var color: UInt32
        /// The accepted range per channel is `low...low + span`; unsigned wrap-around makes one
        /// compare per channel check both ends.
        var lowBlue: UInt8
        var lowGreen: UInt8
        var lowRed: UInt8
        var spanBlue: UInt8
        var spanGreen: UInt8
        var spanRed: UInt8
    }

    static let anchorCount = 8

    let probes: [Probe]
    /// Pixels that take part; fully transparent template pixels (alpha 0) are "don't care".
    let careCount: Int
    /// Pixels allowed to miss at a match, from the minimum score.
    let missBudget: Int
    /// The template's most common colours, each with its pixel count, when a count exceeds the
    /// miss budget: a window with too few pixels of such a colour cannot match (see `ColorCoverage`).
    let dominantColors: [(probe: Probe, count: Int)]

    static let dominantColorLimit = 2

    init(template: Frame, frameWidth: Int, tolerance: Int, minScore: Double) {
        var colors: [UInt32] = []
        var points: [Point] = []
        colors.reserveCapacity(template.width * template.height)
        template.pixels.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            for y in 0..<template.height {
                for x in 0..<template.width {
                    let word = PixelWord.load(base, (y * template.width + x) * 4)
                    if word >> 24 == 0 { continue }
                    colors.append(word & PixelWord.rgbMask)
                    points.append(Point(x: x, y: y))
                }
            }
        }
        careCount = colors.count
        // Rounding up the pixels that must match keeps a score of exactly minScore a match.
        let needed = min(Int((minScore * Double(careCount) - 1e-9).rounded(.up)), careCount)
        missBudget = careCount - max(needed, 0)

        var counts: [UInt32: Int] = [:]
        for color in colors { counts[color, default: 0] += 1 }
        let background = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? 0
        let anchors = TemplateProbes.anchors(
            colors: colors, points: points, counts: counts, background: background, tolerance: tolerance)
        // After the anchors, pixels unlike the background: where a miss budget lets a place survive
        // the anchors, a flat patch of screen then runs out of budget before the background pixels,
        // which it would all match, are read.
        let isAnchor = Set(anchors)
        let rest = colors.indices.filter { !isAnchor.contains($0) }
        let order =
            anchors
            + rest.filter { PixelWord.distance(colors[$0], background) > tolerance }
            + rest.filter { PixelWord.distance(colors[$0], background) <= tolerance }
        probes = order.map { i in
            TemplateProbes.probe(color: colors[i], at: points[i], frameWidth: frameWidth, tolerance: tolerance)
        }
        // With no budget the first anchor already rejects nearly every place in one load; the
        // coverage bound pays off only when a place has to miss many pixels before it is rejected.
        let budget = missBudget
        let common =
            budget == 0
            ? []
            : counts.filter { $0.value > budget }.sorted { a, b in
                a.value > b.value || (a.value == b.value && a.key < b.key)
            }
        // Only the colour ranges of these probes are read, so their offset does not matter.
        dominantColors = common.prefix(TemplateProbes.dominantColorLimit).map { color, count in
            (TemplateProbes.probe(color: color, at: Point(x: 0, y: 0), frameWidth: 0, tolerance: tolerance), count)
        }
    }

    /// Indices of up to `anchorCount` telling pixels, most telling first.
    private static func anchors(
        colors: [UInt32], points: [Point], counts: [UInt32: Int], background: UInt32, tolerance: Int
    ) -> [Int] {
        // A pixel within tolerance of the background matches every flat area of the frame, so it
        // comes last whatever its rarity.
        let ranked = colors.indices.map { i in
            let distance = PixelWord.distance(colors[i], background)
            return (
                index: i, nearBackground: distance <= tolerance, count: counts[colors[i], default: 0],
                distance: distance
            )
        }.sorted { a, b in
            if a.nearBackground != b.nearBackground { return !a.nearBackground }
            if a.count != b.count { return a.count < b.count }
            if a.distance != b.distance { return a.distance > b.distance }
            return a.index < b.index
        }
        // Neighbouring pixels and repeated colours tend to pass or fail together, so the first
        // choice spreads anchors out; the second pass fills up if the template is too plain for that.
        var chosen: [Int] = []
        var chosenColors = Set<UInt32>()
        for candidate in ranked where chosen.count < anchorCount {
            let point = points[candidate.index]
            let crowded = chosen.contains { abs(points[$0].x - point.x) < 2 && abs(points[$0].y - point.y) < 2 }
            if crowded || chosenColors.contains(colors[candidate.index]) { continue }
            chosen.append(candidate.index)
            chosenColors.insert(colors[candidate.index])
        }
        for candidate in ranked where chosen.count < min(anchorCount, colors.count) {
            if !chosen.contains(candidate.index) { chosen.append(candidate.index) }
        }
        return chosen
    }

    private static func probe(color: UInt32, at point: Point, frameWidth: Int, tolerance: Int) -> Probe {
        func range(_ shift: UInt32) -> (low: UInt8, span: UInt8) {
            let value = Int((color >> shift) & 0xFF)
            let low = max(value - tolerance, 0)
            let high = min(value + tolerance, 255)
            return (UInt8(low), UInt8(high - low))
        }
        let blue = range(0)
        let green = range(8)
        let red = range(16)
        return Probe(
            offset: (point.y * frameWidth + point.x) * 4, color: color,
            lowBlue: blue.low, lowGreen: green.low, lowRed: red.low,
            spanBlue: blue.span, spanGreen: green.span, spanRed: red.span)
    }
}

/// How a probe decides whether a frame pixel matches; a generic parameter so that each search
/// loop is compiled for one test, with nothing to decide per pixel.
protocol ProbeTest {
    static func passes(_ pixel: UInt32, _ probe: TemplateProbes.Probe) -> Bool
}

enum ExactProbeTest: ProbeTest {
    @inline(__always)
    static func passes(_ pixel: UInt32, _ probe: TemplateProbes.Probe) -> Bool {
        (pixel ^ probe.color) & PixelWord.rgbMask == 0
    }
}

enum TolerantProbeTest: ProbeTest {
    @inline(__always)
    static func passes(_ pixel: UInt32, _ probe: TemplateProbes.Probe) -> Bool {
        let blue = UInt8(truncatingIfNeeded: pixel) &- probe.lowBlue
        let green = UInt8(truncatingIfNeeded: pixel >> 8) &- probe.lowGreen
        let red = UInt8(truncatingIfNeeded: pixel >> 16) &- probe.lowRed
        return (blue <= probe.spanBlue) && (green <= probe.spanGreen) && (red <= probe.spanRed)
    }
}
