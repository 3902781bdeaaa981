import Desktop
import Foundation
import Imaging

// `--anchor-images`: a template cut around each button press, so replay clicks where it is found
// when the layout moved.
extension ScenarioRecorder {
    /// Template sizes tried in turn, until one is found only once on the screen.
    static let anchorSizes = [Size(width: 48, height: 32), Size(width: 96, height: 64), Size(width: 160, height: 96)]

    /// Cuts a template around point (clipped to the screen) that occurs once on the screen, saves it
    /// as `<scenario>.images/NNNN.png` and returns it with point's offset from its centre; nil when
    /// point lies in a redacted area (a template must not hold what frames hide) or nothing could be cut.
    func cutAnchor(at point: Point) -> RecordingComposer.Anchor? {
        guard !redactedAreas().contains(where: { $0.contains(point) }), let screen = try? runner.desktop.capture() else {
            return nil
        }
        var search = RecordingComposer.Options().anchorSearch
        search.maxMatches = 2
        var chosen: (Frame, Rect)?
        for size in Self.anchorSizes {
            let wanted = Rect(x: point.x - size.width / 2, y: point.y - size.height / 2, width: size.width, height: size.height)
            guard let area = wanted.intersection(screen.bounds), let template = try? screen.cropped(to: area) else { continue }
            chosen = (template, area)
            // One match (its own place) means replay finds this place and no other.
            if let matches = try? screen.find(template, options: search), matches.count == 1 { break }
        }
        guard let (template, area) = chosen else { return nil }
        imageCount += 1
        let digits = String(imageCount)
        let relative = stem + ".images/" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".png"
        do {
            try FileManager.default.createDirectory(atPath: folder + "/" + stem + ".images", withIntermediateDirectories: true)
            try template.writePNG(to: folder + "/" + relative)
        } catch {
            say("cannot save the anchor image \(relative): \(error)")
            return nil
        }
        return RecordingComposer.Anchor(
            path: relative, offset: Point(x: point.x - area.center.x, y: point.y - area.center.y))
    }
}
