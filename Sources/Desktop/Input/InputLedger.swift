import Synchronization

/// What a connection holds down and which spare keycodes it bound, readable without the connection's
/// lock, so an interrupt can release them while another thread is inside a long call.
///
/// Once stopped, the connection sends no more key, button or motion events.
final class InputLedger: Sendable {
    struct Held: Sendable {
        var keys: [UInt8] = []
        var buttons: [UInt32] = []
        var boundKeycodes: [UInt8] = []
    }

    private struct State {
        var stopped = false
        var held = Held()
    }

    private let state = Mutex(State())

    /// True after `stop()`: input is refused from then on.
    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Refuses every later input event and returns what was held at that moment.
    func stop() -> Held {
        state.withLock { state in
            state.stopped = true
            return state.held
        }
    }

    func update(keys: [UInt8], buttons: [UInt32]) {
        state.withLock { state in
            state.held.keys = keys
            state.held.buttons = buttons
        }
    }

    func update(boundKeycodes: [UInt8]) {
        state.withLock { $0.held.boundKeycodes = boundKeycodes }
    }
}
