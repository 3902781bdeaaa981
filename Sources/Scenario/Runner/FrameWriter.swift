import Dispatch
import Imaging
import Session
import Synchronization

/// Encodes and writes a run's frames on a background queue, so PNG encoding stays off the action
/// path: a frame's file name is known at once, its file appears soon after, and `drain()` waits
/// for every frame handed over so far, so none is lost when the run ends.
final class FrameWriter: Sendable {
    /// The session; frames go to its `frames/` folder, and events naming them wait for them there.
    let session: SessionFolder
    private let queue = DispatchQueue(label: "foredesk.frame-writer")
    // A bound on frames waiting to be encoded (each a full screen, about 4 MB at 1280x800): when
    // encoding falls this far behind, the action path waits rather than memory growing without end.
    private let backlog = DispatchSemaphore(value: 12)
    private let state = Mutex(State())

    private struct State {
        var problems: [String] = []
        /// Frames handed over and not yet written.
        var queued = 0
    }

    /// Screenshot settings on one thread while the writer keeps up: it runs beside the action path, and
    /// a second compression thread would take the core the run and the X server need.
    static let png = PNGOptions(level: PNGOptions.screenshot.level, filter: PNGOptions.screenshot.filter, threads: 1)
    /// Two threads once frames pile up: the run will soon wait for the writer anyway.
    static let catchingUp = PNGOptions.screenshot

    init(session: SessionFolder) {
        self.session = session
    }

    /// A fresh file name for a frame, `frames/NNNN-name.png`, relative to the session folder.
    func reserve(_ name: String) -> String {
        session.reserveFrame(name: name)
    }

    /// Queues frame to be written to relative (from `reserve`), with areas blacked out first.
    func write(_ frame: Frame, redacting areas: [Rect], to relative: String) {
        backlog.wait()
        state.withLock { $0.queued += 1 }
        queue.async { [self] in
            defer {
                state.withLock { $0.queued -= 1 }
                backlog.signal()
            }
            var frame = frame
            for area in areas { frame.fill(area, with: Color(red: 0, green: 0, blue: 0)) }
            let behind = state.withLock { $0.queued } > 2
            do {
                try session.storeFrame(try frame.pngData(options: behind ? Self.catchingUp : Self.png), at: relative)
            } catch {
                session.abandonFrame(relative)
                state.withLock { $0.problems.append("cannot write \(relative): \(error)") }
            }
        }
    }

    /// Waits until every queued frame is on disk; returns what could not be written.
    @discardableResult
    func drain() -> [String] {
        queue.sync {}
        return state.withLock { state in
            defer { state.problems.removeAll() }
            return state.problems
        }
    }
}
