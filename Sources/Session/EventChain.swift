import Crypto

/// The hash chain of `events.jsonl`: every event's `prev` is the SHA-256 of the line before it.
///
/// The hash covers the line's exact bytes without its newline, as lowercase hex. The first event's `prev` is
/// `genesis`, 64 zeros, so removing the first line breaks the chain as surely as removing any other.
public enum EventChain {
    /// The `prev` of the first event of a log: 64 zeros.
    public static let genesis = String(repeating: "0", count: 64)

    /// The SHA-256 of bytes as 64 lowercase hex digits.
    public static func hash(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        // One contiguous buffer: a line or a PNG is hashed in one update, with no copy when it is already an array.
        let hashed: Void? = bytes.withContiguousStorageIfAvailable {
            hasher.update(bufferPointer: UnsafeRawBufferPointer($0))
        }
        if hashed == nil { Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of a line of text's UTF-8 bytes.
    public static func hash(line: String) -> String {
        var text = line
        return text.withUTF8 { hash($0) }
    }

    /// True when text is hex digits only (either case): the form of a hash or of a prefix of one.
    public static func isHex(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0 | 0x20) }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
