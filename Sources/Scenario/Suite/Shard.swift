/// A deterministic share of a suite, `--shard I/N`: the I-th of N shards.
///
/// The suite is sorted by each scenario's path relative to its argument (byte by byte), and the
/// scenario at position p (from 0) goes to shard `p mod N + 1`. Every scenario is in exactly one
/// shard, the shards differ in size by at most one, and the split does not depend on where the
/// suite is checked out or in which order the file system lists it.
public struct Shard: Sendable, Equatable {
    /// Which shard, from 1.
    public var index: Int
    /// How many shards.
    public var count: Int

    /// A shard; index must lie in 1...count.
    /// - Throws: `SuiteError` when count < 1 or index is outside 1...count.
    public init(index: Int, count: Int) throws(SuiteError) {
        guard count >= 1 else { throw SuiteError("--shard \(index)/\(count): N must be at least 1") }
        guard (1...count).contains(index) else {
            throw SuiteError("--shard \(index)/\(count): I must lie in 1...\(count) (shards are numbered from 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (`2/4`).
    /// - Throws: `SuiteError` naming what was found and the expected form.
    public init(parsing text: String) throws(SuiteError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw SuiteError("--shard: found '\(text)', expected I/N with whole numbers, such as 1/4")
        }
        try self.init(index: index, count: count)
    }

    /// The entries of this shard, in the suite's order; entries may come in any order.
    public func select(_ entries: [SuiteEntry]) -> [SuiteEntry] {
        entries.sorted(by: SuiteEntry.precedes).enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}
