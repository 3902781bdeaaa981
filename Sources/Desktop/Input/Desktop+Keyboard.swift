internal import CX11

extension Desktop {
    /// Presses and releases a key combination such as `ctrl+shift+t`, `Return` or `super+l`.
    public func key(_ combo: KeyCombo) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            let codes = try connection.keycodes(for: combo)
            try connection.trapped("XTestFakeKeyEvent") {
                for code in codes { connection.fakeKey(code, down: true) }
                for code in codes.reversed() { connection.fakeKey(code, down: false) }
            }
        }
    }

    /// Parses and presses a combination; see `KeyCombo(parsing:)`.
    public func key(_ combo: String) throws(DesktopError) {
        try key(KeyCombo(parsing: combo))
    }

    /// Presses a combination and holds it until `keyUp(_:)` (or until the desktop is released).
    public func keyDown(_ combo: KeyCombo) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            let codes = try connection.keycodes(for: combo)
            try connection.trapped("XTestFakeKeyEvent") { for code in codes { connection.fakeKey(code, down: true) } }
        }
    }

    /// Releases a combination pressed with `keyDown(_:)`, in reverse order.
    public func keyUp(_ combo: KeyCombo) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            let codes = try connection.keycodes(for: combo)
            try connection.trapped("XTestFakeKeyEvent") {
                for code in codes.reversed() { connection.fakeKey(code, down: false) }
            }
        }
    }

    /// Types text as key presses into the focused window, whatever the keyboard layout.
    ///
    /// Characters the layout has are typed with their keys (Shift added as needed); the others are
    /// typed by binding spare keycodes to them, all at once, and giving the keycodes back later.
    /// `\n` types Return and `\t` Tab; other control characters are refused before anything is typed.
    public func type(_ text: String) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in try connection.type(text) }
    }
}

extension X11Connection {
    /// Keycodes to press in order for combo: modifiers (plus Shift if the key needs it), then the key.
    func keycodes(for combo: KeyCombo) throws(DesktopError) -> [UInt8] {
        var table = try keymap()
        var codes: [UInt8] = []
        for modifier in combo.modifiers {
            guard let stroke = table.stroke(for: modifier.keysym) else {
                throw .unknownKey(combo: combo.text, reason: "the keyboard has no \(modifier.rawValue) key")
            }
            codes.append(stroke.keycode)
        }
        var stroke = table.stroke(for: combo.keysym)
        if stroke == nil, let scalar = KeySymbols.scalar(of: combo.keysym) { stroke = table.stroke(typing: scalar) }
        if stroke == nil {
            try bindSpareKeycodes(for: [combo.keysym])
            table = try keymap()
            if let code = keyboard.bound[combo.keysym] { stroke = KeyStroke(keycode: code, shift: false) }
        }
        guard let stroke else {
            throw .unknownKey(combo: combo.text, reason: "no key produces \(KeySymbols.name(of: combo.keysym))")
        }
        if stroke.shift && !combo.modifiers.contains(.shift) && !combo.modifiers.contains(.meta),
            let shift = table.stroke(for: KeySymbols.shiftLeft)
        {
            codes.append(shift.keycode)
        }
        codes.append(stroke.keycode)
        return codes
    }

    func type(_ text: String) throws(DesktopError) {
        // Resolve every character first so a bad one refuses the whole text before anything is typed.
        var characters: [(keysym: UInt32, scalar: Unicode.Scalar?)] = []
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\n" where previous == "\r": continue
            case "\n", "\r": characters.append((KeySymbols.returnKey, nil))
            case "\t": characters.append((KeySymbols.tab, nil))
            default:
                guard scalar.value >= 0x20, scalar.value != 0x7F, !(0x80..<0xA0).contains(scalar.value) else {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    throw .unknownKey(combo: "U+\(hex)", reason: "control characters cannot be typed; use `key` for keys")
                }
                characters.append((0, scalar))
            }
        }
        try typeResolved(characters)
    }

    /// Types characters in rounds: bind spare keycodes for as many of the missing characters as
    /// fit, then type everything that is typeable, and repeat. Binding before the first key press
    /// matters: a client that translates its first key initialises XKB, and a mapping change racing
    /// with that initialisation can be missed.
    private func typeResolved(_ characters: [(keysym: UInt32, scalar: Unicode.Scalar?)]) throws(DesktopError) {
        var position = 0
        while position < characters.count {
            var table = try keymap()
            let capacity = table.spareKeycodes.count + keyboard.bound.count
            var needed: [UInt32] = []
            for character in characters[position...] where resolve(character, in: table) == nil {
                let keysym = bindingKeysym(character)
                if !needed.contains(keysym) { needed.append(keysym) }
                if needed.count == capacity { break }
            }
            if !needed.isEmpty {
                try bindSpareKeycodes(for: needed)
                table = try keymap()
            }
            let shift = table.stroke(for: KeySymbols.shiftLeft)?.keycode
            var strokes: [KeyStroke] = []
            for character in characters[position...] {
                guard let stroke = resolve(character, in: table) else { break }
                strokes.append(stroke)
            }
            guard !strokes.isEmpty else {
                throw .unknownKey(combo: characters[position].scalar.map { String($0) } ?? "", reason: "no key could be bound for it")
            }
            try trapped("XTestFakeKeyEvent") { () throws(DesktopError) in
                var shiftDown = false
                for stroke in strokes {
                    if stroke.shift != shiftDown, let shift {
                        fakeKey(shift, down: stroke.shift)
                        shiftDown = stroke.shift
                    }
                    fakeKey(stroke.keycode, down: true)
                    fakeKey(stroke.keycode, down: false)
                }
                if shiftDown, let shift { fakeKey(shift, down: false) }
            }
            position += strokes.count
        }
    }

    private func bindingKeysym(_ character: (keysym: UInt32, scalar: Unicode.Scalar?)) -> UInt32 {
        if let scalar = character.scalar { return KeySymbols.unicodeKeysym(for: scalar) }
        return character.keysym
    }

    private func resolve(_ character: (keysym: UInt32, scalar: Unicode.Scalar?), in table: KeymapTable) -> KeyStroke? {
        if let scalar = character.scalar {
            if let stroke = table.stroke(typing: scalar) { return stroke }
        } else if let stroke = table.stroke(for: character.keysym) {
            return stroke
        }
        if let code = keyboard.bound[bindingKeysym(character)] { return KeyStroke(keycode: code, shift: false) }
        return nil
    }
}

extension Desktop {
    /// The raw keyboard mapping (every keysym of every keycode), to check that bindings are given back.
    func keymapSymbols() throws(DesktopError) -> [UInt32] {
        try withConnection { (connection) throws(DesktopError) -> [UInt32] in try connection.keymap().symbols }
    }
}
