internal import CX11
import Processes

/// How `Desktop.interruptInput(patience:)` let go of what foredesk held.
public enum InputRelease: String, Sendable {
    /// On the desktop's own connection, after the call in progress (if any) ended.
    case ownConnection = "own_connection"
    /// Through a second connection, because the desktop's own one stayed busy.
    case secondConnection = "second_connection"
    /// Neither connection could reach the server (it is gone, and with it every held key).
    case serverGone = "server_gone"
}

extension Desktop {
    /// Stops all input for good and releases every key and button foredesk holds, restoring the spare
    /// keycodes it bound; safe to call from any thread while another one is inside a call.
    ///
    /// From the moment it is called no key, button or motion event leaves this desktop, and a slow
    /// `drag` in progress throws `.interrupted`. The release happens on the desktop's own connection
    /// (so it follows, in order, whatever that connection already sent) when that frees up within
    /// patience, and otherwise through a fresh connection to the same display.
    @discardableResult
    public func interruptInput(patience: Duration = .seconds(1)) -> InputRelease {
        let held = ledger.stop()
        let deadline = ContinuousClock.now + patience
        while true {
            var lost = false
            let done = withConnectionIfAvailable { connection in
                lost = connection.isLost
                connection.releaseHeldInput()
                connection.restoreKeyboard()
            }
            if done { return lost ? .serverGone : .ownConnection }
            if ContinuousClock.now >= deadline { break }
            blockingSleep(.milliseconds(10))
        }
        guard let other = try? X11Connection(name: displayName) else { return .serverGone }
        for code in held.keys.reversed() { XTestFakeKeyEvent(other.handle, UInt32(code), 0, 0) }
        for button in held.buttons.reversed() { XTestFakeButtonEvent(other.handle, button, 0, 0) }
        if !held.boundKeycodes.isEmpty {
            var codes = held.boundKeycodes
            var none = [UInt](repeating: 0, count: codes.count)
            _ = cx11_set_key_symbols(other.handle, &codes, &none, Int32(codes.count))
        }
        XSync(other.handle, 0)
        return other.isLost ? .serverGone : .secondConnection
    }

    /// True once `interruptInput(patience:)` was called.
    public var isInterrupted: Bool { ledger.isStopped }
}
