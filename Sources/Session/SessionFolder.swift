public import Imaging
import Synchronization

/// The folder a run leaves behind: `session.json`, `events.jsonl`, `frames/`, `output/`, and at the end
/// `report.html` and `junit.xml`.
///
/// `events.jsonl` is the source of truth; everything else can be rebuilt from it with
/// `SessionReport.rebuild(folder:)`, so a killed run still leaves a reviewable session.
public final class SessionFolder: Sendable {
    /// The folder's path.
    public let path: String
    /// The event log, appending to `events.jsonl`.
    public let events: EventLog
    private let state: Mutex<State>

    private struct State {
        var info: SessionInfo
        var frameCount: Int
        var outputCount: Int
        /// The SHA-256 of each frame this folder saved, by relative path, for the event that names it.
        var frameDigests: [String: String] = [:]
        /// Frames reserved with `reserveFrame` and not yet stored (or abandoned).
        var pendingFrames: Set<String> = []
        /// Events that name a pending frame, and every event after them, in the order recorded.
        var waitingEvents: [Event] = []
    }

    /// The session facts as last written to `session.json`.
    public var info: SessionInfo {
        state.withLock { $0.info }
    }

    /// Creates `<out>/<scenario>-<UTC timestamp>/` with `frames/` and `output/`, and writes `session.json`.
    ///
    /// The scenario name is reduced to letters, digits, `-`, `_` and `.`; a second run in the same second
    /// gets `-2`, `-3`… appended rather than sharing a folder.
    public static func create(in out: String, info: SessionInfo, syncEachEvent: Bool = false) throws(SessionError)
        -> SessionFolder
    {
        try FileSystem.makeDirectories(out)
        let base = out + "/" + safeName(info.scenario, fallback: "session") + "-" + info.start.compact
        var path = base
        var attempt = 1
        while !(try FileSystem.makeDirectory(path)) {
            attempt += 1
            path = base + "-\(attempt)"
        }
        try FileSystem.makeDirectory(path + "/frames")
        try FileSystem.makeDirectory(path + "/output")
        try FileSystem.writeAtomically(info.jsonText, to: path + "/session.json")
        return SessionFolder(
            path: path, events: try EventLog(path: path + "/events.jsonl", syncEachEvent: syncEachEvent), info: info,
            frameCount: 0, outputCount: 0)
    }

    /// Opens an existing session folder to add to it (numbering goes on after the files already there).
    public static func open(_ path: String, syncEachEvent: Bool = false) throws(SessionError) -> SessionFolder {
        guard let text = try FileSystem.readText(path + "/session.json") else { throw .notASession(path: path) }
        let info = try SessionInfo(jsonText: text, path: path + "/session.json")
        try FileSystem.makeDirectory(path + "/frames")
        try FileSystem.makeDirectory(path + "/output")
        let log = try EventLog(path: path + "/events.jsonl", syncEachEvent: syncEachEvent)
        return SessionFolder(
            path: path, events: log, info: info, frameCount: try FileSystem.highestNumber(in: path + "/frames"),
            outputCount: try FileSystem.highestNumber(in: path + "/output"))
    }

    private init(path: String, events: EventLog, info: SessionInfo, frameCount: Int, outputCount: Int) {
        self.path = path
        self.events = events
        self.state = Mutex(State(info: info, frameCount: frameCount, outputCount: outputCount))
    }

    /// Appends an event to `events.jsonl` (see `EventLog.append`), adding the SHA-256 of each frame it names
    /// that this folder saved, so the chain vouches for the PNG files too.
    ///
    /// An event that names a frame still being written in the background (`reserveFrame`) waits, with
    /// every event recorded after it, until that frame is stored: the log keeps its order and every digest,
    /// and the caller never waits for an encoder. Such an event is returned as given, without its seq.
    @discardableResult
    public func record(_ event: Event) throws(SessionError) -> Event {
        let result = state.withLock { state -> Result<Event, SessionError> in
            if !state.waitingEvents.isEmpty || names(event, in: state.pendingFrames) {
                state.waitingEvents.append(event)
                return .success(event)
            }
            do throws(SessionError) {
                return .success(try append(event, &state))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func names(_ event: Event, in frames: Set<String>) -> Bool {
        [event.frames.before, event.frames.after].contains { $0.map(frames.contains) ?? false }
    }

    private func append(_ event: Event, _ state: inout State) throws(SessionError) -> Event {
        var event = event
        if event.frames.beforeSHA256 == nil, let name = event.frames.before {
            event.frames.beforeSHA256 = state.frameDigests[name]
        }
        if event.frames.afterSHA256 == nil, let name = event.frames.after {
            event.frames.afterSHA256 = state.frameDigests[name]
        }
        return try events.append(event)
    }

    /// Appends the waiting events whose frames are all stored, in order; with everything, all of them.
    private func flushWaiting(_ state: inout State, everything: Bool = false) throws(SessionError) {
        while let first = state.waitingEvents.first, everything || !names(first, in: state.pendingFrames) {
            state.waitingEvents.removeFirst()
            _ = try append(first, &state)
        }
    }

    /// Reserves `frames/NNNN-name.png` for a frame that `storeFrame` (or `abandonFrame`) will deliver later,
    /// from any thread; events naming it wait until then.
    public func reserveFrame(name: String) -> String {
        state.withLock { state in
            state.frameCount += 1
            let relative = "frames/" + Self.numbered(state.frameCount, Self.safeName(name, fallback: "frame")) + ".png"
            state.pendingFrames.insert(relative)
            return relative
        }
    }

    /// Writes a reserved frame's PNG bytes, keeps its digest, and appends the events that waited for it.
    public func storeFrame(_ png: [UInt8], at relative: String) throws(SessionError) {
        var failure: SessionError?
        do throws(SessionError) {
            try FileSystem.writeAtomically(png, to: path + "/" + relative, sync: false)
        } catch {
            failure = error
        }
        let digest = EventChain.hash(png)
        let flushed = state.withLock { state -> SessionError? in
            if failure == nil { state.frameDigests[relative] = digest }
            state.pendingFrames.remove(relative)
            do throws(SessionError) {
                try flushWaiting(&state)
                return nil
            } catch {
                return error
            }
        }
        if let problem = failure ?? flushed { throw problem }
    }

    /// Gives up a reserved frame that could not be made; the events naming it are appended without its digest.
    public func abandonFrame(_ relative: String) {
        state.withLock { state in
            state.pendingFrames.remove(relative)
            try? flushWaiting(&state)
        }
    }

    /// Writes frame to `frames/NNNN-name.png` with `PNGOptions.screenshot` and returns that relative path.
    public func saveFrame(_ frame: Frame, name: String) throws(SessionError) -> String {
        let relative = reserveFrame(name: name)
        let png: [UInt8]
        do throws(ImagingError) {
            png = try frame.pngData(options: .screenshot)
        } catch {
            abandonFrame(relative)
            throw .imaging(error)
        }
        try storeFrame(png, at: relative)
        return relative
    }

    /// Fresh relative paths for a sandboxed command's output: `output/NNNN-name.stdout` and `.stderr`.
    ///
    /// The files are not created; the caller points the command's descriptors at `absolutePath(_:)` of each.
    public func outputFiles(name: String) -> Event.Output {
        let number = state.withLock { state in
            state.outputCount += 1
            return state.outputCount
        }
        let stem = "output/" + Self.numbered(number, Self.safeName(name, fallback: "command"))
        return Event.Output(stdout: stem + ".stdout", stderr: stem + ".stderr")
    }

    /// Keeps the text of the scenario that ran (or that `record` wrote) as `scenario.yaml`, so the
    /// session says what it reproduces even after the original file changed.
    public func saveScenario(_ yaml: String) throws(SessionError) {
        try FileSystem.writeAtomically(yaml, to: path + "/" + Self.scenarioFileName)
    }

    /// The name of the scenario copy inside a session folder.
    public static let scenarioFileName = "scenario.yaml"

    /// The absolute path of a file named relative to the folder.
    public func absolutePath(_ relative: String) -> String {
        path + "/" + relative
    }

    /// Closes the log, rewrites `session.json` with the end time, verdict, event count and last line's hash,
    /// and writes the reports.
    public func finish(verdict: Verdict, end: Timestamp = .now) throws(SessionError) {
        // Frames still pending now will never come: their events go in without a digest.
        try state.withLock { (state) throws(SessionError) in try flushWaiting(&state, everything: true) }
        try events.close()
        // After close no append can slip in between reading the count and the hash.
        let (count, hash) = (events.lastSeq, events.lastHash)
        let info = state.withLock { state in
            state.info.end = end
            state.info.verdict = verdict
            state.info.eventCount = count
            state.info.lastEventHash = hash
            return state.info
        }
        try FileSystem.writeAtomically(info.jsonText, to: path + "/session.json")
        try SessionReport.rebuild(folder: path)
    }

    static func numbered(_ number: Int, _ name: String) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-" + name
    }

    /// Letters, digits, `-`, `_` and `.`; anything else becomes `-`, and parts that are only dots go, so a
    /// name can never leave its folder (`../../x` → `x`).
    static func safeName(_ name: String, fallback: String) -> String {
        let mapped = String(
            name.unicodeScalars.prefix(80).map { scalar -> Character in
                let safe = scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
                return safe ? Character(scalar) : "-"
            })
        let parts = mapped.split(separator: "-").filter { !$0.allSatisfy { $0 == "." } }
        return parts.isEmpty ? fallback : parts.joined(separator: "-")
    }
}
