import Desktop
import Imaging
import TestSupport
import Testing

@Suite(.privateDisplay(), .serialized)
struct PointerTests {
    @Test func clicksArriveAtExactlyThosePixels() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let frame = try desktop.window(app.window).frame
        var generator = SplitMix64(seed: 20261129)
        var points: [Point] = []
        for _ in 0..<20 {
            points.append(
                Point(
                    x: frame.x + Int.random(in: 0..<frame.width, using: &generator),
                    y: frame.y + Int.random(in: 0..<frame.height, using: &generator)))
        }
        let before = app.events().count
        for point in points { try desktop.click(at: point) }
        let presses = try app.waitForEvents("button_press", count: 20, after: before)
        #expect(presses.count == 20)
        for (press, point) in zip(presses, points) {
            #expect(press.button == 1)
            #expect(press.rootX == point.x && press.rootY == point.y)
            #expect(press.x == point.x - frame.x && press.y == point.y - frame.y)
        }
        #expect(try desktop.pointerPosition() == points.last)
    }

    @Test func buttonsDoubleClickDragAndScroll() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let frame = try desktop.window(app.window).frame
        let ok = Point(x: frame.x + FixtureApp.Layout.okButton.center.x, y: frame.y + FixtureApp.Layout.okButton.center.y)
        var before = app.events().count
        try desktop.click(at: ok, button: .right)
        try desktop.click(at: ok, button: .middle)
        try desktop.click(at: ok, count: 2)
        let presses = try app.waitForEvents("button_press", count: 4, after: before)
        #expect(presses.map(\.button) == [3, 2, 1, 1])
        #expect(presses.allSatisfy { $0.target == "ok" })

        before = app.events().count
        let start = Point(x: frame.x + 50, y: frame.y + 220)
        let end = Point(x: frame.x + 400, y: frame.y + 250)
        try desktop.drag(from: start, to: end)
        let release = try app.waitForEvents("button_release", count: 1, after: before)[0]
        let press = app.events().dropFirst(before).first { $0.event == "button_press" }
        #expect(press?.rootX == start.x && press?.rootY == start.y)
        #expect(release.rootX == end.x && release.rootY == end.y)

        before = app.events().count
        try desktop.scroll(dx: -1, dy: 3, at: Point(x: frame.x + 300, y: frame.y + 300))
        try desktop.scroll(dx: 2, dy: -2)
        let wheel = try app.waitForEvents("button_press", count: 8, after: before)
        #expect(wheel.map(\.button) == [5, 5, 5, 6, 4, 4, 7, 7])
    }

    @Test func pointsOutsideTheScreenAreRefusedBeforeAnythingMoves() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try desktop.move(to: Point(x: 10, y: 10))
        let size = display.options.size
        #expect(throws: DesktopError.outsideScreen(Point(x: size.width, y: 5), size)) {
            try desktop.click(at: Point(x: size.width, y: 5))
        }
        #expect(throws: DesktopError.outsideScreen(Point(x: -1, y: 5), size)) {
            try desktop.drag(from: Point(x: 5, y: 5), to: Point(x: -1, y: 5))
        }
        #expect(try desktop.pointerPosition() == Point(x: 10, y: 10))
    }
}
