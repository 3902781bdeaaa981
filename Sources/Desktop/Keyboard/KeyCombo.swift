/// A key combination such as `ctrl+shift+t`, `Return`, `F5` or `super+l`: modifiers held while one key
/// is pressed.
public struct KeyCombo: Sendable, Hashable, CustomStringConvertible {
    /// A modifier key, pressed with its left-hand keysym.
    public enum Modifier: String, Sendable, CaseIterable, Hashable {
        case ctrl, shift, alt, `super`, meta, hyper, altgr

        var keysym: UInt32 {
            switch self {
            case .ctrl: 0xFFE3  // Control_L
            case .shift: 0xFFE1  // Shift_L
            case .alt: 0xFFE9  // Alt_L
            case .super: 0xFFEB  // Super_L
            case .meta: 0xFFE7  // Meta_L
            case .hyper: 0xFFED  // Hyper_L
            case .altgr: 0xFE03  // ISO_Level3_Shift
            }
        }

        static func named(_ name: String) -> Modifier? {
            switch name.lowercased() {
            case "ctrl", "control": .ctrl
            case "shift": .shift
            case "alt": .alt
            case "super", "win", "windows", "cmd", "logo", "mod4": .super
            case "meta": .meta
            case "hyper": .hyper
            case "altgr", "mode_switch", "level3": .altgr
            default: nil
            }
        }
    }

    /// Modifiers in the order they are pressed.
    public let modifiers: [Modifier]
    /// The key pressed last.
    public let keysym: UInt32
    /// The text as the user wrote it.
    public let text: String

    /// Parses `ctrl+shift+t`; names are keysym names (case-insensitive) plus a few aliases
    /// (`enter`, `esc`, `del`, `pgup`, `pgdn`, `win`…).
    /// - Throws: `DesktopError.unknownKey` naming the part that is not a key.
    public init(parsing text: String) throws(DesktopError) {
        guard !text.isEmpty else { throw .unknownKey(combo: text, reason: "empty key combination") }
        var parts = text.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        // "ctrl++" and "+" mean the plus key.
        if parts.count >= 2, parts[parts.count - 1].isEmpty, parts[parts.count - 2].isEmpty {
            parts.removeLast(2)
            parts.append("plus")
        }
        guard let last = parts.last, !last.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw .unknownKey(combo: text, reason: "a '+' must join two key names, as in ctrl+shift+t")
        }
        var modifiers: [Modifier] = []
        for part in parts.dropLast() {
            guard let modifier = Modifier.named(part) else {
                throw .unknownKey(
                    combo: text,
                    reason: "'\(part)' is not a modifier (use ctrl, shift, alt, super, meta, hyper or altgr before the key)")
            }
            if !modifiers.contains(modifier) { modifiers.append(modifier) }
        }
        if let modifier = Modifier.named(last) {
            self.keysym = modifier.keysym
        } else if let keysym = Self.keysym(named: last) {
            self.keysym = keysym
        } else {
            throw .unknownKey(combo: text, reason: "'\(last)' is not a key name (examples: Return, F5, a, Escape, Left, space)")
        }
        self.modifiers = modifiers
        self.text = text
    }

    public var description: String { text }

    private static let aliases: [String: String] = [
        "enter": "Return", "ret": "Return", "esc": "Escape", "del": "Delete", "ins": "Insert",
        "bs": "BackSpace", "backspace": "BackSpace", "pgup": "Prior", "pageup": "Prior", "pgdn": "Next",
        "pagedown": "Next", "capslock": "Caps_Lock", "numlock": "Num_Lock", "printscreen": "Print",
        "space": "space", "spacebar": "space", "plus": "plus", "minus": "minus",
    ]

    private static func keysym(named name: String) -> UInt32? {
        if let alias = aliases[name.lowercased()] { return KeySymbols.named(alias) }
        // A single character names itself: "t", "é", "€".
        if name.unicodeScalars.count == 1, let scalar = name.unicodeScalars.first, scalar.value >= 0x20 {
            return KeySymbols.keysym(for: scalar)
        }
        return KeySymbols.named(name)
    }
}
