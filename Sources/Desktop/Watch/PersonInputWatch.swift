internal import CX11
import Foundation
import Imaging
import Processes
import Synchronization

/// Reads what a person does at the real keyboard and mouse, event by event, for `foredesk record`:
/// XInput2 raw key and button events from every device that is not an XTEST device, on a connection
/// of its own. XTest clients, foredesk included, inject through the XTEST devices, so injected
/// input is never read here.
///
/// Raw events carry no position or window: the pointer and the window under it are read when a
/// button event is read, the focused window when a key press is. Keys are translated with the
/// keymap as it was when they were pressed: events are handled in order, and a mapping change (a
/// spare keycode rebound to a character, as foredesk's own typing does) is read before the keys
/// that follow it.
public final class PersonInputWatch: Sendable {
    private let reader: Reader

    /// The reader thread's side: it holds the connection, so the watch can go while the thread ends.
    private final class Reader: Sendable {
        let state: Mutex<State>
        /// What the thread has read and `next` has not returned yet, or why it stopped.
        let queue = Mutex<(inputs: [PersonInput], failure: DesktopError?, stopped: Bool)>(([], nil, false))

        init(_ state: sending State) {
            self.state = Mutex(state)
        }
    }

    private final class State {
        let connection: X11Connection
        let opcode: Int32
        /// XKB's event base, for its map notifications; -1 without XKB.
        let xkbBase: Int32
        let xtestDevices: [Int32]
        /// The keymap; nil after a mapping change until the next key needs it.
        var keymap: KeymapTable?
        /// The modifier keys held now, by keycode.
        var held: [Int: KeyCombo.Modifier] = [:]
        var capsLock = false
        /// A server timestamp and when it was on this clock: server times become instants.
        var anchor: (server: UInt32, instant: ContinuousClock.Instant)?

        init(connection: X11Connection, opcode: Int32, xkbBase: Int32, xtestDevices: [Int32]) {
            self.connection = connection
            self.opcode = opcode
            self.xkbBase = xkbBase
            self.xtestDevices = xtestDevices
        }
    }

    /// Starts reading display's devices (":99", or DISPLAY when nil) on a thread of its own, which
    /// reads each event as soon as it arrives, so the pointer is read where the button went down
    /// even while the caller is busy.
    /// - Throws: `.missingExtension("XInputExtension 2.2")` when the server lacks it.
    public init(display: String?) throws(DesktopError) {
        let connection = try X11Connection(name: display)
        let opcode = cx11_select_raw_events(connection.handle)
        guard opcode >= 0 else { throw .missingExtension("XInputExtension 2.2") }
        var ids = [Int32](repeating: 0, count: 64)
        let count = Int(cx11_xtest_devices(connection.handle, &ids, Int32(ids.count)))
        let state = State(
            connection: connection, opcode: opcode, xkbBase: cx11_select_keymap_changes(connection.handle),
            xtestDevices: Array(ids.prefix(min(count, ids.count))))
        // Caps Lock may be on already: the pointer query's mask says so (LockMask).
        state.capsLock = connection.queryPointer().mask & UInt32(LockMask) != 0
        let reader = Reader(state)
        self.reader = reader
        let thread = Thread { Self.readUntilStopped(reader) }
        thread.name = "foredesk-person-input"
        thread.start()
    }

    deinit {
        stop()
    }

    /// Stops reading; `next` then returns what was read before.
    public func stop() {
        reader.queue.withLock { $0.stopped = true }
    }

    /// Waits up to timeout for input, then returns everything read since the last call, oldest
    /// first (empty when nothing came).
    /// - Throws: the reader's error once the display has gone away.
    public func next(timeout: Duration) throws(DesktopError) -> [PersonInput] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (inputs, failure) = reader.queue.withLock { queue -> ([PersonInput], DesktopError?) in
                defer { queue.inputs.removeAll() }
                return (queue.inputs, queue.failure)
            }
            if !inputs.isEmpty { return inputs }
            if let failure { throw failure }
            if ContinuousClock.now >= deadline { return [] }
            blockingSleep(.milliseconds(5))
        }
    }

    /// The reader thread: every event as it comes, until `stop()`.
    private static func readUntilStopped(_ reader: Reader) {
        while !reader.queue.withLock({ $0.stopped }) {
            do {
                let inputs = try read(reader, waiting: 50)
                if !inputs.isEmpty { reader.queue.withLock { $0.inputs += inputs } }
            } catch {
                reader.queue.withLock { $0.failure = error }
                return
            }
        }
    }

    private static func read(_ reader: Reader, waiting milliseconds: Int32) throws(DesktopError) -> [PersonInput] {
        try reader.state.withLock { (state) throws(DesktopError) -> [PersonInput] in
            _ = cx11_wait_for_event(state.connection.handle, milliseconds)
            var result: [PersonInput] = []
            var buffer = [cx11_raw_event](repeating: cx11_raw_event(), count: 64)
            while true {
                let count = state.xtestDevices.withUnsafeBufferPointer { ids in
                    Int(
                        cx11_read_raw_events(
                            state.connection.handle, state.opcode, state.xkbBase, ids.baseAddress, Int32(ids.count), &buffer,
                            Int32(buffer.count)))
                }
                try state.connection.checkAlive()
                for raw in buffer.prefix(count) {
                    if let input = try Self.translate(raw, state) { result.append(input) }
                }
                if count < buffer.count { break }
            }
            return result
        }
    }

    private static func translate(_ raw: cx11_raw_event, _ state: State)
        throws(DesktopError) -> PersonInput?
    {
        let connection = state.connection
        if raw.type == MappingNotify {
            state.keymap = nil
            return nil
        }
        let time = instant(of: UInt32(truncatingIfNeeded: raw.time), state)
        switch raw.type {
        case XI_RawButtonPress, XI_RawButtonRelease:
            let point = connection.queryPointer().point
            var window: WindowInfo?
            if case let .window(info) = connection.topLevelWindow(at: point) { window = info }
            return PersonInput(
                kind: raw.type == XI_RawButtonPress ? .buttonPress : .buttonRelease, time: time, code: Int(raw.detail),
                pointer: point, window: window)
        case XI_RawKeyPress, XI_RawKeyRelease:
            let table: KeymapTable
            if let keymap = state.keymap {
                table = keymap
            } else {
                table = try connection.readKeymap()
                state.keymap = table
            }
            let press = raw.type == XI_RawKeyPress
            let code = UInt8(clamping: raw.detail)
            let plain = table.keysym(of: code, shift: false, upper: X11Connection.upperCase(of:))
            let held = Array(Set(state.held.values)).sorted { $0.order < $1.order }
            let modifier = KeyCombo.Modifier(keysym: plain)
            let isLock = plain == 0xFFE5
            let shift = held.contains(.shift)
            let level3 = held.contains(.altgr)
            var effective = table.keysym(of: code, shift: shift, level3: level3, upper: X11Connection.upperCase(of:))
            // Caps Lock turns the case of letters, as Shift does (and Shift with it turns it back).
            if state.capsLock, !level3 {
                let upper = X11Connection.upperCase(of: plain)
                if upper != plain { effective = shift ? plain : upper }
            }
            let text = modifier == nil && !isLock ? KeySymbols.scalar(of: effective).map { String(Character($0)) } : nil
            if let modifier {
                if press { state.held[Int(code)] = modifier } else { state.held[Int(code)] = nil }
            }
            if isLock, press { state.capsLock.toggle() }
            let key = PersonInput.Key(
                name: KeySymbols.name(of: plain), text: text, modifiers: held, isModifier: modifier != nil || isLock)
            let window = press ? try? connection.activeWindow() : nil
            return PersonInput(kind: press ? .keyPress : .keyRelease, time: time, code: Int(code), key: key, window: window)
        default:
            return nil
        }
    }

    /// A server timestamp on this process's clock: the first one read is taken as now, later ones
    /// count from it. A timestamp that would lie in the future (the clocks drifted) anchors anew.
    private static func instant(of server: UInt32, _ state: State) -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        guard let anchor = state.anchor else {
            state.anchor = (server, now)
            return now
        }
        // Timestamps wrap after 49 days; the difference as a signed number survives that.
        let difference = Int32(bitPattern: server &- anchor.server)
        let instant = anchor.instant + .milliseconds(Int(difference))
        if instant > now {
            state.anchor = (server, now)
            return now
        }
        return instant
    }
}

extension KeyCombo.Modifier {
    /// The modifier a keysym presses (either hand's Shift, Control, Alt…); nil for other keys.
    init?(keysym: UInt32) {
        switch keysym {
        case 0xFFE1, 0xFFE2: self = .shift
        case 0xFFE3, 0xFFE4: self = .ctrl
        case 0xFFE7, 0xFFE8: self = .meta
        case 0xFFE9, 0xFFEA: self = .alt
        case 0xFFEB, 0xFFEC: self = .super
        case 0xFFED, 0xFFEE: self = .hyper
        case 0xFE03, 0xFF7E: self = .altgr  // ISO_Level3_Shift, Mode_switch
        default: return nil
        }
    }

    /// The order combinations write modifiers in: ctrl+alt+shift+super.
    var order: Int {
        switch self {
        case .ctrl: 0
        case .alt: 1
        case .shift: 2
        case .super: 3
        case .meta: 4
        case .hyper: 5
        case .altgr: 6
        }
    }
}
