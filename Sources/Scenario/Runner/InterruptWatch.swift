import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Turns SIGINT and SIGTERM into `RunControl.interrupt(signal:)` calls on a thread of their own.
///
/// No handler runs in signal context (Xlib is not async-signal-safe): the signals are blocked and a
/// dedicated thread takes them with sigwait(3), so the run can be stopped while the main thread is
/// inside a blocking call.
public enum InterruptWatch {
    /// Blocks SIGINT and SIGTERM in the calling thread, which threads started later inherit, and
    /// starts the thread that waits for them. Call it first thing, before other threads exist.
    public static func start(_ control: RunControl) {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let thread = Thread {
            var wanted = sigset_t()
            sigemptyset(&wanted)
            sigaddset(&wanted, SIGINT)
            sigaddset(&wanted, SIGTERM)
            while true {
                var received: Int32 = 0
                guard sigwait(&wanted, &received) == 0 else { continue }
                // Each signal on a thread of its own: a second Ctrl-C must not wait behind the first's grace.
                let signal = received
                Thread { control.interrupt(signal: signal) }.start()
            }
        }
        thread.name = "foredesk-signals"
        thread.start()
    }
}
