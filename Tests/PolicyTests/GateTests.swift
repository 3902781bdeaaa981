import Imaging
import Policy
import Testing

/// Each rule of the gate, allowing and denying: every test fails if its rule breaks.
@Suite("The gate")
struct GateTests {
    let gate = Policy.default

    // MARK: Rule 2: the active window

    @Test func inputGoesToTheActiveWindowOfALaunchedApp() {
        #expect(rule(gate.decide(.click(at: Desk.inside), facts: Desk.facts()), "allow") == .allowDefault)
        #expect(rule(gate.decide(.type("hello"), facts: Desk.facts()), "allow") == .allowDefault)
        #expect(rule(gate.decide(.key("ctrl+s"), facts: Desk.facts()), "allow") == .allowDefault)
    }

    @Test func inputWithoutAnActiveWindowIsDenied() {
        let decision = gate.decide(.type("hello"), facts: Desk.facts(active: nil))
        #expect(rule(decision, "deny") == .foregroundNoWindow)
    }

    @Test func typingIntoAnotherAppsWindowIsDenied() {
        let decision = gate.decide(.type("hello"), facts: Desk.facts(active: Desk.stranger))
        #expect(rule(decision, "deny") == .foregroundNotLaunched)
        #expect(
            decision.reason.message == "type 5 characters denied: the active window 0x800001 'bash' (class XTerm) "
                + "belongs to PID 4242, which this session did not launch")
    }

    @Test func aChildOfALaunchedProcessCountsAsLaunched() {
        var window = Desk.editor
        window.pid = 101
        #expect(gate.decide(.key("Return"), facts: Desk.facts(active: window)).isAllowed)
    }

    @Test func aWindowWithoutAKnownOwnerIsDenied() {
        var window = Desk.editor
        window.pid = nil
        #expect(rule(gate.decide(.key("Return"), facts: Desk.facts(active: window)), "deny") == .foregroundOwnerUnknown)
    }

    @Test func anUnmappedOrHiddenActiveWindowIsDenied() {
        var unmapped = Desk.editor
        unmapped.isMapped = false
        unmapped.isViewable = false
        #expect(rule(gate.decide(.type("x"), facts: Desk.facts(active: unmapped)), "deny") == .foregroundNotMapped)
        var hidden = Desk.editor
        hidden.isViewable = false
        #expect(rule(gate.decide(.type("x"), facts: Desk.facts(active: hidden)), "deny") == .foregroundNotViewable)
    }

    @Test func inputAppsNarrowsWhichLaunchedAppsReceiveInput() throws {
        let onlyViewer = try policy("input: { apps: [viewer] }")
        #expect(rule(onlyViewer.decide(.type("x"), facts: Desk.facts()), "deny") == .inputAppNotAllowed)
        let facts = Desk.facts(active: Desk.viewer, at: [Point(x: 600, y: 400): Desk.viewer])
        #expect(onlyViewer.decide(.click(at: Point(x: 600, y: 400)), facts: facts).isAllowed)
    }

    @Test func inputWindowClassesNarrowsByClassOrInstanceInAnyCase() throws {
        #expect(
            rule(try policy("input: { window_classes: [Eog] }").decide(.type("x"), facts: Desk.facts()), "deny")
                == .inputClassNotAllowed)
        #expect(try policy("input: { window_classes: [GEDIT] }").decide(.type("x"), facts: Desk.facts()).isAllowed)
        #expect(try policy("input: { window_classes: gedit }").decide(.type("x"), facts: Desk.facts()).isAllowed)
    }

    @Test func noInputPolicyLetsAStrangersWindowThrough() throws {
        let open = try policy("input: { apps: [editor, viewer], window_classes: [XTerm, Gedit] }")
        #expect(
            rule(open.decide(.type("x"), facts: Desk.facts(active: Desk.stranger)), "deny") == .foregroundNotLaunched)
    }

    // MARK: Rule 2: the pointer target

    @Test func aClickOutsideTheActiveWindowIsDenied() {
        let facts = Desk.facts(at: [Desk.outside: Desk.stranger])
        let decision = gate.decide(.click(at: Desk.outside), facts: facts)
        #expect(rule(decision, "deny") == .pointerOutsideWindow)
        #expect(
            decision.reason.message == "click at 50,50 denied: 50,50 lies outside the active window "
                + "0x400009 'notes.txt - Editor' (class Gedit) at 100,100,640,400")
    }

    @Test func aClickWhosePointIsCoveredByAnotherWindowIsDenied() {
        let facts = Desk.facts(at: [Desk.inside: Desk.stranger])
        #expect(rule(gate.decide(.click(at: Desk.inside), facts: facts), "deny") == .pointerCovered)
        let byViewer = Desk.facts(at: [Desk.alsoInside: Desk.viewer])
        #expect(
            rule(gate.decide(.pointer(.doubleClick, at: Desk.alsoInside), facts: byViewer), "deny") == .pointerCovered)
    }

    @Test func everyPointerKindIsChecked() {
        let covered = Desk.facts(at: [Desk.inside: Desk.stranger])
        for kind in Action.Kind.allCases where kind.isPointer {
            let action =
                kind == .drag ? Action.drag(from: Desk.inside, to: Desk.inside) : .pointer(kind, at: Desk.inside)
            #expect(rule(gate.decide(action, facts: covered), "deny") == .pointerCovered, "\(kind)")
            #expect(gate.decide(action, facts: Desk.facts()).isAllowed, "\(kind)")
        }
    }

    @Test func aDragMustEndInsideTheWindowToo() {
        let facts = Desk.facts(at: [Desk.inside: Desk.editor, Desk.outside: Desk.stranger])
        #expect(
            rule(gate.decide(.drag(from: Desk.inside, to: Desk.outside), facts: facts), "deny") == .pointerOutsideWindow
        )
        #expect(gate.decide(.drag(from: Desk.inside, to: Desk.alsoInside), facts: Desk.facts()).isAllowed)
    }

    @Test func aPointerActionWithoutAPointUsesThePointer() {
        var facts = Desk.facts(at: [Desk.outside: Desk.stranger])
        facts.pointer = Desk.outside
        #expect(rule(gate.decide(.pointer(.scroll, at: nil), facts: facts), "deny") == .pointerOutsideWindow)
        facts.pointer = nil
        #expect(rule(gate.decide(.pointer(.scroll, at: nil), facts: facts), "deny") == .pointerNoTarget)
        #expect(gate.decide(.pointer(.scroll, at: nil), facts: Desk.facts()).isAllowed)
    }

    @Test func anUnknownTopmostWindowFailsClosed() {
        #expect(rule(gate.decide(.click(at: Desk.inside), facts: Desk.facts(at: [:])), "deny") == .pointerTargetUnknown)
    }

    @Test func aMenuOfTheSameProcessOnTopMayBeClickedEvenPastTheWindowsEdge() {
        let menu = WindowFacts(
            id: 0x40_0020, title: "", className: "Gedit", pid: 100,
            frame: Rect(x: 700, y: 150, width: 200, height: 300),
            isOverrideRedirect: true)
        let beyondEdge = Point(x: 800, y: 200)
        #expect(gate.decide(.click(at: beyondEdge), facts: Desk.facts(at: [beyondEdge: menu])).isAllowed)
        var foreign = menu
        foreign.pid = 4242
        #expect(
            rule(gate.decide(.click(at: beyondEdge), facts: Desk.facts(at: [beyondEdge: foreign])), "deny")
                == .pointerOutsideWindow)
        let inside = Point(x: 710, y: 200)
        #expect(
            rule(gate.decide(.click(at: inside), facts: Desk.facts(at: [inside: foreign])), "deny") == .pointerCovered)
        var managed = menu
        managed.isOverrideRedirect = false
        #expect(
            rule(gate.decide(.click(at: inside), facts: Desk.facts(at: [inside: managed])), "deny") == .pointerCovered)
    }

    // MARK: activate

    @Test func activateChecksItsTargetWindow() {
        var facts = Desk.facts(active: Desk.stranger)
        facts.targetWindow = Desk.viewer
        #expect(gate.decide(Action(kind: .activate), facts: facts).isAllowed)
        facts.targetWindow = Desk.stranger
        #expect(rule(gate.decide(Action(kind: .activate), facts: facts), "deny") == .foregroundNotLaunched)
        facts.targetWindow = nil
        #expect(rule(gate.decide(Action(kind: .activate), facts: facts), "deny") == .activateNoTarget)
    }

    @Test func anIconifiedWindowOfALaunchedAppMayBeActivatedButGetsNoInputUntilShown() throws {
        var iconified = Desk.viewer
        iconified.isMapped = false
        iconified.isViewable = false
        var facts = Desk.facts()
        facts.targetWindow = iconified
        #expect(gate.decide(Action(kind: .activate), facts: facts).isAllowed)
        #expect(rule(gate.decide(.type("x"), facts: Desk.facts(active: iconified)), "deny") == .foregroundNotMapped)
        let onlyEditor = try policy("input: { apps: [editor] }")
        #expect(rule(onlyEditor.decide(Action(kind: .activate), facts: facts), "deny") == .inputAppNotAllowed)
    }

    @Test func observingAndSandboxedActionsNeedNoForegroundWindow() {
        let nothingActive = Desk.facts(active: nil)
        for kind in [Action.Kind.screenshot, .wait, .run, .launch] {
            #expect(gate.decide(Action(kind: kind, command: "true"), facts: nothingActive).isAllowed, "\(kind)")
        }
    }

    // MARK: Rules 3 and 4: pause

    @Test func aLockedScreenOrScreensaverPausesEveryKindOfAction() {
        for kind in Action.Kind.allCases {
            var facts = Desk.facts()
            facts.screenLocked = true
            #expect(rule(gate.decide(Action(kind: kind), facts: facts), "pause") == .pauseScreenLocked, "\(kind)")
            facts.screenLocked = false
            facts.screensaverActive = true
            #expect(rule(gate.decide(Action(kind: kind), facts: facts), "pause") == .pauseScreensaver, "\(kind)")
        }
    }

    @Test func humanInputPausesTheRun() {
        var facts = Desk.facts()
        facts.humanInput = true
        #expect(rule(gate.decide(.click(at: Desk.inside), facts: facts), "pause") == .pauseHumanInput)
        #expect(rule(gate.decide(Action(kind: .screenshot), facts: facts), "pause") == .pauseHumanInput)
        facts.humanInput = false
        #expect(gate.decide(.click(at: Desk.inside), facts: facts).isAllowed)
    }

    @Test func noPolicyTurnsTheForegroundRulesOff() throws {
        let lax = try policy("approval: on-request\nallow:\n  - action: [click, type]\nallow_keys: ['*']\n")
        var facts = Desk.facts(active: Desk.stranger, at: [Desk.inside: Desk.stranger])
        #expect(rule(lax.decide(.click(at: Desk.inside), facts: facts), "deny") == .foregroundNotLaunched)
        facts = Desk.facts()
        facts.screenLocked = true
        #expect(rule(lax.decide(.type("x"), facts: facts), "pause") == .pauseScreenLocked)
    }

    // MARK: Rule 5: keys

    @Test(arguments: [
        "ctrl+alt+F1", "ctrl+alt+f7", "Control+Alt+F12", "ctrl+alt+shift+F3", "ctrl+alt+BackSpace",
        "ctrl+alt+bs", "super", "super+l", "win+e", "super+shift+q", "alt+Tab", "XF86Switch_VT_2",
        "Terminate_Server", "ctrl+alt+Delete",
    ])
    func keysThatLeaveTheAppAreDeniedByDefault(combo: String) {
        #expect(rule(gate.decide(.key(combo), facts: Desk.facts()), "deny") == .keysLeaveApp)
    }

    @Test(arguments: ["ctrl+F1", "alt+F7", "ctrl+alt+t", "Return", "ctrl+BackSpace", "shift+Tab", "F1"])
    func ordinaryKeysAreAllowed(combo: String) {
        #expect(gate.decide(.key(combo), facts: Desk.facts()).isAllowed)
    }

    @Test func allowKeysLiftsADefaultDenialOnlyForTheCombinationItNames() throws {
        let read = try policy("allow_keys: [super+l, 'ctrl+alt+F2']")
        #expect(read.decide(.key("Super+L"), facts: Desk.facts()).isAllowed)
        #expect(read.decide(.key("control+alt+f2"), facts: Desk.facts()).isAllowed)
        #expect(rule(read.decide(.key("super+shift+l"), facts: Desk.facts()), "deny") == .keysLeaveApp)
        #expect(rule(read.decide(.key("ctrl+alt+F1"), facts: Desk.facts()), "deny") == .keysLeaveApp)
    }

    @Test func denyKeysAddsDenialsThatWinOverAllowKeys() throws {
        let read = try policy("deny_keys: [ctrl+q, 'ctrl+alt+*']\nallow_keys: ['ctrl+alt+F2']")
        let decision = read.decide(.key("Control+Q"), facts: Desk.facts())
        #expect(rule(decision, "deny") == .keysDenied)
        #expect(decision.reason.message == "key ctrl+q denied: the policy's deny_keys lists ctrl+q")
        #expect(rule(read.decide(.key("ctrl+alt+F2"), facts: Desk.facts()), "deny") == .keysDenied)
        #expect(read.decide(.key("ctrl+w"), facts: Desk.facts()).isAllowed)
    }

    @Test func anUnreadableKeyCombinationIsDenied() {
        #expect(rule(gate.decide(.key("ctrl+"), facts: Desk.facts()), "deny") == .keysInvalid)
        #expect(rule(gate.decide(Action(kind: .key), facts: Desk.facts()), "deny") == .keysInvalid)
    }

    // MARK: Limits

    @Test func theActionLimitDeniesOnceReached() throws {
        let read = try policy("limits: { max_actions: 3 }")
        var facts = Desk.facts()
        facts.actionsSoFar = 2
        #expect(read.decide(.type("x"), facts: facts).isAllowed)
        facts.actionsSoFar = 3
        let decision = read.decide(.type("x"), facts: facts)
        #expect(rule(decision, "deny") == .limitActions)
        #expect(
            decision.reason.message
                == "type 1 character denied: the run has done 3 actions, the policy's limits.max_actions is 3")
    }

    @Test func theDurationLimitDeniesOnceReached() throws {
        let read = try policy("limits: { max_duration: 10m }")
        var facts = Desk.facts()
        facts.elapsed = .seconds(599)
        #expect(read.decide(Action(kind: .screenshot), facts: facts).isAllowed)
        facts.elapsed = .seconds(630)
        let decision = read.decide(Action(kind: .screenshot), facts: facts)
        #expect(rule(decision, "deny") == .limitDuration)
        #expect(
            decision.reason.message
                == "screenshot denied: the run has taken 10m30s, the policy's limits.max_duration is 10m")
    }

    @Test func theRateLimitDeniesOnceReached() throws {
        let read = try policy("limits: { max_actions_per_second: 5 }")
        var facts = Desk.facts()
        facts.actionsInLastSecond = 4
        #expect(read.decide(.click(at: Desk.inside), facts: facts).isAllowed)
        facts.actionsInLastSecond = 5
        #expect(rule(read.decide(.click(at: Desk.inside), facts: facts), "deny") == .limitRate)
    }

    @Test func theDefaultPolicyHasNoLimits() {
        var facts = Desk.facts()
        facts.actionsSoFar = 1_000_000
        facts.elapsed = .seconds(86400)
        facts.actionsInLastSecond = 1000
        #expect(gate.decide(.click(at: Desk.inside), facts: facts).isAllowed)
    }

    // MARK: Approval

    @Test func anAskRuleAsksUnderOnRequest() throws {
        let read = try policy("ask:\n  - action: run\n    command: '^rm '\n")
        let decision = read.decide(.run("rm -rf build"), facts: Desk.facts())
        #expect(rule(decision, "ask") == .ask)
        #expect(decision.reason.policyRule == "ask[1]")
        #expect(decision.reason.message == "run rm -rf build needs approval: ask[1] (p.yaml:2:5)")
        #expect(rule(read.decide(.run("make rm"), facts: Desk.facts()), "allow") == .allowDefault)
        #expect(
            rule(read.decide(Action(kind: .launch, command: "rm -i x"), facts: Desk.facts()), "allow") == .allowDefault)
    }

    @Test func anAskUnderNeverIsDenied() throws {
        let read = try policy("approval: never\nask:\n  - action: launch\n")
        let decision = read.decide(.launch(app: "editor", command: "gedit"), facts: Desk.facts())
        #expect(rule(decision, "deny") == .approvalNever)
        #expect(
            decision.reason.message
                == "launch editor denied: ask[1] (p.yaml:3:5) needs approval and the policy's approval is never")
        #expect(read.decide(.run("ls"), facts: Desk.facts()).isAllowed)
    }

    @Test func askRulesMatchByWindowClassOfTheWindowInputGoesTo() throws {
        let read = try policy("ask:\n  - action: [type, key]\n    window_class: gedit\n")
        #expect(rule(read.decide(.type("x"), facts: Desk.facts()), "ask") == .ask)
        #expect(read.decide(.click(at: Desk.inside), facts: Desk.facts()).isAllowed)
        let viewer = Desk.facts(active: Desk.viewer)
        #expect(read.decide(.type("x"), facts: viewer).isAllowed)
        #expect(read.decide(.run("ls"), facts: Desk.facts()).isAllowed)
    }

    @Test func aDeniedActionIsDeniedBeforeAnyAskRule() throws {
        let read = try policy("ask:\n  - action: key\n")
        #expect(rule(read.decide(.key("ctrl+alt+F1"), facts: Desk.facts()), "deny") == .keysLeaveApp)
    }

    @Test func untrustedAsksForEveryActingActionNoAllowRuleNames() throws {
        let read = try policy(
            "approval: untrusted\nallow:\n  - action: click\n    window_class: Gedit\n  - command: '^make\\b'\n")
        #expect(rule(read.decide(.click(at: Desk.inside), facts: Desk.facts()), "allow") == .allowRule)
        #expect(rule(read.decide(.run("make test"), facts: Desk.facts()), "allow") == .allowRule)
        #expect(rule(read.decide(.type("x"), facts: Desk.facts()), "ask") == .approvalUntrusted)
        #expect(rule(read.decide(.run("curl x"), facts: Desk.facts()), "ask") == .approvalUntrusted)
        #expect(
            rule(read.decide(.launch(app: "editor", command: "gedit"), facts: Desk.facts()), "ask")
                == .approvalUntrusted)
        #expect(rule(read.decide(Action(kind: .screenshot), facts: Desk.facts()), "allow") == .allowDefault)
        #expect(rule(read.decide(Action(kind: .wait), facts: Desk.facts()), "allow") == .allowDefault)
    }

    @Test func anAskRuleWinsOverAnAllowRule() throws {
        let read = try policy("approval: untrusted\nask:\n  - command: push\nallow:\n  - action: run\n")
        #expect(rule(read.decide(.run("git push"), facts: Desk.facts()), "ask") == .ask)
        #expect(rule(read.decide(.run("git status"), facts: Desk.facts()), "allow") == .allowRule)
    }

    @Test func aRuleApprovedForTheSessionIsAllowedFromThenOn() throws {
        let read = try policy("ask:\n  - action: launch\n  - action: run\n")
        var facts = Desk.facts()
        facts.approvedForSession = ["ask[2]"]
        let decision = read.decide(.run("ls"), facts: facts)
        #expect(rule(decision, "allow") == .approvedForSession)
        #expect(decision.reason.policyRule == "ask[2]")
        #expect(rule(read.decide(.launch(app: "editor", command: "gedit"), facts: facts), "ask") == .ask)
    }

    // MARK: Secrets

    @Test func secretTextNeverAppearsInAnyReason() throws {
        let secret = "hunter2-S3cr3t!"
        let policies = [
            Policy.default, try policy("approval: untrusted"), try policy("approval: never\nask: [{action: type}]"),
            try policy("ask: [{action: type}]"), try policy("input: { apps: [viewer] }"),
            try policy("input: { window_classes: [Eog] }"), try policy("limits: { max_actions: 1 }"),
        ]
        var variants: [Facts] = [Desk.facts(), Desk.facts(active: nil), Desk.facts(active: Desk.stranger)]
        var locked = Desk.facts()
        locked.screenLocked = true
        var busy = Desk.facts()
        busy.humanInput = true
        busy.actionsSoFar = 5
        variants += [locked, busy]
        var verdicts: Set<String> = []
        for read in policies {
            for facts in variants {
                for action in [Action.type(secret, secret: true), Action.type(secret)] {
                    let decision = read.decide(action, facts: facts)
                    verdicts.insert(decision.verdict)
                    #expect(!decision.description.contains(secret))
                    #expect(!decision.reason.message.contains("hunter2"))
                }
            }
        }
        #expect(verdicts == ["allow", "deny", "ask", "pause"])
        #expect(Action.type(secret, secret: true).description == "type secret text")
    }
}
