import Imaging
import TestSupport
import Testing

@Suite("Rect coalescing and pasting from a region")
struct RectCoalescingTests {
    let screen = Rect(x: 0, y: 0, width: 1920, height: 1080)

    @Test("Glyph-sized neighbours on one line merge into one rectangle")
    func neighboursMerge() {
        let glyphs = (0..<12).map { Rect(x: 100 + $0 * 7, y: 500, width: 7, height: 13) }
        #expect(Rect.coalesce(glyphs, within: screen) == [Rect(x: 100, y: 500, width: 84, height: 13)])
    }

    @Test("Far-apart changes stay apart, and everything is clipped to the bounds")
    func farApartStayApart() {
        let rects = [Rect(x: 10, y: 10, width: 20, height: 20), Rect(x: 1800, y: 1000, width: 200, height: 200)]
        let merged = Rect.coalesce(rects, within: screen)
        #expect(merged.count == 2)
        #expect(merged.contains(Rect(x: 1800, y: 1000, width: 120, height: 80)))
        #expect(Rect.coalesce([Rect(x: 3000, y: 0, width: 10, height: 10)], within: screen).isEmpty)
    }

    @Test("Hundreds of scattered rectangles end as at most the limit, covering every one")
    func limitHolds() {
        var random = SplitMix64(seed: 7)
        let rects = (0..<500).map { _ in
            Rect(
                x: Int(random.next() % 1900), y: Int(random.next() % 1060), width: Int(random.next() % 20) + 1,
                height: Int(random.next() % 20) + 1)
        }
        let merged = Rect.coalesce(rects, within: screen, limit: 16)
        #expect(merged.count <= 16)
        for rect in rects {
            #expect(merged.contains { $0.contains(rect) }, "\(rect) is covered")
        }
    }

    @Test("paste(_:from:at:) copies exactly the source part, clipped at the edges")
    func pasteFromRegion() {
        var atlas = Frame(width: 4, height: 6, color: Color(rgb: 0x000000))
        atlas.fill(Rect(x: 0, y: 2, width: 3, height: 2), with: Color(rgb: 0xFF0000))
        var screen = Frame(width: 8, height: 8, color: Color(rgb: 0x00FF00))
        screen.paste(atlas, from: Rect(x: 0, y: 2, width: 3, height: 2), at: Point(x: 6, y: 1))
        for y in 0..<8 {
            for x in 0..<8 {
                let inside = (6..<8).contains(x) && (1..<3).contains(y)
                #expect(screen[x, y] == (inside ? Color(rgb: 0xFF0000) : Color(rgb: 0x00FF00)), "\(x),\(y)")
            }
        }
    }
}
