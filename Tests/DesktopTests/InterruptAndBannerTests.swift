@testable import Desktop
import Foundation
import Imaging
import Synchronization
import TestSupport
import Testing

/// Stopping input from another thread, and the banner shown on existing displays.
@Suite(.privateDisplay(), .serialized)
struct InterruptAndBannerTests {
    @Test func interruptingReleasesHeldKeysAndButtonsAndRestoresTheKeymap() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let original = try desktop.keymapSymbols()
        try desktop.type("\u{20AC}")  // not on the default keymap: binds a spare keycode
        #expect(try desktop.keymapSymbols() != original)
        try desktop.keyDown(KeyCombo(parsing: "shift+a"))
        try desktop.press(.left)
        let observer = try Desktop(display: display.name)
        let held = try observer.pressedInput()
        #expect(held.buttons == [1])
        #expect(held.keycodes.count == 2, "shift and a are down: \(held.keycodes)")

        #expect(desktop.interruptInput() == .ownConnection)
        #expect(try observer.pressedInput().isEmpty)
        #expect(try observer.keymapSymbols() == original, "the spare keycode was given back")
        // Input stays off: a click after the interrupt presses nothing.
        try desktop.press(.left)
        #expect(try observer.pressedInput().isEmpty)
    }

    @Test func aSlowDragIsReleasedMidwayFromAnotherThreadAndThrows() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let observer = try Desktop(display: display.name)
        let outcome = Mutex<DesktopError?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            do throws(DesktopError) {
                try desktop.drag(from: Point(x: 10, y: 10), to: Point(x: 500, y: 10), duration: .seconds(60))
            } catch {
                outcome.withLock { $0 = error }
            }
            finished.signal()
        }.start()
        // Wait until the drag holds the button (no sleeps as assertions: a deadline only bounds the wait).
        let deadline = ContinuousClock.now + .seconds(20)
        while try observer.pressedInput().buttons != [1] {
            try #require(ContinuousClock.now < deadline, "the drag never pressed the button")
            Thread.sleep(forTimeInterval: 0.01)
        }
        desktop.interruptInput()
        #expect(try observer.pressedInput().isEmpty)
        #expect(finished.wait(timeout: .now() + 20) == .success)
        if case .interrupted? = outcome.withLock({ $0 }) {} else {
            Issue.record("the drag ended with \(String(describing: outcome.withLock { $0 })), not .interrupted")
        }
    }

    @Test func theReleaseUsesASecondConnectionWhenTheFirstIsBusy() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let observer = try Desktop(display: display.name)
        try desktop.press(.right)
        #expect(try observer.pressedInput().buttons == [3])
        let release = Mutex<InputRelease?>(nil)
        // Hold the desktop's own connection, as a step inside a long call would.
        let holding = DispatchSemaphore(value: 0)
        let letGo = DispatchSemaphore(value: 0)
        Thread {
            _ = try? desktop.withConnection { (_: X11Connection) throws(DesktopError) -> Int in
                holding.signal()
                letGo.wait()
                return 0
            }
        }.start()
        holding.wait()
        release.withLock { $0 = desktop.interruptInput(patience: .milliseconds(50)) }
        #expect(try observer.pressedInput().isEmpty, "released while the own connection was busy")
        letGo.signal()
        #expect(release.withLock { $0 } == .secondConnection)
    }

    @Test func theBannerIsOnTopLetsClicksThroughAndGoesAway() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let banner = try desktop.showBanner("foredesk is driving")
        let observer = try Desktop(display: display.name)
        let listed = try observer.windows().first { $0.id == banner }
        let info = try #require(listed, "a fresh client lists the banner")
        #expect(info.title == Desktop.bannerTitle)
        #expect(info.isOverrideRedirect && info.isViewable)
        #expect(info.frame.y == 0 && info.frame.x + info.frame.width == desktop.screenSize.width)
        #expect(try observer.windows().last?.id == banner, "the banner is topmost")
        #expect(try observer.activeWindowID() != banner)
        // The pointer over the banner is over whatever lies below it: the banner takes no input.
        try desktop.move(to: Point(x: info.frame.x + 4, y: 4))
        let under = try desktop.withConnection { (connection: X11Connection) throws(DesktopError) -> UInt in
            connection.queryPointer().child
        }
        #expect(under != banner.rawValue)
        _ = app
        try desktop.removeBanner(banner)
        #expect(try observer.windows().contains { $0.id == banner } == false)
    }
}

@Suite(.privateDisplay(), .serialized)
struct ScreensaverTests {
    @Test func theScreensaverStateIsRead() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        #expect(try desktop.screensaverActive() == false)
        try desktop.forceScreensaver(true)
        #expect(try Desktop(display: display.name).screensaverActive() == true)
        try desktop.forceScreensaver(false)
        #expect(try desktop.screensaverActive() == false)
    }
}
