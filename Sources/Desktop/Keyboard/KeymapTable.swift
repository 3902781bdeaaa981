/// Where a keysym sits on the keyboard: a keycode, with or without Shift.
struct KeyStroke: Hashable, Sendable {
    var keycode: UInt8
    var shift: Bool
}

/// The server's keyboard mapping for the active group, read once and queried without round trips.
///
/// Built from the core mapping (`XGetKeyboardMapping`): XKB lays each keycode's row out as
/// G1L1 G1L2 G2L1 G2L2 G1L3…, so the active group g's two levels sit at 2g and 2g+1.
struct KeymapTable: Sendable {
    let minKeycode: Int
    let perKeycode: Int
    /// Row-major keysyms, `perKeycode` per keycode from minKeycode.
    let symbols: [UInt32]
    let group: Int
    let reserved: Set<UInt8>
    private var byKeysym: [UInt32: KeyStroke] = [:]
    private var byScalar: [Unicode.Scalar: KeyStroke] = [:]

    /// A table from a raw core mapping; upper(k) gives the upper-case keysym of k (XConvertCase),
    /// because the core protocol leaves level 2 empty for letters and lets clients derive it.
    /// reserved keycodes (bound by foredesk itself) are neither looked up nor offered as spares.
    init(minKeycode: Int, perKeycode: Int, symbols: [UInt32], group: Int, reserved: Set<UInt8> = [],
         upper: (UInt32) -> UInt32, scalar: (UInt32) -> Unicode.Scalar?)
    {
        self.reserved = reserved
        self.minKeycode = minKeycode
        self.perKeycode = perKeycode
        self.symbols = symbols
        self.group = group
        let count = perKeycode > 0 ? symbols.count / perKeycode : 0
        // Prefer unshifted strokes and low keycodes: walk level 0 of every key, then level 1.
        for level in 0..<2 {
            for row in 0..<count {
                let (plain, shifted) = Self.levels(symbols, row: row, perKeycode: perKeycode, group: group, upper: upper)
                let keysym = level == 0 ? plain : shifted
                guard keysym != 0, minKeycode + row <= 255, !reserved.contains(UInt8(minKeycode + row)) else { continue }
                let stroke = KeyStroke(keycode: UInt8(minKeycode + row), shift: level == 1)
                if byKeysym[keysym] == nil { byKeysym[keysym] = stroke }
                if let character = scalar(keysym), byScalar[character] == nil { byScalar[character] = stroke }
            }
        }
    }

    private static func levels(_ symbols: [UInt32], row: Int, perKeycode: Int, group: Int, upper: (UInt32) -> UInt32)
        -> (UInt32, UInt32)
    {
        func at(_ index: Int) -> UInt32 { index < perKeycode ? symbols[row * perKeycode + index] : 0 }
        var g = group
        // A key with fewer groups wraps to group 1 (XKB's default group wrapping).
        if at(2 * g) == 0 && at(2 * g + 1) == 0 { g = 0 }
        let plain = at(2 * g)
        var shifted = at(2 * g + 1)
        if shifted == 0 && plain != 0 {
            let up = upper(plain)
            shifted = up != plain ? up : plain
        }
        return (plain, shifted)
    }

    /// The keysym keycode produces in the active group: its plain level, with shift its second
    /// level (the upper case of a letter when the layout leaves that empty), with level3 (AltGr)
    /// its third or fourth; 0 when the keycode carries nothing there.
    func keysym(of keycode: UInt8, shift: Bool, level3: Bool = false, upper: (UInt32) -> UInt32) -> UInt32 {
        let row = Int(keycode) - minKeycode
        guard perKeycode > 0, row >= 0, (row + 1) * perKeycode <= symbols.count else { return 0 }
        if level3, group == 0 {
            // The core mapping puts group 1's levels 3 and 4 after both groups' first two (G1L1 G1L2 G2L1 G2L2 G1L3 G1L4).
            let index = shift ? 5 : 4
            if index < perKeycode, symbols[row * perKeycode + index] != 0 { return symbols[row * perKeycode + index] }
        }
        let (plain, shifted) = Self.levels(symbols, row: row, perKeycode: perKeycode, group: group, upper: upper)
        return shift ? shifted : plain
    }

    /// The stroke that produces keysym in the active group, unshifted preferred.
    func stroke(for keysym: UInt32) -> KeyStroke? { byKeysym[keysym] }

    /// The stroke that types character, whatever keysym the layout uses for it (e.g. `EuroSign` for €).
    func stroke(typing character: Unicode.Scalar) -> KeyStroke? { byScalar[character] }

    /// Keycodes with no keysym in any group or level: free to bind temporarily.
    var spareKeycodes: [UInt8] {
        guard perKeycode > 0 else { return [] }
        var spares: [UInt8] = []
        for row in 0..<(symbols.count / perKeycode) where minKeycode + row <= 255 && !reserved.contains(UInt8(minKeycode + row)) {
            if symbols[(row * perKeycode)..<((row + 1) * perKeycode)].allSatisfy({ $0 == 0 }) {
                spares.append(UInt8(minKeycode + row))
            }
        }
        return spares
    }
}
