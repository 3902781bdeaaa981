import Desktop
import Dispatch
import Foundation
public import Imaging
import Processes
public import Session
import Synchronization

/// Records the screen continuously into a session's `video/` (see `VideoIndex`) while a run or a recording
/// goes on: `start`, then `stop` at the end.
///
/// A capture thread on a connection of its own sleeps until XDamage reports a change, then at the next tick
/// (1/fps) grabs only the changed rectangles into memory; an encoder thread turns them into PNGs and appends
/// them to the index. The first frame, and the first after every 10 s of video, is a full-screen keyframe.
/// When the encoder falls behind, ticks are skipped and counted as dropped, but the changes stay pending in
/// the server and go into the next frame, so the pixels always end right.
public final class VideoRecorder: Sendable {
    /// The frame rate when none is given (`--fps`).
    public static let defaultFPS = 10
    /// The frame rates accepted.
    public static let fpsRange = 1...30
    /// A keyframe follows at least this often (milliseconds of video), so a viewer can seek.
    static let keyframeInterval = 10_000
    /// How much may wait for the encoder (frames, bytes) before ticks are dropped: a few full screens.
    static let backlog = (frames: 6, bytes: 48 << 20)
    /// Fast lossless settings: zlib level 1 with the SUB filter on one thread, beside the run's own work.
    static let png = PNGOptions(level: 1, filter: .sub, threads: 1)

    /// The session folder the video goes into.
    public let folder: String
    /// Frames a second at most.
    public let fps: Int
    private let capture: DamageCapture
    private let writer: VideoWriter
    private let redaction: (@Sendable () -> [Rect])?
    private let origin: ContinuousClock.Instant
    private let state = Mutex(State())
    /// One signal per frame queued, and one when the queue closes.
    private let queued = DispatchSemaphore(value: 0)
    private let captureDone = DispatchSemaphore(value: 0)
    private let encoderDone = DispatchSemaphore(value: 0)

    private struct Pending: Sendable {
        let t: Int
        let key: Bool
        let rects: [Rect]
        let atlas: Frame
    }

    private struct State {
        var queue: [Pending] = []
        var queuedBytes = 0
        var closed = false
        var stopping = false
        var dropped = 0
        var frames = 0
        var failure: String?
        /// Set once the first `stop` has finished; later calls return it.
        var summary: VideoSummary?
        var stopClaimed = false
    }

    /// Starts recording display (":99") into `video/` of the session folder at up to fps frames a second;
    /// redaction, when given, returns the screen areas to black out in every frame, asked at each capture.
    /// The first keyframe is captured before this returns.
    /// - Throws: `VideoError` for a frame rate outside `fpsRange`, a display without XDamage, or a folder that
    ///   cannot take `video/` (or already has one).
    public static func start(
        display: String, folder: String, fps: Int = defaultFPS, redaction: (@Sendable () -> [Rect])? = nil
    ) throws(VideoError) -> VideoRecorder {
        guard fpsRange.contains(fps) else { throw .badFrameRate(fps) }
        let capture: DamageCapture
        do throws(DesktopError) {
            capture = try DamageCapture(display: display)
        } catch {
            throw .desktop(error)
        }
        let writer: VideoWriter
        let origin = ContinuousClock.now
        do throws(SessionError) {
            writer = try VideoWriter(
                folder: folder, header: VideoIndex.Header(size: capture.screenSize, fps: fps, start: .now))
        } catch {
            throw .session(error)
        }
        let recorder = VideoRecorder(
            folder: folder, fps: fps, capture: capture, writer: writer, redaction: redaction, origin: origin)
        do throws(DesktopError) {
            try recorder.storeKeyframe()
        } catch {
            throw .desktop(error)
        }
        let encoder = Thread { recorder.encodeLoop() }
        encoder.name = "foredesk-video-encode"
        encoder.start()
        let capturer = Thread { recorder.captureLoop() }
        capturer.name = "foredesk-video-capture"
        capturer.start()
        return recorder
    }

    private init(
        folder: String, fps: Int, capture: DamageCapture, writer: VideoWriter, redaction: (@Sendable () -> [Rect])?,
        origin: ContinuousClock.Instant
    ) {
        self.folder = folder
        self.fps = fps
        self.capture = capture
        self.writer = writer
        self.redaction = redaction
        self.origin = origin
    }

    /// Stops recording: captures what changed since the last frame, waits for the encoder, writes the index's
    /// end line and returns the summary (whose `event` the caller records in the session). Safe to call from
    /// any thread and more than once; later calls wait for the first and return its summary.
    public func stop() -> VideoSummary {
        let first = state.withLock { state -> Bool in
            defer { state.stopClaimed = true }
            state.stopping = true
            return !state.stopClaimed
        }
        if !first {
            while true {
                if let summary = state.withLock({ $0.summary }) { return summary }
                blockingSleep(.milliseconds(5))
            }
        }
        captureDone.wait()
        encoderDone.wait()
        let (dropped, frames, failure, end) = state.withLock { ($0.dropped, $0.frames, $0.failure, elapsed()) }
        var summary: VideoSummary
        do throws(SessionError) {
            summary = try writer.finish(end: end, dropped: dropped)
        } catch {
            summary = VideoSummary(
                size: capture.screenSize, fps: fps, frames: frames, keyframes: 0, dropped: dropped,
                durationMilliseconds: end, bytes: 0, indexSHA256: "", filesSHA256: "", failure: error.description)
        }
        if summary.failure == nil { summary.failure = failure }
        let stored = summary
        state.withLock { $0.summary = stored }
        return stored
    }

    // MARK: - Capture thread

    /// Milliseconds since recording started.
    private func elapsed() -> Int {
        Self.milliseconds(ContinuousClock.now - origin)
    }

    private var interval: Duration { .nanoseconds(1_000_000_000 / Int64(fps)) }

    /// The time of tick k in milliseconds.
    private func tickTime(_ k: Int) -> Int { k * 1000 / fps }

    /// The last tick at or before now.
    private func currentTick() -> Int {
        Int((ContinuousClock.now - origin) / interval)
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func captureLoop() {
        defer {
            state.withLock { $0.closed = true }
            queued.signal()
            captureDone.signal()
        }
        var lastKey = 0
        var next = 1
        // The first tick at which a change was waiting and no frame was stored yet.
        var pendingSince: Int?
        do throws(DesktopError) {
            while !isStopping {
                if pendingSince == nil {
                    guard try capture.waitForDamage(timeout: .milliseconds(100)) else { continue }
                    pendingSince = max(next, currentTick() + 1)
                }
                let due = max(next, pendingSince ?? next)
                sleep(until: origin + interval * due)
                if isStopping { break }
                let tick = max(due, currentTick())
                next = tick + 1
                // Behind: leave the damage in the server, so the next frame carries these pixels too.
                guard hasRoom() else { continue }
                if try store(t: tickTime(tick), lastKey: &lastKey) {
                    state.withLock { $0.dropped += tick - (pendingSince ?? tick) }
                }
                pendingSince = nil
            }
            // The last changes, so the video ends on the screen as it was at the stop.
            if try capture.syncDamage() {
                while !hasRoom(), state.withLock({ $0.failure == nil }) { blockingSleep(.milliseconds(5)) }
                if try store(t: elapsed(), lastKey: &lastKey), let since = pendingSince {
                    state.withLock { $0.dropped += max(0, currentTick() - since) }
                }
            }
        } catch {
            state.withLock { $0.failure = $0.failure ?? "\(error)" }
        }
    }

    /// Captures the first keyframe, at t 0.
    private func storeKeyframe() throws(DesktopError) {
        var lastKey = 0
        _ = try capture.takeDamage()
        try enqueue(t: 0, key: true, rects: [], lastKey: &lastKey)
    }

    /// Takes the damage and queues a frame at t: a keyframe when the last is 10 s old. False when there was
    /// nothing to take (a notify for drawing already taken).
    private func store(t: Int, lastKey: inout Int) throws(DesktopError) -> Bool {
        let rects = try capture.takeDamage()
        guard !rects.isEmpty else { return false }
        try enqueue(t: t, key: t - lastKey >= Self.keyframeInterval, rects: rects, lastKey: &lastKey)
        return true
    }

    private func enqueue(t: Int, key: Bool, rects: [Rect], lastKey: inout Int) throws(DesktopError) {
        let screen = Rect(x: 0, y: 0, width: capture.screenSize.width, height: capture.screenSize.height)
        let parts = key ? [screen] : rects
        var atlas = try capture.captureAtlas(parts)
        if let redaction { Self.blackOut(redaction(), in: &atlas, parts: parts) }
        if key { lastKey = t }
        let frame = Pending(t: t, key: key, rects: parts, atlas: atlas)
        state.withLock { state in
            state.queue.append(frame)
            state.queuedBytes += atlas.pixels.count
        }
        queued.signal()
    }

    /// Fills the parts of areas (screen coordinates) that an atlas holds with black.
    static func blackOut(_ areas: [Rect], in atlas: inout Frame, parts: [Rect]) {
        var top = 0
        for part in parts {
            for area in areas {
                guard let hidden = area.intersection(part) else { continue }
                atlas.fill(hidden.offsetBy(dx: -part.x, dy: top - part.y), with: Color(red: 0, green: 0, blue: 0))
            }
            top += part.height
        }
    }

    private func hasRoom() -> Bool {
        state.withLock { state in
            state.failure == nil && state.queue.count < Self.backlog.frames && state.queuedBytes < Self.backlog.bytes
        }
    }

    /// Sleeps until deadline, waking early when the recording stops.
    private func sleep(until deadline: ContinuousClock.Instant) {
        while !isStopping {
            let left = deadline - .now
            if left <= .zero { return }
            blockingSleep(min(left, .milliseconds(50)))
        }
    }

    // MARK: - Encoder thread

    private func encodeLoop() {
        defer { encoderDone.signal() }
        while true {
            queued.wait()
            let next = state.withLock { state -> Pending? in
                guard !state.queue.isEmpty else { return nil }
                return state.queue.removeFirst()
            }
            guard let frame = next else {
                if state.withLock({ $0.closed && $0.queue.isEmpty }) { return }
                continue
            }
            defer { state.withLock { $0.queuedBytes -= frame.atlas.pixels.count } }
            guard state.withLock({ $0.failure == nil }) else { continue }
            do {
                let png = try frame.atlas.pngData(options: Self.png)
                try writer.append(t: frame.t, key: frame.key, rects: frame.rects, png: png)
                state.withLock { $0.frames += 1 }
            } catch {
                state.withLock { state in
                    state.failure = state.failure ?? "\(error)"
                    state.stopping = true
                }
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
