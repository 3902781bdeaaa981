extension Rect {
    /// Few rectangles that together cover rects (clipped to bounds): neighbours merge while their union wastes
    /// at most slack pixels, and more merge, least waste first, until at most limit are left.
    ///
    /// Each rectangle costs a capture request and a strip of its own in a video atlas, so a dozen tiny damage
    /// rectangles of one word typed are worth one slightly larger rectangle, but two far-apart changes are not
    /// worth the screen between them.
    public static func coalesce(_ rects: [Rect], within bounds: Rect, limit: Int = 16, slack: Int = 4096) -> [Rect] {
        var list = rects.compactMap { $0.intersection(bounds) }
        // Far too many for the pairwise pass (an XFixes region can hold hundreds of glyph-sized bands):
        // halve by merging neighbours in reading order.
        while list.count > 64 {
            list.sort { ($0.y, $0.x) < ($1.y, $1.x) }
            list = stride(from: 0, to: list.count, by: 2).map { i in
                i + 1 < list.count ? list[i].union(list[i + 1]) : list[i]
            }
        }
        while list.count > 1 {
            var best = (i: 0, j: 1, waste: Int.max)
            for i in 0..<list.count - 1 {
                for j in (i + 1)..<list.count {
                    let waste = list[i].wasteOfUnion(with: list[j])
                    if waste < best.waste { best = (i, j, waste) }
                }
            }
            guard best.waste <= slack || list.count > max(limit, 1) else { break }
            list[best.i] = list[best.i].union(list[best.j])
            list.remove(at: best.j)
        }
        return list
    }

    /// The pixels of the union of two rectangles that neither covers.
    private func wasteOfUnion(with other: Rect) -> Int {
        let union = union(other)
        let overlap = intersection(other).map { $0.width * $0.height } ?? 0
        return union.width * union.height - (width * height + other.width * other.height - overlap)
    }
}
