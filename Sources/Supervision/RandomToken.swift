/// Unguessable tokens for pairing, session cookies and CSRF: 256 bits from the system's generator, as hex.
enum RandomToken {
    /// 64 hex digits (256 bits) from `SystemRandomNumberGenerator` (getrandom).
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }

    /// Equal without telling by timing how much of a guess was right.
    static func same(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
