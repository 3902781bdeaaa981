internal import CX11

/// Keysym names and their Unicode meaning, through libxkbcommon's tables (which know every legacy
/// keysym, e.g. `EuroSign` is €, and the 0x01000000 + code point Unicode keysyms).
enum KeySymbols {
    /// The keysym for a name: exact first ("Return", "a", "F5"), then case-insensitively ("return").
    static func named(_ name: String) -> UInt32? {
        let exact = xkb_keysym_from_name(name, XKB_KEYSYM_NO_FLAGS)
        if exact != 0 { return exact }
        let loose = xkb_keysym_from_name(name, XKB_KEYSYM_CASE_INSENSITIVE)
        return loose != 0 ? loose : nil
    }

    /// The keysym's name ("Return", "adiaeresis", "U20AC").
    static func name(of keysym: UInt32) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = xkb_keysym_get_name(keysym, &buffer, buffer.count)
        guard n > 0 else { return String(keysym, radix: 16) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The character a keysym types, nil for function keys and modifiers.
    static func scalar(of keysym: UInt32) -> Unicode.Scalar? {
        let value = xkb_keysym_to_utf32(keysym)
        guard value >= 0x20, value != 0x7F else { return nil }
        return Unicode.Scalar(value)
    }

    /// The keysym a keyboard would carry for a character: the legacy one where there is one
    /// (€ is `EuroSign`), else the Unicode form.
    static func keysym(for scalar: Unicode.Scalar) -> UInt32 {
        let keysym = xkb_utf32_to_keysym(scalar.value)
        return keysym != 0 ? keysym : unicodeKeysym(for: scalar)
    }

    /// The keysym to bind for a character missing from the keymap: the Unicode keysym form,
    /// which every client maps back to the same character; Latin-1 keeps its historic keysym.
    static func unicodeKeysym(for scalar: Unicode.Scalar) -> UInt32 {
        let value = scalar.value
        if (0x20...0x7E).contains(value) || (0xA0...0xFF).contains(value) { return value }
        return 0x0100_0000 | value
    }

    static let returnKey: UInt32 = 0xFF0D
    static let tab: UInt32 = 0xFF09
    static let shiftLeft: UInt32 = 0xFFE1
}
