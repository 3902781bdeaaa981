internal import CX11
import Processes

extension X11Connection {
    /// The keymap for the active group, re-read when a MappingNotify says it changed.
    func keymap() throws(DesktopError) -> KeymapTable {
        drainEvents()
        if let table = keyboard.table { return table }
        let table = try readKeymap(reserved: Set(keyboard.bound.values))
        keyboard.table = table
        return table
    }

    /// Reads the keymap for the active group from the server, leaving queued events alone.
    func readKeymap(reserved: Set<UInt8> = []) throws(DesktopError) -> KeymapTable {
        var minCode: Int32 = 0
        var maxCode: Int32 = 0
        XDisplayKeycodes(handle, &minCode, &maxCode)
        var perKeycode: Int32 = 0
        let count = maxCode - minCode + 1
        guard let raw = XGetKeyboardMapping(handle, UInt8(minCode), count, &perKeycode) else {
            throw .protocolError(request: "GetKeyboardMapping", message: "no keyboard mapping")
        }
        defer { XFree(raw) }
        let symbols = (0..<Int(count * perKeycode)).map { UInt32(truncatingIfNeeded: raw[$0]) }
        let group = Int(cx11_active_group(handle))
        return KeymapTable(
            minKeycode: Int(minCode), perKeycode: Int(perKeycode), symbols: symbols, group: group,
            reserved: reserved, upper: Self.upperCase(of:), scalar: KeySymbols.scalar(of:))
    }

    /// The upper-case keysym of keysym (XConvertCase); keysym itself when it has no case.
    static func upperCase(of keysym: UInt32) -> UInt32 {
        var lower: KeySym = 0
        var upper: KeySym = 0
        XConvertCase(KeySym(keysym), &lower, &upper)
        return UInt32(truncatingIfNeeded: upper)
    }

    /// Reads queued events; a MappingNotify (ours or another client's) invalidates the keymap.
    /// This connection selects no events, so only MappingNotify and replies' side effects queue up.
    func drainEvents() {
        var event = XEvent()
        while XPending(handle) > 0 {
            XNextEvent(handle, &event)
            if event.type == MappingNotify {
                XRefreshKeyboardMapping(&event.xmapping)
                keyboard.table = nil
            }
        }
    }

    /// Makes every keysym in needed typeable, binding spare keycodes in one batch.
    func bindSpareKeycodes(for needed: [UInt32]) throws(DesktopError) {
        let table = try keymap()
        let missing = needed.filter { keyboard.bound[$0] == nil }
        guard !missing.isEmpty else { return }
        let keep = Set(needed)
        var free = table.spareKeycodes.filter { code in !keyboard.bound.values.contains(code) }
        // Evict the least recently used bindings that this batch does not need.
        let evictable = keyboard.bound.filter { !keep.contains($0.key) }
            .sorted { (keyboard.lastUse[$0.value] ?? .now) < (keyboard.lastUse[$1.value] ?? .now) }
        var evicted: [UInt8] = []
        for (keysym, code) in evictable where free.count < missing.count {
            keyboard.bound[keysym] = nil
            free.append(code)
            evicted.append(code)
        }
        guard free.count >= missing.count else {
            throw .unknownKey(
                combo: missing.map { KeySymbols.name(of: $0) }.joined(separator: " "),
                reason: "the keymap has only \(table.spareKeycodes.count) spare keycodes to bind characters it lacks")
        }
        waitForGrace(of: evicted)
        var assignments: [(UInt8, UInt32)] = []
        for (index, keysym) in missing.enumerated() {
            assignments.append((free[index], keysym))
            keyboard.bound[keysym] = free[index]
        }
        ledger.update(boundKeycodes: Array(keyboard.bound.values))
        try changeMapping(assignments)
    }

    /// Gives every bound spare keycode back its empty mapping.
    func restoreKeyboard() {
        guard !keyboard.bound.isEmpty, !isLost else { return }
        let codes = Array(keyboard.bound.values)
        waitForGrace(of: codes)
        keyboard.bound = [:]
        keyboard.lastUse = [:]
        try? changeMapping(codes.map { ($0, 0) })
        ledger.update(boundKeycodes: [])
    }

    /// Sleeps until every keycode in codes was last pressed at least `rebindGrace` ago.
    private func waitForGrace(of codes: [UInt8]) {
        let latest = codes.compactMap { keyboard.lastUse[$0] }.max()
        guard let latest else { return }
        blockingSleep(latest + KeyboardState.rebindGrace - .now)
    }

    /// Writes keysyms (0 = none) onto keycodes in one request, hence one MappingNotify for everyone.
    private func changeMapping(_ assignments: [(UInt8, UInt32)]) throws(DesktopError) {
        guard !assignments.isEmpty else { return }
        var codes = assignments.map { $0.0 }
        var keysyms = assignments.map { UInt($0.1) }
        let rc = try trapped("XkbSetMap") { cx11_set_key_symbols(handle, &codes, &keysyms, Int32(codes.count)) }
        keyboard.table = nil
        if rc != 0 { throw .protocolError(request: "XkbSetMap", message: "the server did not accept the key bindings") }
    }

    /// Sends one key event for keycode (no sync: the caller syncs once per action); nothing once interrupted.
    func fakeKey(_ code: UInt8, down: Bool) {
        guard !ledger.isStopped else { return }
        XTestFakeKeyEvent(handle, UInt32(code), down ? 1 : 0, 0)
        if keyboard.bound.values.contains(code) { keyboard.lastUse[code] = .now }
        if down {
            keyboard.heldKeys.append(code)
        } else if let index = keyboard.heldKeys.lastIndex(of: code) {
            keyboard.heldKeys.remove(at: index)
        }
        ledger.update(keys: keyboard.heldKeys, buttons: keyboard.heldButtons)
    }

    /// Sends one button event (no sync); nothing once interrupted.
    func fakeButton(_ button: UInt32, down: Bool) {
        guard !ledger.isStopped else { return }
        XTestFakeButtonEvent(handle, button, down ? 1 : 0, 0)
        if down {
            keyboard.heldButtons.append(button)
        } else if let index = keyboard.heldButtons.lastIndex(of: button) {
            keyboard.heldButtons.remove(at: index)
        }
        ledger.update(keys: keyboard.heldKeys, buttons: keyboard.heldButtons)
    }

    /// Releases what is still held, newest first, so no key or button stays stuck after foredesk stops.
    func releaseHeldInput() {
        guard !isLost else { return }
        for code in keyboard.heldKeys.reversed() { XTestFakeKeyEvent(handle, UInt32(code), 0, 0) }
        for button in keyboard.heldButtons.reversed() { XTestFakeButtonEvent(handle, button, 0, 0) }
        keyboard.heldKeys = []
        keyboard.heldButtons = []
        ledger.update(keys: [], buttons: [])
        XSync(handle, 0)
    }
}
