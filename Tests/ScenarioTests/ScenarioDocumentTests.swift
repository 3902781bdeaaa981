import Imaging
import Policy
import Scenario
import Testing

/// `ScenarioDocument` writes YAML that the parser reads back to the same steps, and the image
/// `offset:` the recorder writes is part of the format.
@Suite("Scenario document")
struct ScenarioDocumentTests {
    static let start = ContinuousClock.now

    static func combo(_ text: String) throws -> KeyCombination { try KeyCombination(parsing: text) }

    @Test func everyStepKindReadsBackAsWritten() throws {
        let window = WindowMatch(title: try TextPattern(#"^a "quoted" \(title\)$"#), windowClass: "ForedeskFixture")
        var image = ImageTarget(path: "bug.images/0001.png", search: SearchOptions(tolerance: 24, minScore: 0.95))
        image.offset = Point(x: -3, y: 7)
        let actions: [Step.Action] = [
            .launch(app: "fixture-app", timeout: .seconds(20)),
            .waitWindow(window, timeout: .seconds(10)),
            .activate(.window(window), timeout: .seconds(3)),
            .activate(.app("fixture-app"), timeout: .seconds(10)),
            .click(.window(Point(x: 80, y: 40))),
            .doubleClick(.screen(Point(x: 900, y: -2))),
            .rightClick(.image(image, timeout: .seconds(10))),
            .middleClick(.window(Point(x: 1, y: 2))),
            .move(.window(Point(x: 5, y: 6))),
            .drag(from: .window(Point(x: 40, y: 240)), to: .window(Point(x: 400, y: 240)), duration: .milliseconds(700)),
            .drag(from: .image(image, timeout: .seconds(5)), to: .offset(dx: 120, dy: -20)),
            .drag(from: .screen(Point(x: 1, y: 1)), to: .screen(Point(x: 9, y: 9))),
            .scroll(.window(Point(x: 320, y: 260)), direction: .down, clicks: 3),
            .type(text: "héllo wörld: 日本 \"q\" \\ ${not a variable} #x", secret: false),
            .type(text: "yes", secret: false),
            .type(text: "  spaced ", secret: false),
            .type(text: "${secret_1}", secret: true),
            .key(try Self.combo("ctrl+a"), times: 1),
            .key(try Self.combo("BackSpace"), times: 3),
            .wait(.settle(region: nil, quiet: .milliseconds(300)), timeout: .seconds(5)),
            .wait(.window(window), timeout: .seconds(10)),
            .wait(.change(region: Rect(x: 1, y: 2, width: 3, height: 4)), timeout: .seconds(10)),
            .wait(.imageAppears(ImageTarget(path: "a.png")), timeout: .seconds(10)),
            .wait(.imageVanishes(ImageTarget(path: "a.png", search: SearchOptions(tolerance: 8))), timeout: .seconds(2)),
            .screenshot(name: "after", region: Rect(x: 0, y: 0, width: 10, height: 10)),
            .expectScreen(
                golden: "golden/x.png",
                options: CompareOptions(
                    tolerance: 8, masks: [Rect(x: 1, y: 1, width: 1, height: 1)], region: Rect(x: 0, y: 0, width: 5, height: 5)),
                timeout: .seconds(10)),
            .expectWindow(window, timeout: .seconds(2)),
            .run(.arguments(["sh", "-c", "echo $HOME"]), timeout: .seconds(5), exitCode: 3, output: try TextPattern("^x")),
            .run(.shell("ls | wc -l"), timeout: .seconds(10), exitCode: 0, output: nil),
            .expectFile(path: "notes.txt", FileExpectation(contains: "hello"), timeout: .seconds(10)),
            .sleep(.milliseconds(1500)),
        ]
        let document = ScenarioDocument(
            header: ["Recorded by a test."], name: "round trip", description: "every kind",
            variables: [.init(name: "secret_1", value: "", comment: "set it before replaying")],
            display: .virtual(Size(width: 1024, height: 768)),
            apps: [
                .init(
                    name: "fixture-app", command: .arguments(["fixture-app", "--events", "/tmp/a b/A.jsonl"]),
                    policy: "bug.policy.yaml", window: window, windowTimeout: .seconds(20))
            ],
            steps: actions.map { RecordedStep($0, at: Self.start, comment: "a comment") })
        let text = document.yaml
        let scenario = try Scenario(yaml: text, file: "bug.yaml")
        var expected = actions
        expected[16] = .type(text: "", secret: true)  // the placeholder reads back as its (empty) value
        #expect(scenario.steps.map(\.action) == expected, "\(text)")
        #expect(scenario.name == "round trip")
        #expect(scenario.variables == ["secret_1": ""])
        #expect(scenario.display == .virtual(Size(width: 1024, height: 768)))
        let app = try #require(scenario.app(named: "fixture-app"))
        #expect(app.command == .arguments(["fixture-app", "--events", "/tmp/a b/A.jsonl"]))
        #expect(app.window == window)
        #expect(app.windowTimeout == .seconds(20))
        #expect(app.policy == "bug.policy.yaml")
        #expect(text.contains("# Recorded by a test.\n"))
        #expect(text.contains("  # a comment\n  - launch: fixture-app\n"))
    }

    @Test func anImageTargetTakesAnOffsetFromItsCentre() throws {
        #expect(
            try step("  - click: { image: ok.png, offset: [3, -4] }\n")
                == .click(.image(ImageTarget(path: "dir/ok.png", offset: Point(x: 3, y: -4)), timeout: .seconds(10))))
        #expect(stepError("  - click: { at: [1, 2], offset: [1, 1] }\n").hasPrefix("s.yaml:8:26:"))
        #expect(stepError("  - click: { at: [1, 2], offset: [1, 1] }\n").contains("'offset'"))
        #expect(stepError("  - click: { image: ok.png, offset: [1] }\n").hasPrefix("s.yaml:8:37:"))
        #expect(stepError("  - wait: { image: ok.png, offset: [1, 1] }\n").contains("unknown key 'offset'"))
        let image = ImageTarget(path: "x.png", offset: Point(x: -10, y: 5))
        let match = TemplateMatch(rect: Rect(x: 100, y: 100, width: 40, height: 20), score: 1)
        #expect(image.point(in: match) == Point(x: 110, y: 115))
    }

    @Test func aCommandLineIsSplitIntoWordsUnlessTheShellIsNeeded() {
        #expect(ScenarioCommand(commandLine: "fixture-app --events A.jsonl") == .arguments(["fixture-app", "--events", "A.jsonl"]))
        #expect(ScenarioCommand(commandLine: #"app --title 'my app' "x y" a\ b"#) == .arguments(["app", "--title", "my app", "x y", "a b"]))
        #expect(ScenarioCommand(commandLine: "app > log") == .shell("app > log"))
        #expect(ScenarioCommand(commandLine: "app $HOME") == .shell("app $HOME"))
        #expect(ScenarioCommand(commandLine: "app 'open") == .shell("app 'open"))
        #expect(ScenarioCommand(commandLine: "  ") == .shell("  "))
    }
}
