@testable import Desktop
import Testing

@Suite struct KeymapTableTests {
    /// A recorded fragment of a us,ru two-group keymap: keycode 38 (a / Cyrillic ef), 10 (1 / !),
    /// 24 (q / Cyrillic short i), an empty keycode 93 and keycode 50 (Shift_L, one group only).
    static func table(group: Int) -> KeymapTable {
        var symbols = [UInt32](repeating: 0, count: (94 - 8) * 4)
        func set(_ code: Int, _ syms: [UInt32]) { for (i, s) in syms.enumerated() { symbols[(code - 8) * 4 + i] = s } }
        set(38, [0x61, 0x41, 0x6C6, 0x6E6])
        set(10, [0x31, 0x21, 0x31, 0x21])
        set(24, [0x71, 0, 0x6CA, 0x6EA])
        set(50, [0xFFE1, 0, 0, 0])
        return KeymapTable(
            minKeycode: 8, perKeycode: 4, symbols: symbols, group: group,
            upper: { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, scalar: KeySymbols.scalar(of:))
    }

    @Test func findsKeysOnTheActiveGroupWithShiftLevels() {
        let us = Self.table(group: 0)
        #expect(us.stroke(typing: "a") == KeyStroke(keycode: 38, shift: false))
        #expect(us.stroke(typing: "A") == KeyStroke(keycode: 38, shift: true))
        #expect(us.stroke(typing: "Q") == KeyStroke(keycode: 24, shift: true), "an empty level 2 means the upper case")
        #expect(us.stroke(typing: "!") == KeyStroke(keycode: 10, shift: true))
        #expect(us.stroke(typing: "ф") == nil)
        let ru = Self.table(group: 1)
        #expect(ru.stroke(typing: "ф") == KeyStroke(keycode: 38, shift: false))
        #expect(ru.stroke(typing: "Ф") == KeyStroke(keycode: 38, shift: true))
        #expect(ru.stroke(typing: "a") == nil)
        #expect(ru.stroke(for: 0xFFE1) == KeyStroke(keycode: 50, shift: false), "a one-group key wraps to group 1")
    }

    @Test func spareKeycodesAreTheEmptyOnes() {
        let spares = Self.table(group: 0).spareKeycodes
        #expect(spares.contains(93))
        #expect(!spares.contains(38) && !spares.contains(50) && !spares.contains(24))
    }

    @Test func keyCombinationsParse() throws {
        let combo = try KeyCombo(parsing: "ctrl+shift+t")
        #expect(combo.modifiers == [.ctrl, .shift] && combo.keysym == 0x74)
        #expect(try KeyCombo(parsing: "Return").keysym == 0xFF0D)
        #expect(try KeyCombo(parsing: "enter").keysym == 0xFF0D)
        #expect(try KeyCombo(parsing: "f5").keysym == 0xFFC2)
        #expect(try KeyCombo(parsing: "super+l").modifiers == [.super])
        #expect(try KeyCombo(parsing: "win+L").modifiers == [.super])
        #expect(try KeyCombo(parsing: "ctrl++").keysym == 0x2B)
        #expect(try KeyCombo(parsing: "€").keysym == 0x20AC, "the legacy EuroSign keysym")
        #expect(try KeyCombo(parsing: "ctrl+alt+Delete").modifiers == [.ctrl, .alt])
        #expect(try KeyCombo(parsing: "shift").keysym == 0xFFE1, "a lone modifier is a key")
        #expect(throws: DesktopError.self) { try KeyCombo(parsing: "") }
        #expect(throws: DesktopError.self) { try KeyCombo(parsing: "ctrl+") }
        #expect(throws: DesktopError.self) { try KeyCombo(parsing: "ctrl+nosuchkey") }
    }
}
