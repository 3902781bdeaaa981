import Imaging
import Policy
import Scenario
import Testing

/// `ScenarioYAML` writes what the parser reads back to the same steps: record, agent sessions and
/// export-scenario all depend on it.
struct ScenarioYAMLTests {
    static let actions: [Step.Action] = [
        .launch(app: "app", timeout: .seconds(20)),
        .waitWindow(WindowMatch(title: try! TextPattern("^Editor — \"x\"$"), windowClass: "XTerm"), timeout: .milliseconds(1500)),
        .activate(.app("app"), timeout: .seconds(2)),
        .activate(.window(WindowMatch(windowClass: "Gimp")), timeout: .seconds(2)),
        .click(.screen(Point(x: 120, y: 80))),
        .doubleClick(.window(Point(x: 5, y: 6))),
        .rightClick(.image(ImageTarget(path: "/tmp/ok.png", search: SearchOptions(tolerance: 8, minScore: 0.9)), timeout: .seconds(3))),
        .middleClick(.screen(Point(x: 0, y: 0))),
        .move(.screen(Point(x: 1, y: 2))),
        .drag(from: .screen(Point(x: 10, y: 10)), to: .screen(Point(x: 300, y: 200)), duration: .zero),
        .drag(from: .window(Point(x: 10, y: 10)), to: .offset(dx: -5, dy: 40), duration: .milliseconds(400)),
        .scroll(.screen(Point(x: 50, y: 60)), direction: .down, clicks: 3),
        .type(text: "héllo \"wörld\" ${not_a_variable} \\ tab\there\nnew line 日本語 😀", secret: false),
        .type(text: "[secret]", secret: true),
        .key(KeyCombination(modifiers: [.ctrl, .shift], key: "t"), times: 1),
        .key(KeyCombination(modifiers: [], key: "BackSpace"), times: 4),
        .wait(.window(WindowMatch(title: try! TextPattern("Save"))), timeout: .seconds(5)),
        .wait(.imageAppears(ImageTarget(path: "/tmp/icon.png")), timeout: .seconds(5)),
        .wait(.imageVanishes(ImageTarget(path: "/tmp/spinner.png", search: SearchOptions(tolerance: 4))), timeout: .seconds(9)),
        .wait(.change(region: Rect(x: 1, y: 2, width: 3, height: 4)), timeout: .seconds(1)),
        .wait(.change(region: nil), timeout: .seconds(1)),
        .wait(.settle(region: nil, quiet: .milliseconds(150)), timeout: .seconds(5)),
        .screenshot(name: "agent-0003", region: Rect(x: 0, y: 0, width: 640, height: 480)),
        .run(.shell("echo 'a b' > \"$HOME/x\""), timeout: .seconds(30), exitCode: 3, output: nil),
        .run(.arguments(["make", "-C", "dir with space"]), timeout: .seconds(300), exitCode: 0, output: try! TextPattern("ok|done")),
        .expectFile(path: "/tmp/out.txt", FileExpectation(exists: true, contains: "done"), timeout: .seconds(2)),
        .sleep(.milliseconds(250)),
    ]

    @Test func everyStepKindReadsBackAsWritten() throws {
        let apps = [
            ScenarioApp(
                name: "app", command: .arguments(["fixture-app", "--title", "a \"b\""]), policy: "/tmp/policy.yaml",
                window: WindowMatch(title: try TextPattern("^a \"b\"$")), windowTimeout: .seconds(20),
                location: SourceLocation(file: "x", line: 1, column: 1)),
        ]
        let header = ScenarioYAML.header(
            name: "round trip", description: "all kinds", display: .virtual(Size(width: 1024, height: 768)), apps: apps)
        let yaml = header + Self.actions.map { "  " + ScenarioYAML.line($0) + "\n" }.joined()
        let scenario = try Scenario(yaml: yaml, file: "/tmp/round-trip.yaml")
        #expect(scenario.name == "round trip")
        #expect(scenario.display == .virtual(Size(width: 1024, height: 768)))
        #expect(scenario.apps.map(\.command) == apps.map(\.command))
        #expect(scenario.apps.first?.window == apps.first?.window)
        #expect(scenario.steps.map(\.action) == Self.actions)
        // Each step sits on its own line, its key at the column keyColumn says.
        let headerLines = header.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        for (index, step) in scenario.steps.enumerated() {
            #expect(step.location.line == headerLines + index + 1)
            #expect(step.location.column == ScenarioYAML.keyColumn(indent: 2))
        }
    }
}
