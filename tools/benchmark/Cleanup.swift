import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Stops what the bench started when it is interrupted (Ctrl-C, SIGTERM, SIGHUP) as well as when
/// it ends normally.
///
/// The signals are blocked in every thread (set before any thread exists, so all inherit it) and
/// one thread takes them with `sigwait`: the cleanup then runs as ordinary code, not inside a
/// signal handler, and can stop the X server and its clients properly before the process exits.
enum Cleanup {
    private static let actions = Mutex<[@Sendable () -> Void]>([])
    private static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Call first thing in main, before anything starts a thread.
    static func installSignalThread() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { _ in
                var set = sigset_t()
                sigemptyset(&set)
                for signal in Cleanup.signals { sigaddset(&set, signal) }
                var received: Int32 = 0
                while sigwait(&set, &received) != 0 {}
                let name = received == SIGINT ? "SIGINT" : received == SIGTERM ? "SIGTERM" : "signal \(received)"
                Console.error("\nbench: \(name): stopping the private display and everything started on it")
                Cleanup.runAll()
                exit(128 + received)
            }, nil)
        if rc == 0 { pthread_detach(thread) }
    }

    /// Registers an action to run at exit or on a signal; actions run last-registered first.
    static func register(_ action: @escaping @Sendable () -> Void) {
        actions.withLock { $0.append(action) }
    }

    /// Runs every registered action once.
    static func runAll() {
        let pending = actions.withLock { list in
            defer { list = [] }
            return list
        }
        for action in pending.reversed() { action() }
    }
}
