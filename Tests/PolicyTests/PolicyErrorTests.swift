import Policy
import Testing

/// Every kind of policy error, with the exact message: `file:line:column`, what was found, what
/// was expected.
@Suite("Policy errors")
struct PolicyErrorTests {
    static let sandboxKeys =
        "writable, protected, strict_git, private_tmp, network, identity, display, limits, degrade"
    static let topKeys = "sandbox, input, deny_keys, allow_keys, ask, allow, approval, limits, redact, record"

    @Test func malformedYAMLNamesWhereTheParserStopped() {
        #expect(
            errorMessage("sandbox:\n  writable: [a, b\napproval: never\n")
                == "p.yaml:3:9: not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 2:13)"
        )
    }

    @Test func anUnknownKeySuggestsTheClosestKnownOne() {
        #expect(
            errorMessage("sandbox:\n  netwrok: on\n")
                == "p.yaml:2:3: unknown key 'netwrok' in sandbox — did you mean 'network'? (expected one of: \(Self.sandboxKeys))"
        )
        #expect(
            errorMessage("approval: never\ndenyKeys: [ctrl+q]\n")
                == "p.yaml:2:1: unknown key 'denyKeys' in the policy — did you mean 'deny_keys'? (expected one of: \(Self.topKeys))"
        )
        #expect(
            errorMessage("limits:\n  max_action: 5\n")
                == "p.yaml:2:3: unknown key 'max_action' in limits — did you mean 'max_actions'? (expected one of: max_actions, max_duration, max_actions_per_second, max_screenshots_per_minute)"
        )
        #expect(
            errorMessage("ask:\n  - action: run\n    comand: rm\n")
                == "p.yaml:3:5: unknown key 'comand' in ask[1] — did you mean 'command'? (expected one of: action, window_class, command)"
        )
    }

    @Test func anUnknownKeyFarFromEveryKnownOneGetsNoSuggestion() {
        #expect(
            errorMessage("colour: red\n")
                == "p.yaml:1:1: unknown key 'colour' in the policy (expected one of: \(Self.topKeys))")
    }

    @Test func aDuplicateKeyIsAnError() {
        #expect(
            errorMessage("approval: never\nlimits: {}\napproval: untrusted\n")
                == "p.yaml:1:1: 'approval' appears twice; keep one")
    }

    @Test func aValueOfTheWrongShapeSaysWhatWasExpected() {
        #expect(
            errorMessage("sandbox: [a]\n")
                == "p.yaml:1:10: sandbox: found a list, expected a mapping of \(Self.sandboxKeys)")
        #expect(
            errorMessage("input:\n  apps: {editor: yes}\n")
                == "p.yaml:2:9: input.apps: found a mapping, expected a list or a single value")
        #expect(
            errorMessage("sandbox:\n  strict_git: maybe\n")
                == "p.yaml:2:15: sandbox.strict_git: found 'maybe', expected true or false")
        #expect(
            errorMessage("limits: { max_actions: -3 }\n")
                == "p.yaml:1:24: limits.max_actions: found '-3', expected a whole number of at least 1")
        #expect(
            errorMessage("limits: { max_actions: \"12\" }\n")
                == "p.yaml:1:24: limits.max_actions: found '12', expected a whole number of at least 1")
        #expect(
            errorMessage("ask: {action: run}\n")
                == "p.yaml:1:6: ask: found a mapping, expected a list")
        #expect(
            errorMessage("ask:\n  - action: [[click]]\n")
                == "p.yaml:2:14: ask[1].action: found a list, expected one of click, double_click, right_click, "
                + "middle_click, move, drag, scroll, type, key, activate, launch, run, screenshot, wait")
    }

    @Test func aValueOutsideItsChoicesListsThemAndSuggestsTheClosest() {
        #expect(
            errorMessage("approval: sometimes\n")
                == "p.yaml:1:11: approval: found 'sometimes', expected one of never, on-request, untrusted")
        #expect(
            errorMessage("approval: on_request\n")
                == "p.yaml:1:11: approval: found 'on_request', expected one of never, on-request, untrusted — did you mean 'on-request'?"
        )
        #expect(
            errorMessage("sandbox:\n  network: proxy\n")
                == "p.yaml:2:12: sandbox.network: found 'proxy', expected one of off, on")
        #expect(
            errorMessage("sandbox:\n  degrade: [landlock, seccomp]\n")
                == "p.yaml:2:23: sandbox.degrade: found 'seccomp', expected one of landlock, cgroup")
        #expect(
            errorMessage("ask:\n  - action: doubleclick\n")
                == "p.yaml:2:13: ask[1].action: found 'doubleclick', expected one of click, double_click, right_click, "
                + "middle_click, move, drag, scroll, type, key, activate, launch, run, screenshot, wait — did you mean 'double_click'?"
        )
    }

    @Test func anUnknownIdentityListsTheAccounts() {
        #expect(errorMessage("sandbox:\n  identity: root\n")
            == "p.yaml:2:13: sandbox.identity: found 'root', expected one of self, offline, online")
        #expect(errorMessage("sandbox:\n  identity: ofline\n")
            == "p.yaml:2:13: sandbox.identity: found 'ofline', expected one of self, offline, online — did you mean 'offline'?")
    }

    @Test(arguments: ["10 minutes", "10", "0s", "5x", "1.5h", "m"])
    func aBadDurationShowsTheFormat(text: String) {
        #expect(
            errorMessage("limits:\n  max_duration: \(text)\n")
                == "p.yaml:2:17: limits.max_duration: found '\(text)', expected a duration such as 500ms, 30s, 10m or 1h30m"
        )
    }

    @Test(arguments: ["lots", "2GB", "0", "-1M", "99999999999999999999"])
    func aBadSizeShowsTheFormat(text: String) {
        #expect(
            errorMessage("sandbox:\n  limits:\n    max_memory: \(text)\n")
                == "p.yaml:3:17: sandbox.limits.max_memory: found '\(text)', expected a size in bytes such as 1048576, 512M or 2G"
        )
    }

    @Test func aBadRegularExpressionIsAnErrorWhereItIsWritten() {
        #expect(
            errorMessage("ask:\n  - action: run\n    command: '([a-z'\n")
                == "p.yaml:3:14: ask[1].command: found '([a-z', expected a regular expression (expected ']')")
        #expect(
            errorMessage("allow:\n  - command: '(?<n>a)\\k<m>'\n")
                == "p.yaml:2:14: allow[1].command: found '(?<n>a)\\k<m>', expected a regular expression (no capture named 'm')"
        )
    }

    @Test func aBadKeyCombinationSaysWhichPartIsWrong() {
        #expect(
            errorMessage("deny_keys: [ctrl+q, ctrl+alt+]\n")
                == "p.yaml:1:21: deny_keys[2]: found 'ctrl+alt+', expected a key combination such as ctrl+alt+F1 "
                + "(a '+' must join two names, as in ctrl+alt+F1)")
        #expect(
            errorMessage("allow_keys:\n  - hyperctrl+x\n")
                == "p.yaml:2:5: allow_keys[1]: found 'hyperctrl+x', expected a key combination such as ctrl+alt+F1 "
                + "('hyperctrl' is not a modifier (ctrl, shift, alt, super, meta, hyper, altgr))")
    }

    @Test func aPathMustBeAbsoluteOrStartWithAVariable() {
        #expect(
            errorMessage("sandbox:\n  writable: [build]\n")
                == "p.yaml:2:14: sandbox.writable: found 'build', expected an absolute path or one starting with "
                + "${workspace}, ${out}, ${tmp}")
        #expect(
            errorMessage("sandbox:\n  writable: [\"${home}/x\"]\n")
                == "p.yaml:2:14: sandbox.writable: found '${home}/x', expected an absolute path or one starting with "
                + "${workspace}, ${out}, ${tmp}")
        #expect(
            errorMessage("sandbox:\n  protected: [\"${workspace}/../etc\"]\n")
                == "p.yaml:2:15: sandbox.protected: found '${workspace}/../etc', expected a path without . or .. parts")
        #expect(
            errorMessage("sandbox:\n  protected: [\"${workspace}x\"]\n")
                == "p.yaml:2:15: sandbox.protected: found '${workspace}x', expected a '/' after ${workspace}")
        #expect(
            errorMessage("sandbox:\n  protected: [\"/a/${out}\"]\n")
                == "p.yaml:2:15: sandbox.protected: found '/a/${out}', expected a path with a variable only at its start, "
                + "one of ${workspace}, ${out}, ${tmp}")
    }

    @Test func aRuleThatNamesNothingIsAnError() {
        #expect(
            errorMessage("ask:\n  - action: run\n  - {}\n")
                == "p.yaml:3:5: ask[2]: found a rule that names nothing, expected at least one of action, window_class, command"
        )
    }

    @Test func theErrorKnowsItsLocation() {
        do {
            _ = try Policy(yaml: "approval: sometimes\n", file: "dir/policy.yaml")
            Issue.record("read a bad policy")
        } catch {
            #expect(error.location == SourceLocation(file: "dir/policy.yaml", line: 1, column: 11))
        }
    }
}
