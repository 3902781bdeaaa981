import Desktop
import Imaging
import Policy
import Scenario
import Testing

/// `RecordingComposer` without X: a person's keys and buttons, with times and windows made up,
/// become the steps a scenario replays.
@Suite("Recording composer")
struct RecordingComposerTests {
    static let start = ContinuousClock.now
    static let app = window(1, title: "foredesk fixture (1)", className: "ForedeskFixture", at: Rect(x: 40, y: 40, width: 640, height: 400))
    static let dialog = window(2, title: "Open file", className: "ForedeskFixture", at: Rect(x: 200, y: 150, width: 300, height: 200))
    static let pinentry = window(3, title: "Passphrase", className: "Pinentry", at: Rect(x: 300, y: 300, width: 200, height: 100))

    static func window(_ id: UInt, title: String, className: String, at frame: Rect) -> WindowInfo {
        WindowInfo(
            id: WindowID(rawValue: id), title: title, className: className, instanceName: className.lowercased(), pid: 42,
            frame: frame, isMapped: true, isViewable: true, stackingIndex: 0, isOverrideRedirect: false)
    }

    /// A person's input, played into a composer at made-up times (in milliseconds from the start).
    struct Person {
        var composer: RecordingComposer
        var now = 0

        init(options: RecordingComposer.Options = .init(), window: WindowInfo? = RecordingComposerTests.app) {
            composer = RecordingComposer(options: options, activeWindow: window)
        }

        var time: ContinuousClock.Instant { RecordingComposerTests.start + .milliseconds(now) }

        mutating func wait(_ milliseconds: Int) {
            now += milliseconds
            composer.advance(to: time)
        }

        mutating func key(
            _ name: String, text: String? = nil, modifiers: [KeyCombo.Modifier] = [], in window: WindowInfo? = RecordingComposerTests.app
        ) {
            let key = PersonInput.Key(name: name, text: text, modifiers: modifiers)
            composer.add(PersonInput(kind: .keyPress, time: time, code: 38, key: key, window: window))
            wait(30)
            composer.add(PersonInput(kind: .keyRelease, time: time, code: 38, key: key))
            wait(50)
        }

        mutating func modifier(_ name: String, down: Bool) {
            let key = PersonInput.Key(name: name, isModifier: true)
            composer.add(PersonInput(kind: down ? .keyPress : .keyRelease, time: time, code: 37, key: key, window: RecordingComposerTests.app))
            wait(20)
        }

        mutating func type(_ text: String, in window: WindowInfo? = RecordingComposerTests.app) {
            for character in text { key(String(character), text: String(character), in: window) }
        }

        mutating func button(
            _ number: Int, down: Bool, at point: Point, in window: WindowInfo? = RecordingComposerTests.app,
            anchor: RecordingComposer.Anchor? = nil
        ) {
            composer.add(
                PersonInput(kind: down ? .buttonPress : .buttonRelease, time: time, code: number, pointer: point, window: window),
                anchor: anchor)
            wait(60)
        }

        mutating func click(_ point: Point, button number: Int = 1, in window: WindowInfo? = RecordingComposerTests.app) {
            button(number, down: true, at: point, in: window)
            button(number, down: false, at: point, in: window)
        }

        var steps: [Step.Action] { composer.flushed().steps.map(\.action) }
    }

    @Test func printableCharactersMergeIntoOneTypeStepNonASCIIIncluded() {
        var person = Person()
        person.type("héllo wörld 日本")
        #expect(person.steps == [.type(text: "héllo wörld 日本", secret: false)])
    }

    @Test func combinationsAndSpecialKeysAreKeyStepsAndRepeatsMerge() throws {
        var person = Person()
        person.type("ab")
        person.modifier("Control_L", down: true)
        person.key("a", text: "a", modifiers: [.ctrl])
        person.modifier("Control_L", down: false)
        person.key("BackSpace")
        person.key("BackSpace")
        person.key("BackSpace")
        person.key("Tab", modifiers: [.shift])
        person.key("Return")
        person.type("B")
        #expect(
            person.steps == [
                .type(text: "ab", secret: false), .key(try KeyCombination(parsing: "ctrl+a"), times: 1),
                .key(try KeyCombination(parsing: "BackSpace"), times: 3), .key(try KeyCombination(parsing: "shift+Tab"), times: 1),
                .key(try KeyCombination(parsing: "Return"), times: 1), .type(text: "B", secret: false),
            ])
    }

    @Test func clicksAreRelativeToTheirWindowAndKindsFollowTheButton() {
        var person = Person()
        person.click(Point(x: 120, y: 80))
        person.wait(500)
        person.click(Point(x: 360, y: 150), button: 3)
        person.wait(500)
        person.click(Point(x: 360, y: 150), button: 2)
        person.wait(500)
        #expect(
            person.steps == [
                .click(.window(Point(x: 80, y: 40))), .rightClick(.window(Point(x: 320, y: 110))),
                .middleClick(.window(Point(x: 320, y: 110))),
            ])
        #expect(person.composer.steps.count == 3, "each click is decided once the double-click time has passed")
    }

    @Test func twoQuickClicksAreADoubleClickAndSlowOnesAreNot() {
        var person = Person()
        person.click(Point(x: 120, y: 80))
        person.click(Point(x: 121, y: 81))
        person.wait(1000)
        person.click(Point(x: 120, y: 80))
        person.wait(450)
        person.click(Point(x: 120, y: 80))
        #expect(
            person.steps == [
                .doubleClick(.window(Point(x: 80, y: 40))), .click(.window(Point(x: 80, y: 40))),
                .click(.window(Point(x: 80, y: 40))),
            ])
    }

    @Test func aMovedLeftButtonIsADragAndAShakyClickIsNot() {
        var person = Person()
        person.button(1, down: true, at: Point(x: 80, y: 280))
        person.wait(400)
        person.button(1, down: false, at: Point(x: 440, y: 280))
        person.wait(500)
        person.button(1, down: true, at: Point(x: 120, y: 80))
        person.button(1, down: false, at: Point(x: 123, y: 82))
        #expect(
            person.steps == [
                .drag(from: .window(Point(x: 40, y: 240)), to: .window(Point(x: 400, y: 240)), duration: .milliseconds(400)),
                .click(.window(Point(x: 80, y: 40))),
            ])
    }

    @Test func wheelNotchesMergeIntoOneScrollPerDirection() {
        var person = Person()
        for _ in 0..<3 { person.click(Point(x: 360, y: 300), button: 5) }
        person.click(Point(x: 360, y: 300), button: 4)
        person.click(Point(x: 360, y: 300), button: 7)
        #expect(
            person.steps == [
                .scroll(.window(Point(x: 320, y: 260)), direction: .down, clicks: 3),
                .scroll(.window(Point(x: 320, y: 260)), direction: .up, clicks: 1),
                .scroll(.window(Point(x: 320, y: 260)), direction: .right, clicks: 1),
            ])
    }

    @Test func anotherWindowIsWaitedForAndActivatedBeforeAClickAndWaitedForWhenItTakesTheFocus() throws {
        var person = Person()
        person.modifier("Control_L", down: true)
        person.key("o", text: "o", modifiers: [.ctrl])
        person.modifier("Control_L", down: false)
        person.type("notes", in: Self.dialog)
        person.click(Point(x: 120, y: 80))
        person.wait(500)
        person.click(Point(x: 250, y: 200), in: Self.dialog)
        person.wait(500)
        let dialog = WindowMatch(title: try TextPattern("^Open file$"), windowClass: "ForedeskFixture")
        let app = WindowMatch(title: try TextPattern(#"^foredesk fixture \(1\)$"#), windowClass: "ForedeskFixture")
        #expect(
            person.steps == [
                .key(try KeyCombination(parsing: "ctrl+o"), times: 1), .waitWindow(dialog, timeout: .seconds(10)),
                .type(text: "notes", secret: false), .activate(.window(app), timeout: .seconds(10)),
                .click(.window(Point(x: 80, y: 40))), .activate(.window(dialog), timeout: .seconds(10)),
                .click(.window(Point(x: 50, y: 50))),
            ])
        #expect(app.title?.matches("foredesk fixture (1)") == true, "the escaped title matches the window's own")
    }

    @Test func textTypedInASensitiveWindowBecomesAPlaceholderAndIsKeptNowhere() {
        var person = Person()
        person.type("user")
        person.type("hunter2", in: Self.pinentry)
        person.key("Return", in: Self.pinentry)
        person.type("again", in: Self.pinentry)
        #expect(!"\(person.composer)".contains("again"), "a sensitive run being typed keeps no text either")
        let finished = person.composer.flushed().steps
        #expect(person.composer.flushed().secrets == ["secret_1", "secret_2"])
        #expect(finished.contains { $0.action == .type(text: "${secret_1}", secret: true) })
        #expect(finished.contains { $0.action == .type(text: "${secret_2}", secret: true) })
        #expect(!"\(finished)".contains("hunter2"), "the typed text is in no step and no comment")

        var custom = Person(options: .init(record: RecordPolicy(sensitiveWindows: [.init(title: try? CommandPattern("(?i)^open"))])))
        custom.type("x", in: Self.dialog)
        custom.type("y", in: Self.pinentry)
        #expect(custom.steps.contains(.type(text: "${secret_1}", secret: true)), "the policy's list replaces the default")
        #expect(custom.steps.contains(.type(text: "y", secret: false)))
    }

    @Test func aPauseWhileTheScreenChangedLateBecomesACappedSleepAndAThinkingPauseNothing() {
        var person = Person()
        person.click(Point(x: 120, y: 80))
        person.wait(100)
        person.composer.screenChanged(at: person.time)  // the click's own drawing
        person.wait(3000)
        person.type("a")
        person.wait(200)
        person.composer.screenChanged(at: person.time + .milliseconds(2800))  // the app answers late
        person.wait(3500)
        person.type("b")
        person.wait(300)
        person.composer.screenChanged(at: person.time + .milliseconds(9000))
        person.wait(10_000)
        person.type("c")
        #expect(
            person.steps == [
                .click(.window(Point(x: 80, y: 40))), .type(text: "a", secret: false), .sleep(.milliseconds(3300)),
                .type(text: "b", secret: false), .sleep(.seconds(5)), .type(text: "c", secret: false),
            ])
        let comments = person.composer.flushed().steps.compactMap(\.comment)
        #expect(comments.contains { $0.contains("capped by --max-pause") })

        var blind = Person(options: .init(maxPause: .seconds(2), watchesScreen: false))
        blind.type("a")
        blind.wait(1500)
        blind.type("b")
        #expect(blind.steps == [.type(text: "a", secret: false), .sleep(.milliseconds(1600)), .type(text: "b", secret: false)])
    }

    @Test func anAnchoredClickIsWrittenAsAnImageWithItsOffset() {
        var person = Person()
        let anchor = RecordingComposer.Anchor(path: "bug.images/0001.png", offset: Point(x: -4, y: 3))
        person.button(1, down: true, at: Point(x: 120, y: 80), anchor: anchor)
        person.button(1, down: false, at: Point(x: 120, y: 80))
        person.button(1, down: true, at: Point(x: 80, y: 280), anchor: anchor)
        person.button(1, down: false, at: Point(x: 200, y: 300))
        let image = ImageTarget(
            path: "bug.images/0001.png", search: RecordingComposer.Options().anchorSearch, offset: Point(x: -4, y: 3))
        #expect(
            person.steps == [
                .click(.image(image, timeout: .seconds(10))),
                .drag(from: .image(image, timeout: .seconds(10)), to: .offset(dx: 120, dy: 20), duration: .zero),
            ])
    }

    @Test func aClickOnTheBareDesktopIsInScreenCoordinatesAfterTheApp() {
        var person = Person(window: nil)
        person.click(Point(x: 900, y: 700), in: nil)
        #expect(person.steps == [.click(.screen(Point(x: 900, y: 700)))])
    }
}
