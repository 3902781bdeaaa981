import Desktop
import Foundation
import Imaging
import Processes
import TestSupport
import Testing

@Suite(.privateDisplay(windowManager: true), .serialized)
struct WindowTests {
    @Test func listsTheFixtureWithTitleClassPidAndGeometry() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name, title: "Fixture — ünïcødé")
        let desktop = try Desktop(display: display.name)
        let windows = try desktop.windows()
        let mine = try #require(windows.first { $0.id == app.window })
        #expect(mine.title == "Fixture — ünïcødé")
        #expect(mine.className == "ForedeskFixture")
        #expect(mine.instanceName == "fixture-app")
        #expect(mine.pid == app.process.pid)
        #expect(mine.frame.size == FixtureApp.Layout.size)
        #expect(mine.isMapped && mine.isViewable)
        #expect(!windows.contains { $0.title == "Openbox" }, "the window manager's check window is not listed")
        let shot = try desktop.capture(.region(mine.frame))
        #expect(shot[25, 25] == FixtureApp.Layout.okColor, "the reported frame is the client area")
    }

    @Test func activeWindowFollowsActivation() throws {
        let display = try PrivateDisplay.require()
        let first = try FixtureApp(on: display.name, title: "first")
        let second = try FixtureApp(on: display.name, title: "second")
        let desktop = try Desktop(display: display.name)
        try desktop.activate(first.window)
        #expect(try desktop.activeWindow()?.id == first.window)
        // Other tests of the suite share the display, so compare the two windows' places only; the
        // window manager restacks just after it hands over the focus.
        var stack = try desktop.windows().map(\.id)
        for _ in 0..<20 where (stack.firstIndex(of: first.window) ?? 0) < (stack.firstIndex(of: second.window) ?? 0) {
            Thread.sleep(forTimeInterval: 0.1)
            stack = try desktop.windows().map(\.id)
        }
        #expect(
            (stack.firstIndex(of: first.window) ?? -1) > (stack.firstIndex(of: second.window) ?? -1),
            "the activated window is raised above the other")
        try desktop.activate(second.window)
        #expect(try desktop.activeWindow()?.id == second.window)
        #expect(try desktop.activeWindow()?.pid == second.process.pid)
        #expect(try desktop.activeWindowID() == second.window)
        let before = second.events().count
        try desktop.type("x")
        #expect(try second.typedText(after: before, length: 1) == "x", "keys go to the active window")
    }

    @Test func waitsForAWindowThatAppearsLater() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let started = ContinuousClock.now
        let launcher = Thread {
            Thread.sleep(forTimeInterval: 0.4)
            let app = try? FixtureApp(on: display.name, title: "late arrival 42")
            Thread.sleep(forTimeInterval: 3)
            withExtendedLifetime(app) {}
        }
        launcher.start()
        let window = try desktop.waitForWindow(matching: WindowQuery(titlePattern: "late arrival \\d+"), timeout: .seconds(15))
        #expect(window.title == "late arrival 42")
        #expect(ContinuousClock.now - started >= .milliseconds(400))
        let byClass = try desktop.waitForWindow(matching: WindowQuery(className: "ForedeskFixture", pid: window.pid))
        #expect(byClass.id == window.id)
    }

    @Test func waitingForAWindowThatNeverComesTimesOut() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let app = try FixtureApp(on: display.name, title: "present")
        let error = try #require(throws: DesktopError.self) {
            try desktop.waitForWindow(matching: WindowQuery(titlePattern: "never-there"), timeout: .milliseconds(300))
        }
        #expect(error.description.hasPrefix("no window matching title /never-there/ appeared within 0.3 s; visible: "))
        #expect(error.description.contains("'present' (ForedeskFixture, pid \(app.process.pid))"))
        #expect(throws: DesktopError.windowGone(WindowID(rawValue: 0x7fff_fff0))) {
            try desktop.activate(WindowID(rawValue: 0x7fff_fff0))
        }
    }
}

@Suite(.privateDisplay())
struct BareServerWindowTests {
    @Test func withoutAWindowManagerTheFocusDecidesTheActiveWindow() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        // The fixture focuses itself; with no window manager there is no _NET_ACTIVE_WINDOW.
        #expect(try desktop.activeWindow()?.id == app.window)
        #expect(try desktop.activeWindowID() == app.window)
        #expect(try desktop.windows().contains { $0.id == app.window && $0.pid == app.process.pid })
        try desktop.activate(app.window)
    }
}

@Suite(.privateDisplay(), .serialized)
struct ScreenWatchTests {
    @Test func seesTheAppDrawAfterAnInputAndNothingWhenIdle() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let watch = try desktop.watchScreen()
        _ = try watch.waitUntilSettled(quiet: .milliseconds(100), timeout: .seconds(5))
        try watch.reset()
        #expect(try watch.waitForChange(timeout: .milliseconds(200)) == nil, "an idle screen reports nothing")
        let frame = try desktop.window(app.window).frame
        try desktop.click(at: Point(x: frame.x + 320, y: frame.y + 110))
        try desktop.type("hello")
        let changed = try #require(try watch.waitForChange(timeout: .seconds(5)))
        #expect(frame.intersection(changed) != nil, "the change lies in the fixture window")
        let settling = try watch.waitUntilSettled(quiet: .milliseconds(100), timeout: .seconds(5))
        #expect(settling.settled)
    }

    @Test func theChangeCountStaysWhenNothingIsDrawnAndGrowsWhenSomethingIs() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let watch = try desktop.watchScreen()
        _ = try watch.waitUntilSettled(quiet: .milliseconds(100), timeout: .seconds(5))
        let idle = try watch.changeCount()
        _ = try desktop.pointerPosition()
        #expect(try watch.changeCount() == idle, "no drawing, no change")
        let frame = try desktop.window(app.window).frame
        try desktop.click(at: Point(x: frame.x + 320, y: frame.y + 110))
        try desktop.type("x")
        // Drawing seen by another reader (a wait) still counts: nothing is lost between two counts.
        _ = try watch.waitUntilSettled(quiet: .milliseconds(100), timeout: .seconds(5))
        #expect(try watch.changeCount() > idle, "typing drew the text field")
    }
}

@Suite struct DisplayErrorTests {
    @Test func aMissingDisplayNamesTheDisplay() {
        #expect(throws: DesktopError.cannotOpen(display: ":9876")) { try Desktop(display: ":9876") }
        #expect(DesktopError.cannotOpen(display: ":9876").description.contains(":9876"))
    }
}
