/// The closest of a few known names to a misspelt one, for "did you mean" hints in policy and
/// scenario errors.
public enum Suggestion {
    /// The candidate nearest to word, or nil when none is close enough to be a likely typo.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let folded = fold(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(folded, fold(candidate))
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        // Up to a third of the word may be wrong ("netwrok", "on_request", "maxActions").
        return best.distance <= max(1, folded.count / 3) ? best.candidate : nil
    }

    /// Lower case without separators, so `on_request`, `On-Request` and `onrequest` compare equal.
    private static func fold(_ word: String) -> [Character] {
        Array(word.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
    }

    /// Levenshtein distance, with a transposition counting once (Damerau, optimal string alignment).
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
