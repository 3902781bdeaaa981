import Desktop
import Foundation
public import Imaging
import Policy
import Session

// Frames on their way to disk: redaction, `--frames`, and the background writer.
extension ScenarioRunner {
    /// Which of an event's two frames a frame is.
    enum FrameSlot { case before, after }

    /// A frame of the current input step kept in memory under `--frames failures`.
    struct HeldFrame {
        let frame: Frame
        let areas: [Rect]
        let name: String
        let slot: FrameSlot
    }

    /// What every policy of the run asks to black out.
    var redaction: RedactPolicy {
        policies.values.reduce(gate.redact) { $0.merged(with: $1.redact) }
    }

    /// The writer for this session's frames, made on first use.
    var writer: FrameWriter {
        if let frameWriter { return frameWriter }
        let made = FrameWriter(session: session)
        frameWriter = made
        return made
    }

    /// The areas of a frame showing area of the screen (nil: all of it) to black out, in the
    /// frame's coordinates, judged from the windows on screen now. When the windows cannot be
    /// listed, the whole frame: a frame is never written with what it should hide.
    func redactedAreas(in area: Rect? = nil) -> [Rect] {
        Self.redactedAreas(redaction, on: desktop, in: area ?? desktop.screenBounds)
    }

    /// The areas of area to black out under redaction, in area's coordinates (see `redactedAreas(in:)`);
    /// a function of values, so the video's capture thread can ask it too.
    static func redactedAreas(_ redaction: RedactPolicy, on desktop: Desktop, in area: Rect) -> [Rect] {
        guard !redaction.isEmpty else { return [] }
        var rects = redaction.regions
        if !redaction.windows.isEmpty {
            guard let windows = try? desktop.windows() else { return [Rect(x: 0, y: 0, width: area.width, height: area.height)] }
            for window in windows where window.isViewable {
                let hidden = redaction.windows.contains { rule in
                    rule.matches(className: window.className, instanceName: window.instanceName, title: window.title)
                }
                // The title bar too: a title can say as much as the window.
                if hidden { rects.append(window.outerFrame) }
            }
        }
        return rects.compactMap { $0.intersection(area) }
            .map { Rect(x: $0.x - area.x, y: $0.y - area.y, width: $0.width, height: $0.height) }
    }

    /// The screen (or a region of it) as it may be stored or compared with a golden: redacted.
    func redactedCapture(_ region: Rect? = nil) throws -> Frame {
        var frame = try desktop.capture(region.map { .region($0) } ?? .screen)
        for area in redactedAreas(in: region) { frame.fill(area, with: Color(red: 0, green: 0, blue: 0)) }
        return frame
    }

    /// Writes a frame whatever `--frames` says (screenshots, `expect_screen` images), in the
    /// background; returns its name in the session folder.
    func saveFrame(_ frame: Frame, name: String, redacting areas: [Rect]) -> String {
        let relative = writer.reserve(name)
        writer.write(frame, redacting: areas, to: relative)
        return relative
    }

    /// A `screenshot` step: the screen or a region, redacted, written whatever `--frames` says; kept
    /// as `lastScreenshot` too, so the agent door returns exactly the pixels the session stores.
    func screenshot(_ name: String, _ region: Rect?) throws -> String {
        let frame = try redactedCapture(region)
        lastScreenshot = frame
        return saveFrame(frame, name: name, redacting: [])
    }

    /// The screen (or a region of it) now, redacted as the policy asks: what an observer may see.
    public func redactedScreen(_ region: Rect? = nil) throws -> Frame {
        try redactedCapture(region)
    }

    /// An input step's before or after frame (a full screen), as `--frames` says: named and
    /// queued at once, held until the step ends, or dropped. Returns the name it was queued under.
    @discardableResult
    func keepStepFrame(_ frame: Frame, name: String, _ slot: FrameSlot, _ event: inout Event) -> String? {
        switch options.frames {
        case .none: return nil
        case .all:
            let relative = saveFrame(frame, name: name, redacting: redactedAreas())
            if slot == .before { event.frames.before = relative } else { event.frames.after = relative }
            return relative
        case .failures:
            heldFrames.append(HeldFrame(frame: frame, areas: redactedAreas(), name: name, slot: slot))
            return nil
        }
    }

    /// The step failed: writes the frames held for it and, when it has no before frame (denied or
    /// failed before acting), the screen as it is now, so the record shows what it failed on.
    func keepFramesOfFailedStep(_ kind: String, _ event: inout Event) {
        defer { heldFrames.removeAll() }
        guard options.frames != .none else { return }
        for held in heldFrames {
            let relative = saveFrame(held.frame, name: held.name, redacting: held.areas)
            if held.slot == .before { event.frames.before = relative } else { event.frames.after = relative }
        }
        if event.frames.before == nil, event.frames.after == nil, let now = try? desktop.capture() {
            event.frames.before = saveFrame(now, name: frameName(kind, "failed"), redacting: redactedAreas())
        }
    }

    /// Waits until every frame is on disk; a problem writing one, as a failure message, or nil.
    func finishFrames() -> String? {
        guard let frameWriter else { return nil }
        let problems = frameWriter.drain()
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
