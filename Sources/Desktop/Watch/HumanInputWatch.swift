internal import CX11
import Synchronization

/// Notices input from real devices (DESIGN rule 4) through XInput2 raw events on a connection of
/// its own: every key, button and pointer motion from a device that is not an XTEST device, which
/// is how XTest clients (foredesk included) inject theirs. Raw events arrive whatever has the focus
/// or a grab, so a person typing into another window is seen too.
///
/// Another XTest client is not a real device and is not seen here; comparing the pointer and the
/// focus between actions catches it (the runner's takeover watch).
public final class HumanInputWatch: Sendable {
    private let state: Mutex<State>

    private final class State {
        let connection: X11Connection
        let opcode: Int32
        let xtestDevices: [Int32]

        init(connection: X11Connection, opcode: Int32, xtestDevices: [Int32]) {
            self.connection = connection
            self.opcode = opcode
            self.xtestDevices = xtestDevices
        }
    }

    /// Starts watching display's devices (":99", or DISPLAY when nil).
    /// - Throws: `.missingExtension("XInputExtension 2.0")` when the server lacks XInput2.
    public init(display: String?) throws(DesktopError) {
        let connection = try X11Connection(name: display)
        let opcode = cx11_select_raw_input(connection.handle)
        guard opcode >= 0 else { throw .missingExtension("XInputExtension 2.0") }
        var ids = [Int32](repeating: 0, count: 64)
        let count = Int(cx11_xtest_devices(connection.handle, &ids, Int32(ids.count)))
        state = Mutex(State(connection: connection, opcode: opcode, xtestDevices: Array(ids.prefix(min(count, ids.count)))))
    }

    /// The XTEST devices' ids: input from them is injected, not a person's.
    public var injectingDevices: [Int32] {
        state.withLock { $0.xtestDevices }
    }

    /// What real devices did since the last call, as "N events from 'device name'"; nil when nothing.
    public func foreignInput() throws(DesktopError) -> String? {
        try state.withLock { (state) throws(DesktopError) -> String? in
            XSync(state.connection.handle, 0)
            var source: Int32 = 0
            let count = state.xtestDevices.withUnsafeBufferPointer { ids in
                cx11_drain_raw_input(state.connection.handle, state.opcode, ids.baseAddress, Int32(ids.count), &source)
            }
            try state.connection.checkAlive()
            guard count > 0 else { return nil }
            var name = [CChar](repeating: 0, count: 128)
            let known = cx11_device_name(state.connection.handle, source, &name, Int32(name.count)) != 0
            let device = known ? "'" + String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "'" : "device \(source)"
            return "\(count) input event\(count == 1 ? "" : "s") from \(device)"
        }
    }
}

extension Desktop {
    /// A watch for input from real devices on this desktop's display (its own connection).
    public func watchHumanInput() throws(DesktopError) -> HumanInputWatch {
        try HumanInputWatch(display: displayName)
    }
}
