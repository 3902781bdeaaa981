/// Greedy non-maximum suppression for template matches of one size: offered best first, a match
/// is kept unless it overlaps one kept before.
///
/// Kept matches are filed in a grid of template-sized cells, so an offer looks at nine cells
/// instead of every kept match; a flat template on a flat screen can offer millions.
struct MatchSuppressor {
    let size: Size
    let limit: Int
    private(set) var kept: [(origin: Point, misses: Int)] = []
    private var cells: [Int64: [Int]] = [:]

    init(size: Size, limit: Int) {
        self.size = size
        self.limit = limit
    }

    var isFull: Bool { kept.count >= limit }

    mutating func offer(_ origin: Point, misses: Int) {
        guard !isFull else { return }
        let column = origin.x / size.width
        let row = origin.y / size.height
        for dy in -1...1 {
            for dx in -1...1 {
                for index in cells[key(column + dx, row + dy)] ?? [] {
                    let other = kept[index].origin
                    if abs(other.x - origin.x) < size.width && abs(other.y - origin.y) < size.height { return }
                }
            }
        }
        cells[key(column, row), default: []].append(kept.count)
        kept.append((origin, misses))
    }

    private func key(_ column: Int, _ row: Int) -> Int64 {
        Int64(row) << 32 | Int64(UInt32(truncatingIfNeeded: column))
    }
}
