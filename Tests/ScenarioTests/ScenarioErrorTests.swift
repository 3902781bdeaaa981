import Scenario
import Testing

/// Every kind of scenario error, with the exact message: `file:line:column`, what was found and
/// what was expected. `stepError` puts its steps on line 8 of a scenario declaring the app `fixture`.
@Suite("Scenario errors")
struct ScenarioErrorTests {
    static let topKeys = "name, description, variables, display, settle, apps, steps"
    static let pointerKeys = "at, screen, image, offset, tolerance, min_score, timeout"

    @Test func malformedYAMLNamesWhereTheParserStopped() {
        #expect(
            errorMessage("name: x\nsteps: [sleep: 1s\n")
                == "s.yaml:3:1: not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 2:8)")
    }

    @Test func anEmptyFileIsNotAScenario() {
        #expect(
            errorMessage("") == "s.yaml:1:1: the scenario: found nothing, expected a mapping of \(Self.topKeys)")
    }

    @Test func aDuplicateKeyIsAnError() {
        #expect(errorMessage("name: a\nname: b\nsteps: [sleep: 1s]\n") == "s.yaml:1:1: 'name' appears twice; keep one")
        #expect(
            errorMessage("name: a\napps:\n  - {name: x, command: a}\n  - {name: x, command: b}\nsteps: [sleep: 1s]\n")
                == "s.yaml:4:5: 'x' appears twice; keep one")
    }

    @Test func anUnknownKeySuggestsTheClosestKnownOne() {
        #expect(
            errorMessage("name: x\nstep: []\n")
                == "s.yaml:2:1: unknown key 'step' in the scenario — did you mean 'steps'? (expected one of: \(Self.topKeys))")
        #expect(
            stepError("  - click: { imgae: ok.png }\n")
                == "s.yaml:8:14: unknown key 'imgae' in steps[1].click — did you mean 'image'? (expected one of: \(Self.pointerKeys))"
        )
        #expect(
            errorMessage("name: x\napps:\n  - name: a\n    comand: a\nsteps: [sleep: 1s]\n")
                == "s.yaml:4:5: unknown key 'comand' in apps[1] — did you mean 'command'? (expected one of: name, command, policy, window)"
        )
        #expect(
            stepError("  - sleep: { colour: red }\n")
                == "s.yaml:8:14: unknown key 'colour' in steps[1].sleep (expected one of: duration)")
    }

    @Test func anUnknownStepSuggestsTheClosestKind() {
        let kinds = Step.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(
            stepError("  - clik: [1, 2]\n")
                == "s.yaml:8:5: unknown step 'clik' in steps[1] — did you mean 'click'? (expected one of: \(kinds))")
        #expect(
            stepError("  - expectScreen: a.png\n")
                == "s.yaml:8:5: unknown step 'expectScreen' in steps[1] — did you mean 'expect_screen'? (expected one of: \(kinds))"
        )
    }

    @Test func aValueOfTheWrongShapeSaysWhatWasExpected() {
        #expect(stepError("  - click: { at: 5 }\n") == "s.yaml:8:18: steps[1].click.at: found '5', expected a point [x, y]")
        #expect(
            errorMessage("name: x\nsteps: {a: 1}\n") == "s.yaml:2:8: steps: found a mapping, expected a list of steps")
        #expect(errorMessage("name: x\nsteps: []\n") == "s.yaml:2:8: steps: found an empty list, expected at least one step")
        #expect(
            stepError("  - type: { text: a, secret: maybe }\n")
                == "s.yaml:8:30: steps[1].type.secret: found 'maybe', expected true or false")
        #expect(
            stepError("  - activate\n")
                == "s.yaml:8:5: steps[1]: found 'activate', expected a mapping with one action, such as click: [20, 30]")
        #expect(
            stepError("  - screenshot: { name: s, region: [0, 0, 0, 10] }\n")
                == "s.yaml:8:36: steps[1].screenshot.region: found width 0 and height 10, expected a region [x, y, width, height] with a positive width and height"
        )
        #expect(
            stepError("  - click: { image: ok.jpg }\n")
                == "s.yaml:8:21: steps[1].click.image: found 'ok.jpg', expected a path to a PNG file (ending in .png)")
        #expect(
            errorMessage("name: a\ndisplay: { virtual: big }\nsteps: [sleep: 1s]\n")
                == "s.yaml:2:21: display.virtual: found 'big', expected a size such as 1280x800")
    }

    @Test func aValueOutsideItsChoicesSuggestsTheClosest() {
        #expect(
            stepError("  - scroll: { at: [1, 2], direction: donw }\n")
                == "s.yaml:8:38: steps[1].scroll.direction: found 'donw', expected one of up, down, left, right — did you mean 'down'?"
        )
        #expect(
            stepError("  - launch: fixtur\n")
                == "s.yaml:8:13: steps[1].launch: found 'fixtur', expected one of fixture — did you mean 'fixture'?")
    }

    @Test func aMissingRequiredKeyIsNamed() {
        #expect(
            stepError("  - scroll: { at: [1, 2] }\n")
                == "s.yaml:8:13: steps[1].scroll: found no 'direction', expected 'direction' (it is required)")
        #expect(
            errorMessage("steps: [sleep: 1s]\n")
                == "s.yaml:1:1: the scenario: found no 'name', expected 'name' (it is required)")
        #expect(
            errorMessage("name: a\napps: [{name: a}]\nsteps: [sleep: 1s]\n")
                == "s.yaml:2:8: apps[1]: found no 'command', expected 'command' (it is required)")
    }

    @Test func aBadDurationSaysWhatADurationLooksLike() {
        #expect(
            stepError("  - sleep: 5 sec\n")
                == "s.yaml:8:12: steps[1].sleep: found '5 sec', expected a duration such as 500ms, 2s or 1m30s")
        #expect(
            stepError("  - wait_window: { title: x, timeout: 10 }\n")
                == "s.yaml:8:39: steps[1].wait_window.timeout: found '10', expected a duration such as 500ms, 2s or 1m30s")
        #expect(
            stepError("  - sleep: 0s\n")
                == "s.yaml:8:12: steps[1].sleep: found '0s', expected a duration such as 500ms, 2s or 1m30s")
    }

    @Test func aBadRegexIsRefusedWithTheCompilersReason() {
        let message = stepError("  - wait_window: { title: '(unclosed' }\n")
        #expect(
            message.hasPrefix(
                "s.yaml:8:27: steps[1].wait_window.title: found '(unclosed', expected a regular expression ("),
            "\(message)")
    }

    @Test func anUndefinedVariableIsNamedWithTheDefinedOnes() {
        #expect(
            errorMessage(header(variables: "variables: { user: alice }") + "  - type: hi ${usr}\n")
                == "s.yaml:8:11: steps[1].type: found '${usr}', which no variable defines — did you mean '${user}'? (expected one of: ${user}, ${workspace}, ${out}, ${tmp}, or an entry under variables:)"
        )
        #expect(
            errorMessage("name: a\nvariables: { out: x }\nsteps: [sleep: 1s]\n")
                == "s.yaml:2:14: variables: found 'out', expected a name other than workspace, out, tmp, which the runner sets")
    }

    @Test func twoKeysOfWhichOnlyOneMayBeGiven() {
        #expect(
            stepError("  - click: { screen: [1, 2], image: ok.png }\n")
                == "s.yaml:8:30: steps[1].click: found both 'screen' and 'image', expected only one of at, screen, image")
        #expect(
            stepError("  - click: [1, 2]\n    key: Return\n")
                == "s.yaml:9:5: steps[1]: found both 'click' and 'key', expected one action per step")
        #expect(
            stepError("  - activate: { app: fixture, class: X }\n")
                == "s.yaml:8:31: steps[1].activate: found both 'app' and 'class', expected either app or title/class")
        #expect(
            stepError("  - expect_file: { path: f, exists: false, contains: x }\n")
                == "s.yaml:8:44: steps[1].expect_file: found both 'exists: false' and 'contains', expected contains or matches only for a file that exists"
        )
        #expect(
            errorMessage("name: a\ndisplay: { virtual: 10x10, existing: ':1' }\nsteps: [sleep: 1s]\n")
                == "s.yaml:2:28: display: found both 'virtual' and 'existing', expected only one of virtual, existing")
    }

    @Test func noneOfTheRequiredChoices() {
        #expect(
            stepError("  - click: {}\n")
                == "s.yaml:8:12: steps[1].click: found none of at, screen, image, expected exactly one")
        #expect(
            stepError("  - drag: { at: [1, 2] }\n")
                == "s.yaml:8:11: steps[1].drag: found none of to, to_screen, by, expected exactly one")
        #expect(
            stepError("  - expect_window: { timeout: 1s }\n")
                == "s.yaml:8:20: steps[1].expect_window: found none of title, class, expected at least one")
    }

    @Test func anOptionWithoutItsOwner() {
        #expect(
            stepError("  - click: { at: [1, 2], tolerance: 4 }\n")
                == "s.yaml:8:26: steps[1].click: found 'tolerance' without 'image', expected 'tolerance' only with 'image'")
        #expect(
            stepError("  - wait: { change: screen, quiet: 1s }\n")
                == "s.yaml:8:29: steps[1].wait: found 'quiet' without 'settle', expected 'quiet' only with 'settle'")
        #expect(
            stepError("  - wait: { settle: screen, min_score: 1 }\n")
                == "s.yaml:8:29: steps[1].wait: found 'min_score' without 'image' or 'image_gone', expected 'min_score' only with 'image' or 'image_gone'"
        )
    }

    @Test func aBadKeyCombinationSaysWhatIsWrong() {
        #expect(
            stepError("  - key: ctrl+\n")
                == "s.yaml:8:10: steps[1].key: found 'ctrl+', expected a key combination such as ctrl+s (a '+' must join two names, as in ctrl+alt+F1)"
        )
        #expect(
            stepError("  - key: \"\"\n")
                == "s.yaml:8:10: steps[1].key: found '', expected a key combination such as ctrl+s (it is empty)")
    }

    @Test func anUnreadableFileIsNamed() {
        #expect(throws: ScenarioError.self) { try Scenario(contentsOfFile: "/nonexistent/s.yaml") }
    }
}
