import Desktop
import Foundation
import Imaging
import Policy
import Session

// Template images on the screen: finding one (waiting on XDamage, searching only where the screen
// changed), waiting for one to vanish, and how a miss is reported.
extension ScenarioRunner {
    /// The outcome of looking for a template until a timeout.
    struct ImageSearch {
        let template: Frame
        let match: TemplateMatch?
    }

    func template(_ target: ImageTarget) throws -> Frame {
        guard FileManager.default.fileExists(atPath: target.path) else {
            throw StepFailure("the image \(target.path) does not exist")
        }
        do {
            return try Frame(contentsOfPNG: target.path)
        } catch {
            throw StepFailure("cannot read the image \(target.path): \(error)")
        }
    }

    /// Looks for target on the screen until it is found or timeout passes. After the first full
    /// search, the screen is searched again only when XDamage reports a change, and only around the
    /// changed area: a place the last search rejected cannot match unless some of it changed.
    func findImage(_ target: ImageTarget, timeout: Duration) throws -> ImageSearch {
        let template = try template(target)
        let deadline = runNow + timeout
        try watch.reset()
        var screen = try desktop.capture()
        var area: Rect? = target.search.region ?? screen.bounds
        while true {
            if let area, let match = try best(template, in: screen, area: area, target.search) {
                return ImageSearch(template: template, match: match)
            }
            let left = deadline - runNow
            guard left > .zero, let changed = try watch.waitForChange(timeout: left) else {
                return ImageSearch(template: template, match: nil)
            }
            screen = try desktop.capture()
            // A match overlapping the change has its top-left corner at most a template's size
            // above and left of it.
            let grown = Rect(
                x: changed.x - template.width + 1, y: changed.y - template.height + 1,
                width: changed.width + 2 * (template.width - 1), height: changed.height + 2 * (template.height - 1))
            area = grown.intersection(target.search.region ?? screen.bounds)
        }
    }

    /// The best match inside area of screen, or nil; nil too when area is smaller than template.
    func best(_ template: Frame, in screen: Frame, area: Rect, _ search: SearchOptions) throws -> TemplateMatch? {
        guard let area = area.intersection(screen.bounds), area.width >= template.width,
            area.height >= template.height
        else { return nil }
        var options = search
        options.region = area
        return try screen.findBest(template, options: options)
    }

    /// Why target was not found: its path, the best score on the screen now, the threshold.
    func notFound(_ target: ImageTarget, _ template: Frame, timeout: Duration) -> StepFailure {
        let threshold = target.search.minScore
        var seen = "below 0.6"
        if let screen = try? desktop.capture() {
            // A lower threshold lets more pixels miss, which makes a search slower: step down only as
            // far as needed, once, after the wait has failed.
            for score in [0.9, 0.6] where score < threshold {
                var options = target.search
                options.minScore = score
                if let match = try? screen.findBest(template, options: options) {
                    seen = String(format: "%.3f at %@", match.score, "\(match.rect)")
                    break
                }
            }
        }
        let tolerance = target.search.tolerance > 0 ? " with tolerance \(target.search.tolerance)" : ""
        return StepFailure(
            "the image \(target.path) was not found on the screen within \(timeout): the best score seen was \(seen), "
                + "the threshold is \(threshold)\(tolerance)")
    }

    /// Where a pointer step's image target is (click at its centre); a miss fails the step.
    func locate(_ target: ImageTarget, timeout: Duration, for kind: Action.Kind, _ event: inout Event) throws
        -> TemplateMatch
    {
        let search = try findImage(target, timeout: timeout)
        guard let match = search.match else {
            event.action.parameters = Self.imageParameters(target, nil)
            keepFramesOfFailedStep(kind.rawValue, &event)
            throw notFound(target, search.template, timeout: timeout)
        }
        return match
    }

    /// The event's action for a pointer step at an image: the point, then where the image was found.
    func recordImage(_ action: Action, _ target: ImageTarget, _ match: TemplateMatch, _ event: inout Event) {
        event.action = RecordedAction(action)
        event.action.parameters += Self.imageParameters(target, match)
    }

    static func imageParameters(_ target: ImageTarget, _ match: TemplateMatch?) -> [JSONValue.Member] {
        var parameters: [JSONValue.Member] = [.init("image", .string(target.path))]
        if let match {
            let rect = match.rect
            parameters.append(.init("found", .array([rect.x, rect.y, rect.width, rect.height].map { .int($0) })))
            parameters.append(.init("score", .double(match.score)))
        }
        parameters.append(.init("min_score", .double(target.search.minScore)))
        return parameters
    }

    /// `wait: {image: …}`: the image appears within timeout.
    func waitForImage(_ target: ImageTarget, timeout: Duration, _ event: inout Event) throws {
        let search = try findImage(target, timeout: timeout)
        event.action.parameters = Self.imageParameters(target, search.match)
        guard search.match != nil else {
            keepFramesOfFailedStep("wait", &event)
            throw notFound(target, search.template, timeout: timeout)
        }
        if options.frames == .all {
            event.frames.after = saveFrame(try desktop.capture(), name: frameName("wait", "image"), redacting: redactedAreas())
        }
    }

    /// `wait: {image_gone: …}`: the image is nowhere on the screen within timeout. While it is
    /// there, the screen is searched again only when a change touches where it was.
    func waitForImageGone(_ target: ImageTarget, timeout: Duration, _ event: inout Event) throws {
        let template = try template(target)
        let deadline = runNow + timeout
        let whole = target.search.region ?? desktop.screenBounds
        try watch.reset()
        var last = try best(template, in: try desktop.capture(), area: whole, target.search)
        while let match = last {
            let left = deadline - runNow
            guard left > .zero else {
                event.action.parameters = Self.imageParameters(target, match)
                keepFramesOfFailedStep("wait", &event)
                throw StepFailure(
                    "the image \(target.path) was still on the screen at \(match.rect) (score "
                        + String(format: "%.3f", match.score) + ") after \(timeout)")
            }
            guard let changed = try watch.waitForChange(timeout: left), changed.intersection(match.rect) != nil else {
                continue
            }
            last = try best(template, in: try desktop.capture(), area: whole, target.search)
        }
        event.action.parameters = Self.imageParameters(target, nil)
        if options.frames == .all {
            event.frames.after = saveFrame(try desktop.capture(), name: frameName("wait", "image-gone"), redacting: redactedAreas())
        }
    }
}
