/// A line diff of two texts (Myers' O(ND) algorithm), printed as a unified diff with context.
///
/// Pure: no file is read. Common leading and trailing lines are set aside first, so the usual edit
/// (a few lines somewhere in a file) costs little whatever the file's length.
public enum LineDiff {
    /// One line of a text; the last line of a text without a final newline differs from the same
    /// text with one, as in `diff -u` ("\ No newline at end of file").
    struct Line: Equatable {
        var text: Substring
        var newline: Bool
    }

    /// One step of the edit script: a line kept, removed from the old text or added from the new.
    enum Operation: Equatable {
        case keep(old: Int, new: Int)
        case delete(old: Int)
        case insert(new: Int)
    }

    /// Above this many differences the diff stops looking for the shortest script and replaces the
    /// changed middle whole (still a correct diff, only longer), so memory stays bounded.
    static let maxDifferences = 2000

    /// The unified diff from old to new with context lines around each change (`@@ -a,b +c,d @@`
    /// hunks); empty when the texts are equal. The caller writes the `---`/`+++` headers.
    public static func hunks(from old: String, to new: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        let script = operations(a, b)
        return render(script, a, b, context: context)
    }

    /// The lines of text; a final newline ends the last line rather than starting an empty one.
    static func lines(_ text: String) -> [Line] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map { Line(text: $0, newline: true) }
        if result.last?.text.isEmpty == true {
            result.removeLast()
        } else if !result.isEmpty {
            result[result.count - 1].newline = false
        }
        return result
    }

    /// The edit script turning a into b, in order.
    static func operations(_ a: [Line], _ b: [Line]) -> [Operation] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        var script = (0..<prefix).map { Operation.keep(old: $0, new: $0) }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        let middle =
            myers(middleA, middleB)
            ?? (middleA.indices.map { .delete(old: $0) } + middleB.indices.map { .insert(new: $0) })
        for operation in middle {
            switch operation {
            case let .keep(old, new): script.append(.keep(old: old + prefix, new: new + prefix))
            case let .delete(old): script.append(.delete(old: old + prefix))
            case let .insert(new): script.append(.insert(new: new + prefix))
            }
        }
        for offset in 0..<suffix {
            script.append(.keep(old: a.count - suffix + offset, new: b.count - suffix + offset))
        }
        return script
    }

    /// The shortest edit script (Myers 1986), nil when it needs more than `maxDifferences` edits.
    static func myers(_ a: [Line], _ b: [Line]) -> [Operation]? {
        let n = a.count
        let m = b.count
        if n == 0 { return b.indices.map { .insert(new: $0) } }
        if m == 0 { return a.indices.map { .delete(old: $0) } }
        let limit = min(n + m, maxDifferences)
        // v[k + offset]: the furthest x reached on diagonal k; trace[d] holds v[-(d+1)...(d+1)] as it
        // was before step d, which is all the way back needs.
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        for d in 0...limit {
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x =
                    k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])
                    ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m { return backtrack(trace, n, m) }
            }
        }
        return nil
    }

    private static func backtrack(_ trace: [[Int]], _ n: Int, _ m: Int) -> [Operation] {
        var script: [Operation] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let saved = trace[d]
            func v(_ k: Int) -> Int { saved[k + d + 1] }
            let k = x - y
            let previousK = k == -d || (k != d && v(k - 1) < v(k + 1)) ? k + 1 : k - 1
            let previousX = v(previousK)
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                script.append(.keep(old: x - 1, new: y - 1))
                x -= 1
                y -= 1
            }
            if d > 0 {
                script.append(x == previousX ? .insert(new: y - 1) : .delete(old: x - 1))
            }
            x = previousX
            y = previousY
        }
        return script.reversed()
    }

    /// The script as hunks: each change with up to context lines around it, changes closer than
    /// twice that sharing one hunk.
    static func render(_ script: [Operation], _ a: [Line], _ b: [Line], context: Int) -> String {
        let changes = script.indices.filter {
            if case .keep = script[$0] { return false }
            return true
        }
        guard let first = changes.first else { return "" }
        // Ranges of script indices, one per hunk.
        var groups: [ClosedRange<Int>] = []
        var lower = first
        var upper = first
        for index in changes.dropFirst() {
            if index - upper > 2 * context {
                groups.append(max(0, lower - context)...min(script.count - 1, upper + context))
                lower = index
            }
            upper = index
        }
        groups.append(max(0, lower - context)...min(script.count - 1, upper + context))

        // Lines of each text consumed before each script position.
        var before: [(old: Int, new: Int)] = []
        var consumed = (old: 0, new: 0)
        for operation in script {
            before.append(consumed)
            switch operation {
            case .keep: consumed = (consumed.old + 1, consumed.new + 1)
            case .delete: consumed.old += 1
            case .insert: consumed.new += 1
            }
        }
        var out = ""
        for group in groups {
            let start = before[group.lowerBound]
            var oldCount = 0
            var newCount = 0
            var body = ""
            func emit(_ mark: Character, _ line: Line) {
                body += String(mark) + line.text + "\n"
                if !line.newline { body += "\\ No newline at end of file\n" }
            }
            for operation in script[group] {
                switch operation {
                case let .keep(old, _):
                    emit(" ", a[old])
                    oldCount += 1
                    newCount += 1
                case let .delete(old):
                    emit("-", a[old])
                    oldCount += 1
                case let .insert(new):
                    emit("+", b[new])
                    newCount += 1
                }
            }
            // An empty side is numbered by the line before it, as diff -u does.
            let oldStart = oldCount == 0 ? start.old : start.old + 1
            let newStart = newCount == 0 ? start.new : start.new + 1
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}
