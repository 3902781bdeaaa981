public import Desktop
import Foundation
public import Imaging
public import Policy
import Processes
import Sandbox
public import Session

/// Runs a scenario foreground-only: every acting step is put to the policy gate first, and every
/// step becomes one event in the session folder.
///
/// The runner supports every step kind: `launch`, `wait_window`, `activate`, `click`, `double_click`,
/// `right_click`, `middle_click`, `move`, `scroll` and `drag` at `at:`, `screen:` or `image:` targets, `type`,
/// `key`, `wait` for a window, an image (or its going), a change or a settled screen, `screenshot`, `expect_screen`,
/// `expect_window`, `run`, `expect_file` and `sleep`; `dryRun()` walks a scenario without acting.
public final class ScenarioRunner {
    let scenario: Scenario
    let options: RunOptions
    let clock = ContinuousClock()
    var start = ContinuousClock.now
    /// The run's session folder, once `begin` made it.
    public internal(set) var session: SessionFolder!
    /// The desktop the run drives, once `begin` opened it.
    public internal(set) var desktop: Desktop!
    var watch: ScreenWatch!
    var display: VirtualDisplay?
    var gate = Policy.default
    var policies: [String: Policy] = [:]
    var launched: [(app: String, process: SandboxedProcess)] = []
    var grants: [XAuthorityGrant] = []
    var runTemp = ""
    var actionTimes: [ContinuousClock.Instant] = []
    /// The screen before the latest input action: what `wait: {change:}` compares with.
    var lastBefore: Frame?
    var frameCounter = 0
    /// The banner shown on an existing display (DESIGN rule 6); the gate's facts leave it out.
    var banner: WindowID?
    var takeover = TakeoverWatch()
    /// Raw input from real (not XTEST) devices, DESIGN rule 4; nil without XInput2.
    var humanInput: HumanInputWatch?
    /// What real devices did, once seen and until a person approves going on.
    var realInput: String?
    /// Where the latest allowed action leaves the pointer, for the next takeover baseline.
    var expectedPointer: Point?
    /// `ask` rules (or `kind:` action kinds) a person approved for the rest of the run.
    var approvedForRun: Set<String> = []
    var approvalCount = 0
    /// Time spent waiting for a person (approvals, pauses): off the run's clock (`runNow`).
    var waited: Duration = .zero
    /// The latest `ask` ended because its time ran out, not because nobody could be asked.
    var lastAskTimedOut = false
    /// The files under the writable roots when the run began (`workspaceDiff`).
    var workspaceBefore: WorkspaceSnapshot?
    /// The step being performed, for approval requests.
    var currentStep: String?
    /// What the latest `facts` call was asked for, so a resumed pause can ask again with fresh facts.
    var lastFactsQuery: (targets: [Point], window: WindowInfo?) = ([], nil)
    /// Writes frames in the background (`ScenarioRunner+Frames.swift`); made on first use.
    var frameWriter: FrameWriter?
    /// The current input step's frames under `--frames failures`.
    var heldFrames: [HeldFrame] = []
    /// The latest input step's after-frame under `--frames all`, with the watch's change count just
    /// before it was captured: the next before-frame, when nothing was drawn since.
    var lastAfterFrame: (frame: Frame, changes: UInt64, relative: String)?
    /// The latest `screenshot` step's frame, redacted: what the session stored.
    public internal(set) var lastScreenshot: Frame?
    /// How many steps `perform` began, the feed's step index.
    var stepsPerformed = 0
    /// The latest step's event as recorded, for the observer.
    var lastEvent: Event?
    /// The window a dry run takes to be active after an `activate` it did not perform.
    var presumedActive: WindowInfo?
    /// The continuous recording under `--video` (`ScenarioRunner+Video.swift`), until it stops.
    var video: VideoRecorder?
    /// Why `--video` could not start, which fails the run before its first step.
    var videoFailure: String?

    /// The scenario has a `wait: {change:}` step, which compares with the screen before the latest input.
    let waitsForChange: Bool

    public init(scenario: Scenario, options: RunOptions) {
        self.scenario = scenario
        self.options = options
        waitsForChange = scenario.steps.contains { step in
            if case .wait(.change, _) = step.action { return true }
            return false
        }
    }

    /// Runs every step until one fails; the session is finished either way.
    /// - Throws: `RunError` when the run cannot start (policy unreadable, no display).
    public func run() throws(RunError) -> RunResult {
        try begin()
        var failure = videoFailure
        var stoppedEarly = false
        for (index, step) in scenario.steps.enumerated() where failure == nil {
            if isInterrupted { break }
            if let observer = options.observer, !observer.shouldPerform(step, index: index) {
                stoppedEarly = true
                break
            }
            var message = perform(step)
            if let observer = options.observer, let event = lastEvent, !isInterrupted {
                let outcome = StepOutcome(
                    event: event, failure: message, session: session, captureScreen: { try self.redactedCapture() })
                message = observer.didPerform(step, index: index, outcome: outcome) ?? message
            }
            if let message {
                failure = "\(step.location): \(step.kind.rawValue) failed: \(message)"
                break
            }
        }
        var result = end(failure: failure)
        result.stoppedEarly = stoppedEarly
        return result
    }

    /// The run's limits (`limits:` of its policies), for callers that count more than gated actions.
    public var limits: ActionLimits { gate.limits }

    /// How long the run has been going, leaving out the time it waited for a person's approval.
    public var elapsed: Duration { runNow - start }

    /// The run's clock: now, less the time spent waiting for a person; step deadlines and the
    /// policy's `limits.max_duration` are measured on it.
    var runNow: ContinuousClock.Instant { clock.now - waited }

    /// The files added, removed or modified under the writable roots since the run began, with
    /// unified diffs for text; computed only when asked. Empty unless `RunOptions.watchWorkspace`
    /// or a feed was set when the run began.
    public func workspaceDiff() -> [FileChange] {
        workspaceBefore?.diffNow(excluding: workspaceExclusions) ?? []
    }

    /// Starts a run to be driven step by step (`performStep`), as the agent door does: loads the
    /// policies, opens the display and the session. `end` must follow once this returned.
    /// - Throws: `RunError` when the run cannot start; nothing is left running then.
    public func begin() throws(RunError) {
        start = clock.now
        try loadPolicies()
        try openDisplay()
        options.control?.register(desktop: desktop)
        if let display { options.control?.register(display: display) }
        if options.display != nil {
            // Rule 6: on a desktop someone may be looking at, say who is driving.
            banner = try? desktop.showBanner("foredesk is driving")
        }
        do {
            try openSession()
        } catch {
            cleanUp()
            options.control?.markDone()
            throw error
        }
        options.control?.register(session: session)
        if options.watchWorkspace || options.feed != nil {
            let before = WorkspaceSnapshot.take(roots: writableRoots(), excluding: workspaceExclusions)
            workspaceBefore = before
            options.feed?.workspaceWatched(before, excluding: workspaceExclusions)
        }
        videoFailure = startVideo()
        options.feed?.runStarted(
            session: session.path, scenario: scenario.name, steps: scenario.steps.map { "\($0.location) \($0.kind.rawValue)" })
        if let feed = options.feed, let frame = try? redactedCapture() { feed.screen(frame) }
    }

    /// Performs one step through the gate and records it, as a scenario's steps are; returns its
    /// event and why it failed (nil when it passed).
    public func performStep(_ step: Step) -> (event: Event?, failure: String?) {
        lastEvent = nil
        let failure = perform(step)
        return (lastEvent, failure)
    }

    /// Ends a run begun with `begin`: releases the input, finishes the session (verdict from failure,
    /// or aborted after a signal), stops the apps and the private display.
    public func end(failure: String?) -> RunResult {
        defer {
            cleanUp()
            options.control?.markDone()
        }
        var failure = failure
        if let control = options.control, let interruption = control.interruption {
            // The signal thread already released the input; make sure, then say how the run ended.
            let release = interruption.release ?? desktop.interruptInput()
            guard control.claimFinish() else {
                return RunResult(sessionPath: session.path, passed: false, failure: failure, interruptedBy: interruption.signal)
            }
            finishVideo()
            _ = try? session.record(RunControl.interruptedEvent(signal: interruption.signal, release: release, stuck: false))
            try? session.finish(verdict: .aborted)
            options.feed?.runFinished(verdict: "aborted", failure: "interrupted")
            let message = "interrupted by \(RunControl.name(of: interruption.signal))" + (failure.map { " (\($0))" } ?? "")
            return RunResult(sessionPath: session.path, passed: false, failure: message, interruptedBy: interruption.signal)
        }
        _ = options.control?.claimFinish()
        finishVideo()
        if let problem = finishFrames(), failure == nil { failure = problem }
        try? desktop.releaseAll()
        try? session.finish(verdict: failure == nil ? .passed : .failed)
        options.feed?.runFinished(verdict: failure == nil ? "passed" : "failed", failure: failure)
        return RunResult(sessionPath: session.path, passed: failure == nil, failure: failure)
    }

    // MARK: - Setup

    /// Creates the session folder and the run's temporary folder inside it.
    func openSession() throws(RunError) {
        var info = SessionInfo(
            scenario: scenario.name, policyDigest: digest(), display: desktop.displayName,
            screenSize: desktop.screenSize, version: "0.1.0")
        info.scenarioFile = URL(fileURLWithPath: scenario.file).standardizedFileURL.path
        info.replayOf = options.replayOf
        do {
            session = try SessionFolder.create(in: options.out, info: info, syncEachEvent: false)
            // Never the secrets: a replay takes them from the original file again.
            if let source = scenario.sourceWithoutSecrets { try session.saveScenario(source) }
        } catch {
            throw RunError("cannot create the session folder in \(options.out): \(error)")
        }
        runTemp = session.path + "/.run"
        try? FileManager.default.createDirectory(atPath: runTemp, withIntermediateDirectories: true)
    }

    func loadPolicies() throws(RunError) {
        func load(_ path: String) throws(RunError) -> Policy {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RunError("cannot read the policy \(path)")
            }
            do {
                return try Policy(yaml: text, file: path)
            } catch {
                throw RunError(error.description)
            }
        }
        if let file = options.policyFile {
            gate = try load(file)
            for app in scenario.apps { policies[app.name] = gate }
            return
        }
        var first: Policy?
        for app in scenario.apps {
            let policy = try app.policy.map { (path) throws(RunError) in try load(path) } ?? .default
            policies[app.name] = policy
            if first == nil, app.policy != nil { first = policy }
        }
        gate = first ?? .default
    }

    func openDisplay() throws(RunError) {
        do {
            let name: String
            if let existing = options.display {
                name = existing
            } else {
                let size: Size
                switch scenario.display {
                case let .virtual(wanted): size = wanted
                case let .existing(existing):
                    throw RunError(
                        "the scenario names the existing display \(existing); pass --display \(existing) to drive it")
                }
                let display = try VirtualDisplay(.init(size: size, windowManager: true))
                self.display = display
                name = display.name
            }
            desktop = try Desktop(display: name)
            watch = try desktop.watchScreen()
            // Without XInput2 the pointer and focus comparison still notices someone else.
            humanInput = try? desktop.watchHumanInput()
        } catch let error as RunError {
            throw error
        } catch {
            display?.stop()
            throw RunError("cannot open the display: \(error)", unavailable: true)
        }
    }

    func cleanUp() {
        // Stopped without its event when the run ended some other way (the grace timer recorded it then).
        _ = video?.stop()
        video = nil
        if let banner { try? desktop.removeBanner(banner) }
        banner = nil
        _ = finishFrames()
        for (_, process) in launched.reversed() { process.terminate(grace: .seconds(2)) }
        launched.removeAll()
        for grant in grants { try? desktop.revoke(grant) }
        if !runTemp.isEmpty { try? FileManager.default.removeItem(atPath: runTemp) }
        display?.stop()
    }

    /// The writable roots of the run's policies, filled in.
    func writableRoots() -> [String] {
        let paths = SandboxPolicy.Paths(workspace: options.workspace, out: session.path, tmp: runTemp)
        var roots: [String] = []
        for policy in [gate] + policies.values {
            for root in policy.sandbox.confinement(for: paths, isDirectory: FileKind.isDirectory).writableRoots
            where !roots.contains(root) {
                roots.append(root)
            }
        }
        return roots
    }

    /// What the workspace diff leaves out: the session folders (the run's own record).
    var workspaceExclusions: [String] {
        let out = URL(fileURLWithPath: options.out).standardizedFileURL.path
        return [out, session?.path ?? out, runTemp].filter { !$0.isEmpty }
    }

    func digest() -> String {
        // SHA-256 over the policy files, in order: which policy a run was under, checkable against the files.
        var bytes: [UInt8] = []
        let files = options.policyFile.map { [$0] } ?? scenario.apps.compactMap(\.policy)
        for file in files {
            bytes += (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
        }
        return "sha256:" + EventChain.hash(bytes)
    }

    // MARK: - Steps

    /// A step's failure message, to end the run with.
    struct StepFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Runs one step and records it; returns the failure message, nil when it passed.
    func perform(_ step: Step) -> String? {
        let begun = clock.now
        currentStep = "\(step.location) \(step.kind.rawValue)"
        if let banner { try? desktop.raiseBanner(banner) }
        // After foredesk's own actions the pointer and focus are where it put them; a passive step (a
        // wait, a sleep) keeps the earlier baseline, so what changes during it is noticed.
        defer { if Self.actingKinds.contains(step.kind) { takeBaseline() } }
        // Steps run in order, so this is the scenario's index; an agent's steps go on counting.
        let index = stepsPerformed
        stepsPerformed += 1
        options.feed?.stepStarted(index, "\(step.location) \(step.kind.rawValue)")
        var event = Event(step: "\(step.location) \(step.kind.rawValue)", action: recorded(step))
        var failure: String?
        do {
            try execute(step, &event)
        } catch let error as StepFailure {
            failure = error.message
        } catch {
            failure = "\(error)"
        }
        event.error = failure
        event.durationMilliseconds = Self.milliseconds(clock.now - begun)
        if event.pointer == nil { event.pointer = try? desktop.pointerPosition() }
        do {
            lastEvent = try session.record(event)
            if let feed = options.feed {
                feed.stepFinished(index, event)
                if let frame = try? redactedCapture() { feed.screen(frame) }
            }
        } catch {
            return failure ?? "cannot record the step: \(error)"
        }
        let verdict = failure.map { "FAILED: \($0)" } ?? (event.decision.map { "ok (\($0.verdict))" } ?? "ok")
        options.progress?("\(step.location) \(step.kind.rawValue): \(verdict)")
        return failure
    }

    func execute(_ step: Step, _ event: inout Event) throws {
        switch step.action {
        case let .launch(app, timeout):
            try launch(app, timeout: timeout, &event)
        case let .waitWindow(match, timeout), let .wait(.window(match), timeout):
            _ = try waitForWindow(match, timeout: timeout)
        case let .expectWindow(match, timeout):
            _ = try waitForWindow(match, timeout: timeout, verb: "expected")
        case let .activate(target, timeout):
            try activate(target, timeout: timeout, &event)
        case let .click(target): try pointer(.click, target, &event)
        case let .doubleClick(target): try pointer(.doubleClick, target, &event)
        case let .rightClick(target): try pointer(.rightClick, target, &event)
        case let .middleClick(target): try pointer(.middleClick, target, &event)
        case let .move(target): try pointer(.move, target, &event)
        case let .scroll(target, direction, clicks):
            try pointer(.scroll, target, &event, scroll: (direction, clicks))
        case let .type(text, secret):
            try input(Action.type(text, secret: secret), &event) { (desktop) throws(DesktopError) in
                try desktop.type(text)
            }
        case let .key(combination, times):
            try input(Action.key(combination.description), &event) { (desktop) throws(DesktopError) in
                for _ in 0..<times { try desktop.key(combination.description) }
            }
        case let .wait(.settle(_, quiet), timeout):
            try watch.reset()
            let settling = try watch.waitUntilSettled(quiet: quiet, timeout: timeout)
            event.settleMilliseconds = Self.milliseconds(settling.elapsed)
            guard settling.settled else {
                throw StepFailure("the screen was still changing after \(timeout)")
            }
        case let .wait(.change(region), timeout):
            try waitForChange(region, timeout: timeout, &event)
        case let .screenshot(name, region):
            event.frames.after = try screenshot(name, region)
        case let .run(command, timeout, exitCode, output):
            try runCommand(command, timeout: timeout, exitCode: exitCode, output: output, &event)
        case let .expectFile(path, expectation, timeout):
            try expectFile(fill(path), expectation, timeout: timeout)
        case let .sleep(duration):
            try interruptibleSleep(duration)
        case let .wait(.imageAppears(image), timeout):
            try waitForImage(image, timeout: timeout, &event)
        case let .wait(.imageVanishes(image), timeout):
            try waitForImageGone(image, timeout: timeout, &event)
        case let .expectScreen(golden, compare, timeout):
            try expectScreen(golden, compare, timeout: timeout, &event)
        case let .drag(from, to, duration):
            try drag(from, to, duration: duration, &event)
        }
    }

    func recorded(_ step: Step) -> RecordedAction {
        switch step.action {
        case let .type(text, secret): RecordedAction(Action.type(text, secret: secret))
        case let .key(combination, times):
            RecordedAction(
                kind: "key",
                parameters: [.init("keys", .string(combination.description))]
                    + (times > 1 ? [.init("repeat", .int(times))] : []))
        case let .launch(app, _): RecordedAction(kind: "launch", parameters: [.init("app", .string(app))])
        case let .expectScreen(golden, _, _):
            RecordedAction(kind: "expect_screen", parameters: [.init("golden", .string(golden))])
        case let .screenshot(name, _): RecordedAction(kind: "screenshot", parameters: [.init("name", .string(name))])
        case let .run(command, _, _, _):
            RecordedAction(kind: "run", parameters: [.init("command", .string(fill(command.description)))])
        case let .expectFile(path, _, _):
            RecordedAction(kind: "expect_file", parameters: [.init("path", .string(fill(path)))])
        default: RecordedAction(kind: step.kind.rawValue)
        }
    }

    // MARK: - Helpers

    /// Steps that move the pointer or the focus themselves.
    static let actingKinds = Step.actingKinds

    /// A signal asked the run to stop.
    var isInterrupted: Bool { options.control?.signal != nil }

    /// Sleeps, waking early to fail the step when the run is interrupted.
    func interruptibleSleep(_ duration: Duration) throws {
        let deadline = runNow + duration
        while runNow < deadline {
            if isInterrupted { throw StepFailure("interrupted") }
            blockingSleep(min(.milliseconds(50), deadline - runNow))
        }
    }

    /// The runner's variables filled in.
    func fill(_ text: String) -> String {
        text.replacing("${workspace}", with: options.workspace)
            .replacing("${out}", with: session?.path ?? options.out)
            .replacing("${tmp}", with: runTemp)
    }

    static func displayNumber(_ name: String) -> String {
        let afterColon = name.split(separator: ":").last ?? ""
        return String(afterColon.split(separator: ".").first ?? "")
    }

    /// `300ms`, `1s`, `5m`, `1h30m`: durations the way scenarios write them.
    static func format(_ duration: Duration) -> String {
        let total = milliseconds(duration)
        if total % 1000 != 0 { return "\(total)ms" }
        let seconds = total / 1000
        if seconds % 60 != 0 || seconds == 0 { return "\(seconds)s" }
        return seconds % 3600 == 0 ? "\(seconds / 3600)h" : "\(seconds / 60)m"
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
