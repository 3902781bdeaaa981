import Desktop
import Foundation
import Imaging
import Policy
import Processes
import Sandbox
import Session

// Input steps: resolve the target, gate, before-frame, act, settle, after-frame.
extension ScenarioRunner {
    func pointer(
        _ kind: Action.Kind, _ target: PointerTarget, _ event: inout Event,
        scroll: (ScrollDirection, Int)? = nil
    ) throws {
        let point: Point
        switch target {
        case let .screen(screenPoint):
            point = screenPoint
        case let .window(offset):
            guard let active = try desktop.activeWindowID().flatMap({ try? desktop.window($0) }) else {
                let (facts, _) = try facts()
                try check(Action.pointer(kind, at: nil), facts, &event)
                throw StepFailure("no window is active, so \(offset) has no window to be relative to")
            }
            point = Point(x: active.frame.x + offset.x, y: active.frame.y + offset.y)
        case let .image(image, timeout):
            let match = try locate(image, timeout: timeout, for: kind, &event)
            point = image.point(in: match)
            recordImage(Action.pointer(kind, at: point), image, match, &event)
        }
        try input(Action.pointer(kind, at: point), &event, targets: [point]) { (desktop) throws(DesktopError) in
            switch kind {
            case .click: try desktop.click(at: point)
            case .doubleClick: try desktop.click(at: point, count: 2)
            case .rightClick: try desktop.click(at: point, button: .right)
            case .middleClick: try desktop.click(at: point, button: .middle)
            case .scroll:
                let (direction, clicks) = scroll ?? (.down, 1)
                let dx = direction == .left ? -clicks : direction == .right ? clicks : 0
                let dy = direction == .up ? -clicks : direction == .down ? clicks : 0
                try desktop.scroll(dx: dx, dy: dy, at: point)
            default: try desktop.move(to: point)
            }
        }
    }

    func drag(_ from: PointerTarget, _ to: DragEnd, duration: Duration = .zero, _ event: inout Event) throws {
        let active = try desktop.activeWindowID().flatMap { try? desktop.window($0) }
        let origin = Point(x: active?.frame.x ?? 0, y: active?.frame.y ?? 0)
        let start: Point
        var imageMatch: (ImageTarget, TemplateMatch)?
        switch from {
        case let .screen(point): start = point
        case let .window(offset) where active != nil: start = Point(x: origin.x + offset.x, y: origin.y + offset.y)
        case .window:
            let (facts, _) = try facts()
            try check(Action(kind: .drag), facts, &event)
            throw StepFailure("no window is active, so the drag's start has no window to be relative to")
        case let .image(image, timeout):
            let match = try locate(image, timeout: timeout, for: .drag, &event)
            start = image.point(in: match)
            imageMatch = (image, match)
        }
        let end: Point
        switch to {
        case let .screen(point): end = point
        case let .window(offset): end = Point(x: origin.x + offset.x, y: origin.y + offset.y)
        case let .offset(dx, dy): end = Point(x: start.x + dx, y: start.y + dy)
        }
        if let (image, match) = imageMatch { recordImage(Action.drag(from: start, to: end), image, match, &event) }
        try input(Action.drag(from: start, to: end), &event, targets: [start, end]) { (desktop) throws(DesktopError) in
            try desktop.drag(from: start, to: end, duration: duration)
        }
    }

    /// Gate, before-frame, the action, the settled screen, after-frame; frames go to disk (or are
    /// held, or dropped) as `--frames` says, and a failed step keeps what it failed on.
    func input(
        _ action: Action, _ event: inout Event, targets: [Point] = [],
        _ body: (Desktop) throws(DesktopError) -> Void
    ) throws {
        let kind = action.kind.rawValue
        heldFrames.removeAll()
        do {
            let (facts, _) = try facts(targets: targets)
            try check(action, facts, &event)
            // Without frames the screen is captured only when a later `wait: {change:}` compares with it.
            if options.frames != .none || waitsForChange {
                // Nothing drawn since the previous step's after-frame (the usual case): it is this
                // step's before-frame too, with no capture and one file for both events.
                if let last = lastAfterFrame, try watch.changeCount() == last.changes {
                    lastBefore = last.frame
                    if options.frames == .all { event.frames.before = last.relative }
                } else {
                    let before = try desktop.capture()
                    lastBefore = before
                    keepStepFrame(before, name: frameName(kind, "before"), .before, &event)
                }
            }
            lastAfterFrame = nil
            try watch.reset()
            try body(desktop)
            let settling = try watch.waitUntilSettled(quiet: scenario.settle, timeout: .seconds(5))
            event.settleMilliseconds = Self.milliseconds(settling.elapsed)
            if options.frames != .none {
                let changes = try watch.changeCount()
                let after = try desktop.capture()
                if let relative = keepStepFrame(after, name: frameName(kind, "after"), .after, &event) {
                    lastAfterFrame = (after, changes, relative)
                }
            }
            event.pointer = try? desktop.pointerPosition()
            heldFrames.removeAll()
        } catch {
            keepFramesOfFailedStep(kind, &event)
            throw error
        }
    }

    func frameName(_ kind: String, _ when: String) -> String {
        frameCounter += 1
        return "step\(frameCounter)-\(kind)-\(when)"
    }
}
