@testable import Desktop
import Foundation
import Imaging
import TestSupport
import Testing

@Suite(.privateDisplay(), .serialized)
struct TypingTests {
    static let nonASCII = "éèêëàâäöüßÉÖÜçñ€£¥©±µ¿¡αβγΩλπ日本語中文한국😀🚀✓→"

    @Test func everyPrintableASCIICharacterArrivesAsTyped() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let ascii = String((0x20...0x7E).map { Character(Unicode.Scalar($0)!) })
        let before = app.events().count
        try desktop.type(ascii)
        #expect(try app.typedText(after: before, length: ascii.unicodeScalars.count) == ascii)
    }

    @Test func nonASCIICharactersArriveAsTypedAndTheKeymapIsRestored() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let original = try desktop.keymapSymbols()
        #expect(Self.nonASCII.unicodeScalars.count >= 20)
        let before = app.events().count
        try desktop.type(Self.nonASCII)
        #expect(try app.typedText(after: before, length: Self.nonASCII.unicodeScalars.count) == Self.nonASCII)
        #expect(try desktop.keymapSymbols() != original, "missing characters were bound to spare keycodes")
        try desktop.releaseAll()
        #expect(try desktop.keymapSymbols() == original)
    }

    @Test func moreMissingCharactersThanSpareKeycodesStillArrive() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        // Hiragana and CJK: hundreds of distinct characters no keymap has, several rebinding rounds.
        let text = String((0x3041...0x3096).map { Character(Unicode.Scalar($0)!) })
            + String((0x4E00...0x4E40).map { Character(Unicode.Scalar($0)!) })
        let before = app.events().count
        try desktop.type(text)
        #expect(try app.typedText(after: before, length: text.unicodeScalars.count, timeout: .seconds(30)) == text)
    }

    @Test func newlinesAndTabsAreKeysAndControlCharactersAreRefused() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let before = app.events().count
        try desktop.type("a\tb\nc")
        let presses = try app.waitForEvents("key_press", count: 5, after: before)
        #expect(presses.map(\.name) == ["a", "Tab", "b", "Return", "c"])
        let count = app.events().count
        #expect(throws: DesktopError.unknownKey(combo: "U+7", reason: "control characters cannot be typed; use `key` for keys")) {
            try desktop.type("ok\u{07}")
        }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(app.events().count == count, "nothing of a refused text is typed")
    }

    @Test func keyCombinationsPressModifiersAroundTheKey() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let before = app.events().count
        try desktop.key("ctrl+shift+t")
        try desktop.key("Return")
        try desktop.key("F5")
        try desktop.key("super+l")
        try desktop.key("alt+F4")
        let presses = try app.waitForEvents("key_press", count: 9, after: before)
        #expect(presses.map { $0.name ?? "" } == ["Control_L", "Shift_L", "T", "Return", "F5", "Super_L", "l", "Alt_L", "F4"])
        let t = try #require(presses.first { $0.name == "T" })
        #expect((t.state ?? 0) & 0x5 == 0x5, "Shift and Control are held while t is pressed")
        let l = try #require(presses.first { $0.name == "l" })
        #expect((l.state ?? 0) & 0x40 == 0x40, "Super (Mod4) is held while l is pressed")
        let releases = try app.waitForEvents("key_release", count: 9, after: before)
        #expect(releases.count == presses.count, "every key pressed is released")
    }

    @Test func unknownKeyNamesAreRefusedWithTheirName() throws {
        #expect(throws: DesktopError.unknownKey(
            combo: "ctrl+shfit+t",
            reason: "'shfit' is not a modifier (use ctrl, shift, alt, super, meta, hyper or altgr before the key)")
        ) {
            try KeyCombo(parsing: "ctrl+shfit+t")
        }
        #expect(throws: DesktopError.unknownKey(
            combo: "ctrl+Retrun", reason: "'Retrun' is not a key name (examples: Return, F5, a, Escape, Left, space)")
        ) {
            try KeyCombo(parsing: "ctrl+Retrun")
        }
    }
}

@Suite(.privateDisplay(), .serialized)
struct LayoutTests {
    @Test(.enabled(if: Tools.exists("setxkbmap"), "setxkbmap (x11-xkb-utils) is missing; tools/setup installs it"))
    func typingIsRightOnAGermanLayout() throws {
        let display = try PrivateDisplay.require()
        try Tools.run("setxkbmap", ["-display", display.name, "de"])
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        // On "de" y and z swap places, @ and € need AltGr, and ä ö ü ß have keys of their own.
        let text = "yz@€äöüß Zürich {x}"
        let before = app.events().count
        try desktop.type(text)
        let typed = try app.wait { events -> String? in
            let presses = events.dropFirst(before).filter { $0.event == "key_press" && $0.name != "Shift_L" }
            return presses.count >= text.unicodeScalars.count ? presses.map { $0.text ?? "" }.joined() : nil
        }
        #expect(typed == text, "\(app.events().dropFirst(before).filter { $0.event == "key_press" }.map { "\($0.keycode ?? 0):\($0.name ?? "")" })")
        let z = try #require(app.events().dropFirst(before).first { $0.text == "z" })
        #expect(z.keycode == 29, "z is typed with the key a German keyboard has there (keycode 29, 'y' on US)")
    }
}

/// System tools the tests call.
enum Tools {
    static func exists(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }

    static func run(_ name: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(name) \(arguments) failed")
    }
}
