import Imaging
import Policy
import Scenario
import Testing

/// Every step kind, and the scenario's top-level sections, read into typed values.
@Suite("Scenario parsing")
struct ScenarioParsingTests {
    @Test func theTopLevelReadsWithDefaults() throws {
        let scenario = try scenario(steps: "  - launch: fixture\n")
        #expect(scenario.name == "test")
        #expect(scenario.display == .virtual(Size(width: 1280, height: 800)))
        #expect(scenario.apps.count == 1)
        let app = try #require(scenario.app(named: "fixture"))
        #expect(app.command == .arguments(["fixture-app"]))
        #expect(app.window?.title?.source == "fixture")
        #expect(app.windowTimeout == .seconds(10))
        #expect(app.location == SourceLocation(file: "dir/s.yaml", line: 4, column: 5))
        #expect(scenario.steps[0].location == SourceLocation(file: "dir/s.yaml", line: 8, column: 5))
        #expect(scenario.steps[0].kind == .launch)
    }

    @Test func displaysAppsAndPoliciesRead() throws {
        let yaml = """
            name: full
            description: all sections
            display: { existing: ":1" }
            apps:
              - name: term
                command: xterm -e sh
                policy: ../policies/term.yaml
                window: { class: XTerm, timeout: 1m30s }
            steps:
              - launch: term

            """
        let scenario = try Scenario(yaml: yaml, file: "Scenarios/suite/s.yaml")
        #expect(scenario.description == "all sections")
        #expect(scenario.display == .existing(":1"))
        let app = scenario.apps[0]
        #expect(app.command == .shell("xterm -e sh"))
        #expect(app.command.argv == ["/bin/sh", "-c", "xterm -e sh"])
        #expect(app.policy == "Scenarios/policies/term.yaml")
        #expect(app.window == WindowMatch(windowClass: "XTerm"))
        #expect(app.windowTimeout == .seconds(90))
        #expect(scenario.steps[0].action == .launch(app: "term", timeout: .seconds(90)))
        let virtual = try Scenario(yaml: "name: v\ndisplay: { virtual: 800x600 }\nsteps: [sleep: 1s]\n", file: "v.yaml")
        #expect(virtual.display == .virtual(Size(width: 800, height: 600)))
        #expect(virtual.settle == .milliseconds(150))
        let quick = try Scenario(yaml: "name: q\nsettle: 20ms\nsteps: [sleep: 1s]\n", file: "q.yaml")
        #expect(quick.settle == .milliseconds(20))
        #expect(throws: ScenarioError.self) { try Scenario(yaml: "name: q\nsettle: soon\nsteps: [sleep: 1s]\n", file: "q.yaml") }
    }

    @Test func variablesAreSubstitutedEverywhereButTheRunnersAreLeft() throws {
        let scenario = try scenario(
            steps: """
                  - type: "hi ${user}, $${user} stays"
                  - click: ["${x}", 40]
                  - expect_file: "${workspace}/${user}.txt"

                """, variables: "variables: { user: alice, x: 80 }")
        #expect(scenario.variables == ["user": "alice", "x": "80"])
        #expect(scenario.steps[0].action == .type(text: "hi alice, ${user} stays", secret: false))
        #expect(scenario.steps[1].action == .click(.window(Point(x: 80, y: 40))))
        #expect(
            scenario.steps[2].action
                == .expectFile(path: "${workspace}/alice.txt", FileExpectation(), timeout: .seconds(10)))
    }

    @Test func launchWaitWindowAndActivate() throws {
        #expect(try step("  - launch: { app: fixture, timeout: 3s }\n") == .launch(app: "fixture", timeout: .seconds(3)))
        #expect(
            try step("  - wait_window: { title: '^a$', class: X, timeout: 2s }\n")
                == .waitWindow(WindowMatch(title: try TextPattern("^a$"), windowClass: "X"), timeout: .seconds(2)))
        #expect(
            try step("  - wait_window: abc\n") == .waitWindow(WindowMatch(title: try TextPattern("abc")), timeout: .seconds(10)))
        #expect(try step("  - activate: fixture\n") == .activate(.app("fixture"), timeout: .seconds(10)))
        #expect(
            try step("  - activate: { class: X }\n")
                == .activate(.window(WindowMatch(windowClass: "X")), timeout: .seconds(10)))
    }

    @Test func pointerStepsTakeAWindowPointAScreenPointOrAnImage() throws {
        #expect(try step("  - click: [80, 40]\n") == .click(.window(Point(x: 80, y: 40))))
        #expect(try step("  - double_click: { at: '320,110' }\n") == .doubleClick(.window(Point(x: 320, y: 110))))
        #expect(try step("  - right_click: { screen: [700, 300] }\n") == .rightClick(.screen(Point(x: 700, y: 300))))
        #expect(
            try step("  - middle_click: { image: ../img/ok.png, tolerance: 16, min_score: 0.95, timeout: 5s }\n")
                == .middleClick(
                    .image(
                        ImageTarget(path: "img/ok.png", search: SearchOptions(tolerance: 16, minScore: 0.95)),
                        timeout: .seconds(5))))
        #expect(
            try step("  - move: { image: ok.png }\n")
                == .move(.image(ImageTarget(path: "dir/ok.png"), timeout: .seconds(10))))
    }

    @Test func dragAndScroll() throws {
        #expect(
            try step("  - drag: { at: [40, 240], to: [400, 240] }\n")
                == .drag(from: .window(Point(x: 40, y: 240)), to: .window(Point(x: 400, y: 240))))
        #expect(
            try step("  - drag: { screen: [1, 2], to_screen: [3, 4] }\n")
                == .drag(from: .screen(Point(x: 1, y: 2)), to: .screen(Point(x: 3, y: 4))))
        #expect(
            try step("  - drag: { at: [1, 2], by: [0, -120] }\n")
                == .drag(from: .window(Point(x: 1, y: 2)), to: .offset(dx: 0, dy: -120)))
        #expect(
            try step("  - scroll: { at: [320, 300], direction: down, clicks: 3 }\n")
                == .scroll(.window(Point(x: 320, y: 300)), direction: .down, clicks: 3))
        #expect(
            try step("  - scroll: { screen: [5, 5], direction: up }\n")
                == .scroll(.screen(Point(x: 5, y: 5)), direction: .up, clicks: 1))
    }

    @Test func typeAndKey() throws {
        #expect(try step("  - type: hello\n") == .type(text: "hello", secret: false))
        #expect(try step("  - type: { text: pw, secret: true }\n") == .type(text: "pw", secret: true))
        #expect(try step("  - key: ctrl+a\n") == .key(try KeyCombination(parsing: "ctrl+a"), times: 1))
        #expect(
            try step("  - key: { combo: BackSpace, repeat: 3 }\n")
                == .key(try KeyCombination(parsing: "backspace"), times: 3))
    }

    @Test func everyWaitCondition() throws {
        #expect(
            try step("  - wait: { window: { title: '^Save' } }\n")
                == .wait(.window(WindowMatch(title: try TextPattern("^Save"))), timeout: .seconds(10)))
        #expect(
            try step("  - wait: { image: s.png, tolerance: 8 }\n")
                == .wait(
                    .imageAppears(ImageTarget(path: "dir/s.png", search: SearchOptions(tolerance: 8))),
                    timeout: .seconds(10)))
        #expect(
            try step("  - wait: { image_gone: s.png, min_score: 0.9, timeout: 30s }\n")
                == .wait(
                    .imageVanishes(ImageTarget(path: "dir/s.png", search: SearchOptions(minScore: 0.9))),
                    timeout: .seconds(30)))
        #expect(
            try step("  - wait: { change: [20, 90, 600, 40] }\n")
                == .wait(.change(region: Rect(x: 20, y: 90, width: 600, height: 40)), timeout: .seconds(10)))
        #expect(try step("  - wait: { change: screen }\n") == .wait(.change(region: nil), timeout: .seconds(10)))
        #expect(
            try step("  - wait: { settle: screen }\n")
                == .wait(.settle(region: nil, quiet: .milliseconds(150)), timeout: .seconds(10)))
        #expect(
            try step("  - wait: { settle: '1,2,3,4', quiet: 300ms, timeout: 2s }\n")
                == .wait(
                    .settle(region: Rect(x: 1, y: 2, width: 3, height: 4), quiet: .milliseconds(300)),
                    timeout: .seconds(2)))
    }

    @Test func screenshotsAndScreenExpectations() throws {
        #expect(try step("  - screenshot: after-typing\n") == .screenshot(name: "after-typing", region: nil))
        #expect(
            try step("  - screenshot: { name: field, region: [60, 130, 600, 40] }\n")
                == .screenshot(name: "field", region: Rect(x: 60, y: 130, width: 600, height: 40)))
        #expect(
            try step("  - expect_screen: golden/a.png\n")
                == .expectScreen(golden: "dir/golden/a.png", options: CompareOptions(), timeout: .seconds(10)))
        #expect(
            try step(
                "  - expect_screen: { golden: /abs/b.png, region: [0, 0, 640, 400], tolerance: 8, masks: [[0, 380, 640, 20]], timeout: 3s }\n"
            )
                == .expectScreen(
                    golden: "/abs/b.png",
                    options: CompareOptions(
                        tolerance: 8, masks: [Rect(x: 0, y: 380, width: 640, height: 20)],
                        region: Rect(x: 0, y: 0, width: 640, height: 400)),
                    timeout: .seconds(3)))
    }

    @Test func windowCommandFileAndSleepSteps() throws {
        #expect(
            try step("  - expect_window: { title: fixture, class: ForedeskFixture, timeout: 2s }\n")
                == .expectWindow(
                    WindowMatch(title: try TextPattern("fixture"), windowClass: "ForedeskFixture"), timeout: .seconds(2)))
        #expect(
            try step("  - run: { command: [grep, -c, hi, f], timeout: 5s, exit_code: 1, output: '^0$' }\n")
                == .run(
                    .arguments(["grep", "-c", "hi", "f"]), timeout: .seconds(5), exitCode: 1,
                    output: try TextPattern("^0$")))
        #expect(try step("  - run: ls -l\n") == .run(.shell("ls -l"), timeout: .seconds(10), exitCode: 0, output: nil))
        #expect(
            try step("  - expect_file: { path: notes.txt, contains: hi, matches: '^h', timeout: 2s }\n")
                == .expectFile(
                    path: "notes.txt", FileExpectation(contains: "hi", matches: try TextPattern("^h")),
                    timeout: .seconds(2)))
        #expect(
            try step("  - expect_file: { path: lock, exists: false }\n")
                == .expectFile(path: "lock", FileExpectation(exists: false), timeout: .seconds(10)))
        #expect(try step("  - sleep: 500ms\n") == .sleep(.milliseconds(500)))
        #expect(try step("  - sleep: { duration: 1m30s }\n") == .sleep(.seconds(90)))
    }

    @Test func everyStepKindIsCovered() throws {
        let yaml = """
              - launch: fixture
              - wait_window: fixture
              - activate: fixture
              - click: [1, 1]
              - double_click: [1, 1]
              - right_click: [1, 1]
              - middle_click: [1, 1]
              - move: [1, 1]
              - drag: { at: [1, 1], by: [1, 1] }
              - scroll: { at: [1, 1], direction: left }
              - type: x
              - key: Return
              - wait: { settle: screen }
              - screenshot: s
              - expect_screen: g.png
              - expect_window: fixture
              - run: "true"
              - expect_file: f
              - sleep: 1s

            """
        let kinds = try scenario(steps: yaml).steps.map(\.kind)
        #expect(kinds == Step.Kind.allCases)
    }
}
