/// The pixels a comparison looks at: a region minus masks, as runs of columns shared by bands of rows.
///
/// Masks are few and rectangular, so between two consecutive mask edges every row has the same
/// unmasked runs; working out those runs once per band keeps the per-row loops free of mask tests.
struct ComparedArea {
    struct Band {
        var rows: Range<Int>
        /// Unmasked column runs, left to right, not touching one another.
        var spans: [Range<Int>]
    }

    let region: Rect
    let bands: [Band]

    init(region: Rect, masks: [Rect]) {
        self.region = region
        let clipped = masks.compactMap { $0.intersection(region) }
        var edges = [region.y, region.maxY]
        for mask in clipped {
            edges.append(mask.y)
            edges.append(mask.maxY)
        }
        edges = Array(Set(edges)).sorted()
        var bands: [Band] = []
        for (top, bottom) in zip(edges, edges.dropFirst()) where top < bottom {
            // Every mask edge is a band edge, so a mask covers either all rows of the band or none.
            let covering = clipped.filter { $0.y <= top && $0.maxY >= bottom }.sorted { $0.x < $1.x }
            var spans: [Range<Int>] = []
            var x = region.x
            for mask in covering {
                if mask.x > x { spans.append(x..<mask.x) }
                x = max(x, mask.maxX)
            }
            if x < region.maxX { spans.append(x..<region.maxX) }
            if let last = bands.last, last.spans == spans, last.rows.upperBound == top {
                bands[bands.count - 1].rows = last.rows.lowerBound..<bottom
            } else {
                bands.append(Band(rows: top..<bottom, spans: spans))
            }
        }
        self.bands = bands
    }

    /// How many pixels the area holds.
    var pixelCount: Int {
        bands.reduce(0) { total, band in
            total + band.rows.count * band.spans.reduce(0) { $0 + $1.count }
        }
    }
}
