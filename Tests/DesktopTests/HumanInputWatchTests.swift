import Desktop
import Imaging
import Testing
import TestSupport

/// DESIGN rule 4's evidence: XInput2 raw events from a device that is not XTEST. foredesk's own
/// input never counts; a key on the server's own keyboard device does.
@Suite(.privateDisplay(), .serialized)
struct HumanInputWatchTests {
    @Test func injectedInputIsNotAPersonButTheServersOwnKeyboardIs() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let watch = try desktop.watchHumanInput()
        #expect(!watch.injectingDevices.isEmpty, "the XTEST devices are known")
        #expect(try watch.foreignInput() == nil, "nothing happened yet")

        let frame = try desktop.window(app.window).frame
        try desktop.click(at: Point(x: frame.x + 320, y: frame.y + 110))
        try desktop.type("xtest is foredesk")
        try desktop.key("ctrl+a")
        #expect(try watch.foreignInput() == nil, "XTest input is injected input, not a person's")

        try #require(
            RealDevice.pressKey(on: display.name),
            "this X server has no '\(RealDevice.keyboard)' device to play a person at the keyboard with")
        let seen = try #require(try watch.foreignInput(), "a key on a real device is seen")
        #expect(seen.contains("'\(RealDevice.keyboard)'"), "\(seen)")
        #expect(try watch.foreignInput() == nil, "each event is reported once")
    }
}
