import Desktop
import Foundation
import Processes
import Sandbox
import Session
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Stops a running scenario from another thread (SIGINT, SIGTERM): input is released at once, the
/// run ends at its next step boundary, and if it does not within a grace period this object ends it
/// itself (session recorded, apps and private display stopped, process exited with 128 + signal).
///
/// A run registers here what must be undone; `interrupt(signal:)` may be called from any thread.
public final class RunControl: Sendable {
    struct Interruption: Sendable {
        let signal: Int32
        var release: InputRelease?
    }

    private struct State {
        var interruption: Interruption?
        var desktop: Desktop?
        var session: SessionFolder?
        var processes: [SandboxedProcess] = []
        var display: VirtualDisplay?
        var video: VideoRecorder?
        /// Set by whichever side (the run or the grace timer) writes the end of the session.
        var finishing = false
        /// The run has returned.
        var done = false
    }

    private let state = Mutex(State())
    /// How long the run gets to stop by itself before `interrupt(signal:)` ends it.
    let grace: Duration

    /// A control for one run; grace is how long the run may take to stop by itself once interrupted.
    public init(grace: Duration = .seconds(5)) {
        self.grace = grace
    }

    /// The signal that interrupted the run; nil while nothing has.
    public var signal: Int32? { state.withLock { $0.interruption?.signal } }

    var interruption: Interruption? { state.withLock { $0.interruption } }

    /// Stops the run: releases every key and button at once, then gives the run `grace` to record the
    /// interruption and clean up, and does that itself (and exits the process) if it has not.
    /// A second call stops waiting and ends the process right away.
    public func interrupt(signal: Int32) {
        let (first, desktop) = state.withLock { state -> (Bool, Desktop?) in
            guard state.interruption == nil else { return (false, nil) }
            state.interruption = Interruption(signal: signal)
            return (true, state.desktop)
        }
        guard first else { return endProcess(signal: signal) }
        if let desktop {
            let release = desktop.interruptInput()
            state.withLock { $0.interruption?.release = release }
        }
        if waitUntilDone(grace) { return }
        endProcess(signal: signal)
    }

    /// The emergency end, when the run did not stop by itself: what the run would have done, done here.
    private func endProcess(signal: Int32) {
        let resources = state.withLock { state -> State? in
            guard !state.finishing else { return nil }
            state.finishing = true
            return state
        }
        if let resources {
            _ = resources.desktop?.interruptInput(patience: .milliseconds(200))
            let video = resources.video?.stop()
            if let session = resources.session {
                if let video { _ = try? session.record(video.event) }
                _ = try? session.record(Self.interruptedEvent(signal: signal, release: nil, stuck: true))
                try? session.finish(verdict: .aborted)
                let line = session.path + "\n"
                _ = line.withCString { write(1, $0, strlen($0)) }
            }
            for process in resources.processes.reversed() { process.terminate(grace: .milliseconds(500)) }
            resources.display?.stop()
        } else if waitUntilDone(grace) {
            // The run wrote its own end meanwhile; it returns and its caller exits.
            return
        }
        let message = "foredesk: error: interrupted by \(Self.name(of: signal))\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(128 + signal)
    }

    private func waitUntilDone(_ patience: Duration) -> Bool {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.done }) { return true }
            blockingSleep(.milliseconds(20))
        }
        return state.withLock { $0.done }
    }

    // MARK: - What the run registers

    func register(desktop: Desktop) {
        let interrupted = state.withLock { state -> Bool in
            state.desktop = desktop
            return state.interruption != nil
        }
        if interrupted { desktop.interruptInput() }
    }

    func register(session: SessionFolder) { state.withLock { $0.session = session } }
    func register(process: SandboxedProcess) { state.withLock { $0.processes.append(process) } }
    func register(display: VirtualDisplay) { state.withLock { $0.display = display } }
    func register(video: VideoRecorder) { state.withLock { $0.video = video } }

    /// Claims the right to write the session's end; false when the grace timer already did.
    func claimFinish() -> Bool {
        state.withLock { state in
            guard !state.finishing else { return false }
            state.finishing = true
            return true
        }
    }

    /// The run has finished and cleaned up.
    func markDone() { state.withLock { $0.done = true } }

    // MARK: - Helpers

    /// The event that ends an interrupted session.
    static func interruptedEvent(signal: Int32, release: InputRelease?, stuck: Bool) -> Event {
        var parameters: [JSONValue.Member] = [.init("signal", .string(name(of: signal)))]
        if let release { parameters.append(.init("input_released", .string(release.rawValue))) }
        let how =
            stuck
            ? "the step in progress did not stop in time, so foredesk ended the run from its signal thread"
            : "the run stopped at once"
        return Event(
            action: RecordedAction(kind: "interrupted", parameters: parameters),
            error: "interrupted by \(name(of: signal)): every key and button was released; \(how)")
    }

    /// `SIGINT`, `SIGTERM`, or `signal N`.
    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
