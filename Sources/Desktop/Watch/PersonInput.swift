public import Imaging

/// One key or button a person pressed or released on a real (not XTEST) device, as
/// `PersonInputWatch` read it: what it was, when, and where it went.
public struct PersonInput: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case keyPress = "key_press"
        case keyRelease = "key_release"
        case buttonPress = "button_press"
        case buttonRelease = "button_release"
    }

    /// A key event translated with the keymap and modifiers in effect when it happened.
    public struct Key: Sendable, Equatable {
        /// The keysym name of the key's plain level ("a", "Return", "eacute"): what a key
        /// combination names.
        public var name: String
        /// The character the key types with the Shift, Caps Lock and AltGr state in effect; nil for
        /// keys that type none (Return, arrows, modifiers, control characters).
        public var text: String?
        /// The modifiers held when the key went down or up, the key itself not counted.
        public var modifiers: [KeyCombo.Modifier]
        /// The key is a modifier itself (Shift, Control, Alt, Super, AltGr, Caps Lock…).
        public var isModifier: Bool

        /// A key from its parts.
        public init(name: String, text: String? = nil, modifiers: [KeyCombo.Modifier] = [], isModifier: Bool = false) {
            self.name = name
            self.text = text
            self.modifiers = modifiers
            self.isModifier = isModifier
        }
    }

    /// What happened.
    public var kind: Kind
    /// When it happened (the server's timestamp, on this process's clock).
    public var time: ContinuousClock.Instant
    /// The keycode or the button number (1 left, 2 middle, 3 right, 4–7 the wheels).
    public var code: Int
    /// For key events, the key.
    public var key: Key?
    /// For button events, where the pointer was when the recorder read the event.
    public var pointer: Point?
    /// For key presses the focused top-level window; for button events the top-level window under
    /// the pointer; nil when there is none (the bare desktop) or it could not be described.
    public var window: WindowInfo?

    /// An input from its parts.
    public init(
        kind: Kind, time: ContinuousClock.Instant, code: Int, key: Key? = nil, pointer: Point? = nil,
        window: WindowInfo? = nil
    ) {
        self.kind = kind
        self.time = time
        self.code = code
        self.key = key
        self.pointer = pointer
        self.window = window
    }
}
