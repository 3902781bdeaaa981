import Session
import TestSupport
import Testing

/// The workspace diff's line diff: unified hunks as `diff -u` prints them, and hunks that, applied
/// to the old text, give the new one.
@Suite struct LineDiffTests {
    @Test func equalTextsGiveNoHunks() {
        #expect(LineDiff.hunks(from: "a\nb\n", to: "a\nb\n") == "")
        #expect(LineDiff.hunks(from: "", to: "") == "")
    }

    @Test func oneChangedLineHasThreeLinesOfContextOnEachSide() {
        let old = (1...10).map { "line \($0)\n" }.joined()
        let new = old.replacing("line 5\n", with: "line five\n")
        #expect(
            LineDiff.hunks(from: old, to: new) == """
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +line five
                 line 6
                 line 7
                 line 8

                """)
    }

    @Test func changesFarApartMakeTwoHunksAndCloseOnesOne() {
        let old = (1...20).map { "\($0)\n" }.joined()
        let far = old.replacing("2\n3\n", with: "2\nthree\n").replacing("\n18\n", with: "\neighteen\n")
        let farHunks = LineDiff.hunks(from: old, to: far)
        #expect(farHunks.split(separator: "\n").filter { $0.hasPrefix("@@ ") }.count == 2, "\(farHunks)")
        #expect(farHunks.hasPrefix("@@ -1,6 +1,6 @@\n"))
        #expect(farHunks.contains("@@ -15,6 +15,6 @@\n"))
        let close = old.replacing("\n5\n", with: "\nfive\n").replacing("\n10\n", with: "\nten\n")
        let closeHunks = LineDiff.hunks(from: old, to: close)
        #expect(closeHunks.split(separator: "\n").filter { $0.hasPrefix("@@ ") }.count == 1, "\(closeHunks)")
        #expect(closeHunks.hasPrefix("@@ -2,12 +2,12 @@\n"))
    }

    @Test func addedAndRemovedFilesAreNumberedAsDiffDoes() {
        #expect(LineDiff.hunks(from: "", to: "one\ntwo\n") == "@@ -0,0 +1,2 @@\n+one\n+two\n")
        #expect(LineDiff.hunks(from: "gone\n", to: "") == "@@ -1 +0,0 @@\n-gone\n")
        #expect(LineDiff.hunks(from: "a\n", to: "a\nb\n") == "@@ -1 +1,2 @@\n a\n+b\n")
    }

    @Test func aMissingFinalNewlineIsMarked() {
        #expect(
            LineDiff.hunks(from: "a\nb", to: "a\nb\n")
                == "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
    }

    @Test func aShortestScriptIsFound() {
        // Myers finds 2 edits here (delete c, insert c after b... a b c a b b a → c b a b a c).
        let hunks = LineDiff.hunks(from: "a\nb\nc\na\nb\nb\na\n", to: "c\nb\na\nb\na\nc\n")
        let edits = hunks.split(separator: "\n").filter { $0.hasPrefix("+") || $0.hasPrefix("-") }
        #expect(edits.count == 5, "\(hunks)")
    }

    @Test(arguments: 0..<40)
    func hunksAppliedToTheOldTextGiveTheNewText(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &* 7919 &+ 1)
        let words = ["alpha", "beta", "gamma", "delta", ""]
        var old: [String] = (0..<Int(random.next() % 60)).map { _ in words[Int(random.next() % 5)] }
        var new = old
        for _ in 0..<Int(random.next() % 8) {
            let position = new.isEmpty ? 0 : Int(random.next() % UInt64(new.count + 1))
            switch random.next() % 3 {
            case 0: new.insert(words[Int(random.next() % 5)] + "!", at: position)
            case 1: if position < new.count { new.remove(at: position) }
            default: if position < new.count { new[position] += "?" }
            }
        }
        if seed % 5 == 0 { old = [] }
        let oldText = old.map { $0 + "\n" }.joined()
        let newText = new.map { $0 + "\n" }.joined()
        let patched = try apply(LineDiff.hunks(from: oldText, to: newText), to: old)
        #expect(patched == new, "seed \(seed)")
    }

    /// A minimal `patch`: checks every context and removed line against old.
    func apply(_ hunks: String, to old: [String]) throws -> [String] {
        var result: [String] = []
        var position = 0
        for line in hunks.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("@@ -") {
                let range = line.dropFirst(4).prefix { $0 != " " }
                let parts = range.split(separator: ",")
                let start = Int(parts[0]) ?? 0
                let count = parts.count > 1 ? Int(parts[1]) ?? 0 : 1
                let first = count == 0 ? start : start - 1
                result += old[position..<first]
                position = first
                continue
            }
            let text = String(line.dropFirst())
            switch line.first {
            case " ":
                try #require(old[position] == text)
                result.append(text)
                position += 1
            case "-":
                try #require(old[position] == text)
                position += 1
            case "+": result.append(text)
            default: Issue.record("unexpected line '\(line)'")
            }
        }
        return result + old[position...]
    }
}
