import Desktop
import Foundation
import Imaging
import Testing
import TestSupport

/// `PersonInputWatch` reads a person's input event by event: keys translated with the keymap of the
/// moment (a spare keycode rebound to é included), modifiers, buttons with the pointer and the
/// window under it; foredesk's own XTest input never appears.
@Suite(.privateDisplay(), .serialized)
struct PersonInputWatchTests {
    /// Everything the watch reports until it has been quiet for a while.
    func drain(_ watch: PersonInputWatch) throws -> [PersonInput] {
        var all: [PersonInput] = []
        var quietRounds = 0
        while quietRounds < 5 {
            let batch = try watch.next(timeout: .milliseconds(40))
            quietRounds = batch.isEmpty ? quietRounds + 1 : 0
            all += batch
        }
        return all
    }

    @Test func keysAreTranslatedWithTheKeymapOfTheMomentAndInjectedInputIsNotSeen() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let watch = try PersonInputWatch(display: display.name)
        let person = try #require(RealPerson(display: display.name), "this X server has no Xvfb keyboard and mouse")

        let frame = try desktop.window(app.window).frame
        try desktop.click(at: Point(x: frame.x + 320, y: frame.y + 110))
        try desktop.type("xtest")
        #expect(try drain(watch).isEmpty, "XTest input is not a person's")

        // é is bound to a spare keycode after the watch has read the keymap for h.
        person.type("hé")
        person.combo([0xFFE3], 0x61)  // ctrl+a
        person.combo([0xFFE1], 0x62)  // shift+b
        let keys = try drain(watch).filter { $0.kind == .keyPress }
        #expect(keys.compactMap(\.key?.text).joined() == "héaB", "\(keys.map(\.key))")
        let ctrlA = try #require(keys.first { $0.key?.name == "a" })
        #expect(ctrlA.key?.modifiers == [.ctrl])
        #expect(keys.first { $0.key?.name == "Control_L" }?.key?.isModifier == true)
        #expect(keys.allSatisfy { $0.window?.id == app.window }, "keys went to the fixture")
        _ = try app.typedText(length: 7)
    }

    @Test func buttonsComeWithThePointerAndTheWindowUnderIt() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let watch = try PersonInputWatch(display: display.name)
        let person = try #require(RealPerson(display: display.name), "this X server has no Xvfb keyboard and mouse")
        let frame = try desktop.window(app.window).frame
        person.click(frame.x + 80, frame.y + 40)
        person.drag(from: (frame.x + 40, frame.y + 240), to: (frame.x + 400, frame.y + 240))
        let buttons = try drain(watch).filter { $0.kind == .buttonPress || $0.kind == .buttonRelease }
        #expect(buttons.map(\.kind) == [.buttonPress, .buttonRelease, .buttonPress, .buttonRelease])
        #expect(buttons.first?.pointer == Point(x: frame.x + 80, y: frame.y + 40))
        #expect(buttons[2].pointer == Point(x: frame.x + 40, y: frame.y + 240), "read where the drag began")
        #expect(buttons.last?.pointer == Point(x: frame.x + 400, y: frame.y + 240))
        #expect(buttons.allSatisfy { $0.window?.id == app.window })
        let pressed = try app.waitForEvents("button_press", count: 2)
        #expect(pressed.map(\.target) == ["ok", "canvas"])
    }
}
