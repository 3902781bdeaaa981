/// One BGRA pixel read as a 32-bit word: blue in the low byte, alpha in the high byte.
///
/// Reading whole words lets the hot loops test a pixel with one load and one compare instead of
/// four bounds-checked byte reads.
enum PixelWord {
    /// The red, green and blue bits; comparisons ignore alpha because captures and decoded RGB
    /// PNGs both carry 255 there, while an RGBA golden may not.
    static let rgbMask: UInt32 = 0x00FF_FFFF

    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ byteOffset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: byteOffset, as: UInt32.self))
    }

    /// The largest difference over red, green and blue, as `Color.distance(to:)` defines it.
    @inline(__always)
    static func distance(_ p: UInt32, _ q: UInt32) -> Int {
        let blue = abs(Int(p & 0xFF) - Int(q & 0xFF))
        let green = abs(Int((p >> 8) & 0xFF) - Int((q >> 8) & 0xFF))
        let red = abs(Int((p >> 16) & 0xFF) - Int((q >> 16) & 0xFF))
        return max(blue, green, red)
    }
}
