/// A key combination such as `ctrl+alt+F1`, `super+l` or `Return`, or a pattern such as `super+*`:
/// modifiers held while one key is pressed, compared by meaning rather than by spelling.
///
/// Modifier aliases are folded (`control` is `ctrl`, `win` is `super`), key names compare without
/// case (`backspace` is `BackSpace`), and a modifier pressed on its own (`super`, `Super_L`) counts
/// as holding that modifier, so `super+*` covers a bare `super` too. Pure string logic: the keysym
/// tables stay in Desktop.
public struct KeyCombination: Sendable, Hashable, CustomStringConvertible {
    /// A modifier key, whatever it is called.
    public enum Modifier: String, Sendable, CaseIterable, Hashable, Comparable {
        case ctrl, shift, alt, `super`, meta, hyper, altgr

        /// The modifier for a name or alias, case-insensitively; nil for other keys.
        public static func named(_ name: String) -> Modifier? {
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

        /// The modifier a key such as `Control_L` or `Super_R` is, when pressed as the key itself.
        static func pressed(asKey key: String) -> Modifier? {
            if let modifier = named(key) { return modifier }
            switch key {
            case "control_l", "control_r": return .ctrl
            case "shift_l", "shift_r": return .shift
            case "alt_l", "alt_r": return .alt
            case "super_l", "super_r": return .super
            case "meta_l", "meta_r": return .meta
            case "hyper_l", "hyper_r": return .hyper
            case "iso_level3_shift": return .altgr
            default: return nil
            }
        }

        /// Modifiers sort as written in canonical combinations: ctrl, shift, alt, super, meta, hyper, altgr.
        public static func < (a: Modifier, b: Modifier) -> Bool {
            allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
        }
    }

    /// The modifiers written before the key.
    public let modifiers: Set<Modifier>
    /// The key in canonical form: lower case, aliases folded (`esc` is `escape`); `*` in a pattern.
    public let key: String

    /// The modifiers in effect: those written plus the key itself when it is a modifier.
    public var heldModifiers: Set<Modifier> {
        modifiers.union(Modifier.pressed(asKey: key).map { [$0] } ?? [])
    }

    /// True for a pattern whose key is `*` (any key).
    public var isWildcard: Bool { key == "*" }

    /// Parses `ctrl+alt+F1`, `Control+Alt+backspace`, `super+*` or `ctrl++` (the plus key).
    /// - Throws: `PolicyError.invalidKeyCombination` naming the part that is wrong.
    public init(parsing text: String) throws(PolicyError) {
        let trimmed = text.filter { !$0.isWhitespace }
        guard !trimmed.isEmpty else { throw .invalidKeyCombination(combo: text, problem: "it is empty") }
        var parts = trimmed.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        // "ctrl++" and "+" name the plus key, as Desktop's KeyCombo reads them.
        if parts.count >= 2, parts[parts.count - 1].isEmpty, parts[parts.count - 2].isEmpty {
            parts.removeLast(2)
            parts.append("plus")
        }
        guard let last = parts.last, !parts.contains(where: \.isEmpty) else {
            throw .invalidKeyCombination(combo: text, problem: "a '+' must join two names, as in ctrl+alt+F1")
        }
        var modifiers: Set<Modifier> = []
        for part in parts.dropLast() {
            guard let modifier = Modifier.named(part) else {
                throw .invalidKeyCombination(
                    combo: text, problem: "'\(part)' is not a modifier (ctrl, shift, alt, super, meta, hyper, altgr)")
            }
            modifiers.insert(modifier)
        }
        self.modifiers = modifiers
        self.key = Self.canonicalKey(last)
    }

    /// A combination from its parts; key is canonicalised as when parsing.
    public init(modifiers: Set<Modifier>, key: String) {
        self.modifiers = modifiers
        self.key = Self.canonicalKey(key)
    }

    /// True when this pattern covers combination: at least its modifiers, and its key (any for `*`).
    ///
    /// Extra modifiers do not escape a denial: `ctrl+alt+shift+F1` still switches the virtual terminal.
    public func covers(_ combination: KeyCombination) -> Bool {
        heldModifiers.isSubset(of: combination.heldModifiers) && (isWildcard || key == combination.key)
    }

    /// True when this pattern names combination explicitly.
    ///
    /// That is the same modifiers and key or, for a `*` pattern, any key with at least its modifiers.
    public func names(_ combination: KeyCombination) -> Bool {
        isWildcard ? covers(combination) : heldModifiers == combination.heldModifiers && key == combination.key
    }

    /// Canonical spelling: modifiers in a fixed order, then the key (`ctrl+alt+F1`).
    public var description: String {
        (modifiers.sorted().map(\.rawValue) + [Self.displayName(key)]).joined(separator: "+")
    }

    private static let aliases: [String: String] = [
        "enter": "return", "ret": "return", "esc": "escape", "del": "delete", "ins": "insert",
        "bs": "backspace", "pgup": "prior", "pageup": "prior", "page_up": "prior", "pgdn": "next",
        "pagedown": "next", "page_down": "next", "capslock": "caps_lock", "numlock": "num_lock",
        "printscreen": "print", "spacebar": "space", "+": "plus", "-": "minus",
    ]

    private static let displayNames: [String: String] = [
        "backspace": "BackSpace", "return": "Return", "escape": "Escape", "tab": "Tab", "delete": "Delete",
        "insert": "Insert", "prior": "Prior", "next": "Next", "home": "Home", "end": "End", "left": "Left",
        "right": "Right", "up": "Up", "down": "Down", "print": "Print", "terminate_server": "Terminate_Server",
    ]

    static func canonicalKey(_ name: String) -> String {
        let lower = name.lowercased()
        return aliases[lower] ?? lower
    }

    private static func displayName(_ key: String) -> String {
        if let name = displayNames[key] { return name }
        if key.hasPrefix("f"), let number = Int(key.dropFirst()), (1...35).contains(number) { return "F\(number)" }
        if key.hasPrefix("xf86switch_vt_") { return "XF86Switch_VT_" + key.dropFirst("xf86switch_vt_".count) }
        return key
    }
}
