import Synchronization

/// Tells every listener (an open event stream) that the state changed, keeping only the newest
/// version for a slow listener, so a stalled phone never holds the run back.
final class ChangeBroadcast: Sendable {
    private struct State {
        var listeners: [Int: AsyncStream<Int>.Continuation] = [:]
        var next = 0
        var closed = false
    }

    private let state = Mutex(State())

    /// A stream of versions from now on; it ends when `close` is called.
    func listen() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id: Int? = state.withLock { state in
            guard !state.closed else { return nil }
            state.next += 1
            state.listeners[state.next] = continuation
            return state.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.listeners.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many streams are open.
    var count: Int { state.withLock { $0.listeners.count } }

    /// Sends version to every listener.
    func send(_ version: Int) {
        let listeners = state.withLock { Array($0.listeners.values) }
        for listener in listeners { listener.yield(version) }
    }

    /// Ends every stream, now and later (the server stops).
    func close() {
        let listeners = state.withLock { state in
            state.closed = true
            defer { state.listeners = [:] }
            return Array(state.listeners.values)
        }
        for listener in listeners { listener.finish() }
    }
}
