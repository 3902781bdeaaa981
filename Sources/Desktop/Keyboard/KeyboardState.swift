/// Keyboard and pointer state one connection keeps between calls.
struct KeyboardState {
    /// The keymap as last read; nil after any mapping change, so the next use re-reads it.
    var table: KeymapTable?
    /// Spare keycodes foredesk has bound, by the keysym they carry.
    var bound: [UInt32: UInt8] = [:]
    /// When each bound keycode was last pressed: a client may still be translating that press.
    var lastUse: [UInt8: ContinuousClock.Instant] = [:]
    /// Keys and buttons pressed through foredesk and not yet released, oldest first.
    var heldKeys: [UInt8] = []
    var heldButtons: [UInt32] = []

    /// How long a rebound keycode stays untouched after its last press. A client translates a key
    /// press with the mapping it fetches after MappingNotify; changing the mapping before it has
    /// done so would turn the press into another character (the race that makes xdotool sleep).
    static let rebindGrace: Duration = .milliseconds(100)
}
