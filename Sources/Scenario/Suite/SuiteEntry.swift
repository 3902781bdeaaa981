/// One scenario file of a suite: where it is and the key that orders and shards it.
public struct SuiteEntry: Sendable, Equatable, Hashable {
    /// The file's path as found (the argument joined with the path below it).
    public var path: String
    /// The path relative to the argument it was found under (`selftest/pointer.yaml`); a file given
    /// directly is keyed by its name. The same on every machine, whatever the checkout's place.
    public var key: String

    /// An entry from its parts.
    public init(path: String, key: String) {
        self.path = path
        self.key = key
    }

    /// Orders by key byte by byte (UTF-8, as `LC_ALL=C sort` does), then by path: the suite's one order.
    public static func precedes(_ left: SuiteEntry, _ right: SuiteEntry) -> Bool {
        if left.key != right.key { return left.key.utf8.lexicographicallyPrecedes(right.key.utf8) }
        return left.path.utf8.lexicographicallyPrecedes(right.path.utf8)
    }
}
