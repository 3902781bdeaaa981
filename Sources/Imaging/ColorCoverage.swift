/// How many pixels of any window of a frame area lie within tolerance of one colour, answered in
/// constant time from a summed-area table.
///
/// It gives a bound that rejects most places of a search with a miss budget without reading them:
/// if the template has n pixels of colour c and a window holds only k pixels near c, at least
/// n - k of those template pixels miss there. Summed over distinct colours the bounds still hold,
/// because each counts misses among a different set of template pixels. Screens are mostly flat
/// colour, so for a template with a dominant colour this turns the per-place cost from "one more
/// than the budget" probes into four table reads.
struct ColorCoverage {
    let templateCount: Int
    private let area: Rect
    /// `(area.width + 1) * (area.height + 1)` running sums; row 0 and column 0 are zero.
    private let sums: [Int32]

    init(frame: Frame, area: Rect, probe: TemplateProbes.Probe, templateCount: Int) {
        self.templateCount = templateCount
        self.area = area
        let stride = area.width + 1
        let frameWidth = frame.width
        sums = frame.pixels.withUnsafeBytes { bytes in
            [Int32](unsafeUninitializedCapacity: stride * (area.height + 1)) { table, count in
                for x in 0..<stride { table[x] = 0 }
                guard let base = bytes.baseAddress else {
                    count = stride
                    return
                }
                for row in 0..<area.height {
                    let above = row * stride
                    let here = above + stride
                    table[here] = 0
                    var runningRow: Int32 = 0
                    let start = ((area.y + row) * frameWidth + area.x) * 4
                    for column in 0..<area.width {
                        if TolerantProbeTest.passes(PixelWord.load(base, start + column * 4), probe) { runningRow += 1 }
                        table[here + column + 1] = table[above + column + 1] + runningRow
                    }
                }
                count = stride * (area.height + 1)
            }
        }
    }

    /// Pixels near the colour in the window of size at origin, which must lie inside the area.
    @inline(__always)
    func count(at origin: Point, size: Size) -> Int {
        let stride = area.width + 1
        let top = (origin.y - area.y) * stride + (origin.x - area.x)
        let bottom = top + size.height * stride
        return sums.withUnsafeBufferPointer { s in
            Int(s[bottom + size.width] - s[bottom] - s[top + size.width] + s[top])
        }
    }
}
