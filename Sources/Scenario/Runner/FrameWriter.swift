import Dispatch
import Imaging
import Synchronization

/// Encodes and writes a run's frames on a background queue, so PNG encoding stays off the action
/// path: a frame's file name is known at once, its file appears soon after, and `drain()` waits
/// for every frame handed over so far, so none is lost when the run ends.
final class FrameWriter: Sendable {
    /// The session folder; frames go to its `frames/` folder.
    let folder: String
    private let queue = DispatchQueue(label: "foredesk.frame-writer")
    // A bound on frames waiting to be encoded (each a full screen, about 4 MB at 1280x800): when
    // encoding falls this far behind, the action path waits rather than memory growing without end.
    private let backlog = DispatchSemaphore(value: 12)
    private let state = Mutex(State())

    private struct State {
        var count = 0
        var problems: [String] = []
    }

    init(folder: String) {
        self.folder = folder
    }

    /// A fresh file name for a frame, `frames/NNNN-name.png`, relative to the session folder.
    func reserve(_ name: String) -> String {
        let number = state.withLock { state in
            state.count += 1
            return state.count
        }
        let digits = String(number)
        return "frames/" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-"
            + Self.safeName(name) + ".png"
    }

    /// Queues frame to be written to relative (from `reserve`), with areas blacked out first.
    func write(_ frame: Frame, redacting areas: [Rect], to relative: String) {
        backlog.wait()
        let path = folder + "/" + relative
        queue.async { [self] in
            defer { backlog.signal() }
            var frame = frame
            for area in areas { frame.fill(area, with: Color(red: 0, green: 0, blue: 0)) }
            do throws(ImagingError) {
                try frame.writePNG(to: path, options: .screenshot)
            } catch {
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

    /// Letters, digits, `-`, `_` and `.`; anything else becomes `-`, so a scenario's screenshot
    /// name cannot leave the frames folder.
    static func safeName(_ name: String) -> String {
        let mapped = String(
            name.unicodeScalars.prefix(80).map { scalar -> Character in
                let safe = scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "-_.".unicodeScalars.contains(scalar))
                return safe ? Character(scalar) : "-"
            })
        let parts = mapped.split(separator: "-").filter { !$0.allSatisfy { $0 == "." } }
        return parts.isEmpty ? "frame" : parts.joined(separator: "-")
    }
}
