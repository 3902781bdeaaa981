import Desktop
import Foundation
import Imaging
import Policy
import Processes
import Sandbox
import Session

/// Runs a scenario foreground-only: every acting step is put to the policy gate first, and every
/// step becomes one event in the session folder.
///
/// This first runner supports `launch`, `wait_window`, `activate`, `click`, `double_click`,
/// `right_click`, `middle_click`, `move`, `scroll` and `drag` at `at:` or `screen:` points, `type`, `key`,
/// `wait` for a window, a change or a settled screen, `screenshot`, `expect_screen`,
/// `expect_window`, `run`, `expect_file` and `sleep`; any other step fails with "step kind X is not supported by this
/// runner yet", never passing silently.
public final class ScenarioRunner {
    let scenario: Scenario
    let options: RunOptions
    private let clock = ContinuousClock()
    private var start = ContinuousClock.now
    private var session: SessionFolder!
    private var desktop: Desktop!
    private var watch: ScreenWatch!
    private var display: VirtualDisplay?
    private var gate = Policy.default
    private var policies: [String: Policy] = [:]
    private var launched: [(app: String, process: SandboxedProcess)] = []
    private var grants: [XAuthorityGrant] = []
    private var runTemp = ""
    private var actionTimes: [ContinuousClock.Instant] = []
    /// The screen before the latest input action: what `wait: {change:}` compares with.
    private var lastBefore: Frame?
    private var frameCounter = 0

    public init(scenario: Scenario, options: RunOptions) {
        self.scenario = scenario
        self.options = options
    }

    /// Runs every step until one fails; the session is finished either way.
    /// - Throws: `RunError` when the run cannot start (policy unreadable, no display).
    public func run() throws(RunError) -> RunResult {
        start = clock.now
        try loadPolicies()
        try openDisplay()
        defer { cleanUp() }
        let info = SessionInfo(
            scenario: scenario.name, policyDigest: digest(), display: desktop.displayName,
            screenSize: desktop.screenSize, version: "0.1.0")
        do {
            session = try SessionFolder.create(in: options.out, info: info, syncEachEvent: false)
        } catch {
            throw RunError("cannot create the session folder in \(options.out): \(error)")
        }
        runTemp = session.path + "/.run"
        try? FileManager.default.createDirectory(atPath: runTemp, withIntermediateDirectories: true)
        var failure: String?
        for step in scenario.steps {
            if let message = perform(step) {
                failure = "\(step.location): \(step.kind.rawValue) failed: \(message)"
                break
            }
        }
        try? desktop.releaseAll()
        try? session.finish(verdict: failure == nil ? .passed : .failed)
        return RunResult(sessionPath: session.path, passed: failure == nil, failure: failure)
    }

    // MARK: - Setup

    private func loadPolicies() throws(RunError) {
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

    private func openDisplay() throws(RunError) {
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
        } catch let error as RunError {
            throw error
        } catch {
            display?.stop()
            throw RunError("cannot open the display: \(error)", unavailable: true)
        }
    }

    private func cleanUp() {
        for (_, process) in launched.reversed() { process.terminate(grace: .seconds(2)) }
        launched.removeAll()
        for grant in grants { try? desktop.revoke(grant) }
        if !runTemp.isEmpty { try? FileManager.default.removeItem(atPath: runTemp) }
        display?.stop()
    }

    private func digest() -> String {
        // FNV-1a over the policy files: enough to tell two runs' policies apart in a report.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let files = options.policyFile.map { [$0] } ?? scenario.apps.compactMap(\.policy)
        for file in files {
            for byte in (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data() {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return "fnv1a64:" + String(hash, radix: 16)
    }

    // MARK: - Steps

    /// A step's failure message, to end the run with.
    struct StepFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Runs one step and records it; returns the failure message, nil when it passed.
    private func perform(_ step: Step) -> String? {
        let begun = clock.now
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
            try session.record(event)
        } catch {
            return failure ?? "cannot record the step: \(error)"
        }
        let verdict = failure.map { "FAILED: \($0)" } ?? (event.decision.map { "ok (\($0.verdict))" } ?? "ok")
        options.progress?("\(step.location) \(step.kind.rawValue): \(verdict)")
        return failure
    }

    private func execute(_ step: Step, _ event: inout Event) throws {
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
            let frame = try desktop.capture(region.map { .region($0) } ?? .screen)
            event.frames.after = try session.saveFrame(frame, name: name)
        case let .run(command, timeout, exitCode, output):
            try runCommand(command, timeout: timeout, exitCode: exitCode, output: output, &event)
        case let .expectFile(path, expectation, timeout):
            try expectFile(fill(path), expectation, timeout: timeout)
        case let .sleep(duration):
            blockingSleep(duration)
        case .wait(.imageAppears, _), .wait(.imageVanishes, _):
            throw StepFailure("step kind wait with image/image_gone is not supported by this runner yet")
        case let .expectScreen(golden, compare, timeout):
            try expectScreen(golden, compare, timeout: timeout, &event)
        case let .drag(from, to):
            try drag(from, to, &event)
        }
    }

    private func recorded(_ step: Step) -> RecordedAction {
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

    // MARK: - The gate

    private func facts(targets: [Point] = [], targetWindow: WindowInfo? = nil) throws -> (Facts, WindowInfo?) {
        let active = try desktop.activeWindowID().flatMap { try? desktop.window($0) }
        var launchedPIDs: [Int32: String] = [:]
        for (app, process) in launched {
            launchedPIDs[process.process.pid] = app
            for pid in process.cgroup?.processIDs() ?? [] { launchedPIDs[pid] = app }
        }
        var windowsAt: [Point: WindowFacts] = [:]
        var owners = [active, targetWindow].compactMap { $0?.pid }
        if !targets.isEmpty {
            let stack = try desktop.windows()
            for point in targets {
                if let top = stack.last(where: { $0.isViewable && $0.frame.contains(point) }) {
                    windowsAt[point] = Self.facts(top)
                    if let pid = top.pid { owners.append(pid) }
                } else if desktop.screenBounds.contains(point) {
                    // No top-level window there: the desktop's background is what a click would hit.
                    windowsAt[point] = WindowFacts(id: 0, title: "(root window)", pid: nil, frame: desktop.screenBounds)
                }
            }
        }
        for pid in owners where launchedPIDs[pid] == nil {
            if let app = launchedAncestor(of: pid) { launchedPIDs[pid] = app }
        }
        let now = clock.now
        let facts = Facts(
            activeWindow: active.map(Self.facts), launchedProcesses: launchedPIDs,
            pointer: try? desktop.pointerPosition(), windowsAtTargets: windowsAt,
            targetWindow: targetWindow.map(Self.facts), actionsSoFar: actionTimes.count, elapsed: now - start,
            actionsInLastSecond: actionTimes.filter { now - $0 < .seconds(1) }.count)
        return (facts, active)
    }

    /// The app whose sandbox helper is an ancestor of pid (the app runs below it, in its own PID namespace).
    private func launchedAncestor(of pid: Int32) -> String? {
        var current = pid
        for _ in 0..<64 {
            if let entry = launched.first(where: { $0.process.process.pid == current }) { return entry.app }
            guard let stat = try? String(contentsOfFile: "/proc/\(current)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]), parent > 1 else { return nil }
            current = parent
        }
        return nil
    }

    private static func facts(_ window: WindowInfo) -> WindowFacts {
        WindowFacts(
            id: window.id.rawValue, title: window.title, className: window.className,
            instanceName: window.instanceName, pid: window.pid, frame: window.frame, isMapped: window.isMapped,
            isViewable: window.isViewable, isOverrideRedirect: window.isOverrideRedirect)
    }

    /// Puts action to the gate and records the decision; throws unless it is allowed.
    private func check(_ action: Action, _ facts: Facts, _ event: inout Event) throws {
        let decision = gate.decide(action, facts: facts)
        if event.action.parameters.isEmpty { event.action = RecordedAction(action) }
        event.decision = DecisionRecord(decision)
        if let window = facts.activeWindow { event.foreground = WindowRecord(window) }
        event.pointer = facts.pointer
        switch decision {
        case .allow:
            actionTimes.append(clock.now)
        case let .deny(reason):
            throw StepFailure("denied by the policy (\(reason.rule.rawValue)): \(reason.message)")
        case let .ask(reason):
            throw StepFailure(
                "denied (\(reason.rule.rawValue)): \(reason.message) — and this runner has no approval broker yet, "
                    + "so what needs approval is denied")
        case let .pause(reason):
            throw StepFailure(
                "the gate paused the run (\(reason.rule.rawValue)): \(reason.message) — this runner cannot pause yet, "
                    + "so the step fails")
        }
    }

    // MARK: - Input

    private func pointer(
        _ kind: Action.Kind, _ target: PointerTarget, _ event: inout Event,
        scroll: (ScrollDirection, Int)? = nil
    ) throws {
        let point: Point
        switch target {
        case let .screen(screenPoint):
            point = screenPoint
        case let .window(offset):
            guard let active = try desktop.activeWindowID().flatMap({ try? desktop.window($0) }) else {
                let (facts, _) = try facts()
                try check(Action.pointer(kind, at: nil), facts, &event)
                throw StepFailure("no window is active, so \(offset) has no window to be relative to")
            }
            point = Point(x: active.frame.x + offset.x, y: active.frame.y + offset.y)
        case .image:
            throw StepFailure("step kind \(kind.rawValue) with image: is not supported by this runner yet")
        }
        try input(Action.pointer(kind, at: point), &event, targets: [point]) { (desktop) throws(DesktopError) in
            switch kind {
            case .click: try desktop.click(at: point)
            case .doubleClick: try desktop.click(at: point, count: 2)
            case .rightClick: try desktop.click(at: point, button: .right)
            case .middleClick: try desktop.click(at: point, button: .middle)
            case .scroll:
                let (direction, clicks) = scroll ?? (.down, 1)
                let dx = direction == .left ? -clicks : direction == .right ? clicks : 0
                let dy = direction == .up ? -clicks : direction == .down ? clicks : 0
                try desktop.scroll(dx: dx, dy: dy, at: point)
            default: try desktop.move(to: point)
            }
        }
    }

    private func drag(_ from: PointerTarget, _ to: DragEnd, _ event: inout Event) throws {
        let active = try desktop.activeWindowID().flatMap { try? desktop.window($0) }
        let origin = Point(x: active?.frame.x ?? 0, y: active?.frame.y ?? 0)
        let start: Point
        switch from {
        case let .screen(point): start = point
        case let .window(offset) where active != nil: start = Point(x: origin.x + offset.x, y: origin.y + offset.y)
        case .window:
            let (facts, _) = try facts()
            try check(Action(kind: .drag), facts, &event)
            throw StepFailure("no window is active, so the drag's start has no window to be relative to")
        case .image:
            throw StepFailure("step kind drag with image: is not supported by this runner yet")
        }
        let end: Point
        switch to {
        case let .screen(point): end = point
        case let .window(offset): end = Point(x: origin.x + offset.x, y: origin.y + offset.y)
        case let .offset(dx, dy): end = Point(x: start.x + dx, y: start.y + dy)
        }
        try input(Action.drag(from: start, to: end), &event, targets: [start, end]) { (desktop) throws(DesktopError) in
            try desktop.drag(from: start, to: end)
        }
    }

    /// Gate, before-frame, the action, the settled screen, after-frame.
    private func input(
        _ action: Action, _ event: inout Event, targets: [Point] = [],
        _ body: (Desktop) throws(DesktopError) -> Void
    ) throws {
        let (facts, _) = try facts(targets: targets)
        try check(action, facts, &event)
        let before = try desktop.capture()
        lastBefore = before
        event.frames.before = try session.saveFrame(before, name: frameName(action.kind.rawValue, "before"))
        try watch.reset()
        try body(desktop)
        let settling = try watch.waitUntilSettled(quiet: WaitCondition.defaultQuiet, timeout: .seconds(5))
        event.settleMilliseconds = Self.milliseconds(settling.elapsed)
        event.frames.after = try session.saveFrame(try desktop.capture(), name: frameName(action.kind.rawValue, "after"))
        event.pointer = try? desktop.pointerPosition()
    }

    private func frameName(_ kind: String, _ when: String) -> String {
        frameCounter += 1
        return "step\(frameCounter)-\(kind)-\(when)"
    }

    // MARK: - Apps and windows

    private func launch(_ name: String, timeout: Duration, _ event: inout Event) throws {
        guard let app = scenario.app(named: name) else { throw StepFailure("no app named '\(name)' is declared") }
        let policy = policies[name] ?? gate
        var argv = app.command.argv.map(fill)
        if let tools = options.toolDirectory, let program = argv.first, !program.contains("/"),
            FileManager.default.isExecutableFile(atPath: tools + "/" + program)
        {
            argv[0] = tools + "/" + program
        }
        let (facts, _) = try facts()
        try check(Action.launch(app: name, command: argv.joined(separator: " ")), facts, &event)
        guard policy.sandbox.display == .untrusted else {
            throw StepFailure(
                "the policy's sandbox.display is trusted, which this runner does not support yet (it grants untrusted cookies only)")
        }
        var confinement = policy.sandbox.confinement(
            for: SandboxPolicy.Paths(workspace: options.workspace, out: session.path, tmp: runTemp),
            isDirectory: FileKind.isDirectory)
        confinement.displaySocket = "/tmp/.X11-unix/X" + Self.displayNumber(desktop.displayName)
        // /tmp is private inside the sandbox: the cookie goes below a writable root, which is bound in.
        let root = confinement.writableRoots.first ?? options.workspace
        let cookieFolder = root + "/.foredesk-\(getpid())-\(name)"
        try FileManager.default.createDirectory(atPath: cookieFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: cookieFolder) }
        let grant = try desktop.grantUntrustedAccess(authorityFile: cookieFolder + "/xauthority", idleTimeout: nil)
        grants.append(grant)
        let output = session.outputFiles(name: name)
        event.output = output
        let process: SandboxedProcess
        do {
            process = try SandboxedProcess(
                argv, confinement: confinement,
                environment: ["DISPLAY": desktop.displayName, "XAUTHORITY": grant.file],
                output: .files(
                    stdout: session.absolutePath(output.stdout ?? "out"),
                    stderr: session.absolutePath(output.stderr ?? "err")))
        } catch {
            throw StepFailure("cannot start \(name) in its sandbox: \(error)")
        }
        launched.append((name, process))
        if let match = app.window {
            let window = try waitForWindow(match, timeout: timeout, ownedBy: name)
            event.foreground = WindowRecord(Self.facts(window))
        }
    }

    private func waitForWindow(
        _ match: WindowMatch, timeout: Duration, ownedBy app: String? = nil, verb: String = "waited for"
    ) throws -> WindowInfo {
        let deadline = clock.now + timeout
        while true {
            let found = try desktop.windows().last { window in
                Self.matches(match, window)
                    && (app == nil || window.pid.flatMap { owner(of: $0) } == app)
            }
            if let found { return found }
            if let app, let entry = launched.first(where: { $0.app == app }),
                let status = entry.process.process.exitStatus()
            {
                throw StepFailure("\(app) exited with status \(status) before its window appeared")
            }
            if clock.now >= deadline {
                throw StepFailure("\(verb) a window \(Self.describe(match)) for \(timeout); none appeared")
            }
            blockingSleep(.milliseconds(20))
        }
    }

    private func owner(of pid: Int32) -> String? {
        for (app, process) in launched where process.cgroup?.processIDs().contains(pid) == true { return app }
        return launchedAncestor(of: pid)
    }

    private static func matches(_ match: WindowMatch, _ window: WindowInfo) -> Bool {
        if let title = match.title, !title.matches(window.title) { return false }
        if let wanted = match.windowClass?.lowercased(),
            window.className.lowercased() != wanted && window.instanceName.lowercased() != wanted
        {
            return false
        }
        return true
    }

    private static func describe(_ match: WindowMatch) -> String {
        [match.title.map { "titled /\($0.source)/" }, match.windowClass.map { "of class \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
    }

    private func activate(_ target: Step.ActivationTarget, timeout: Duration, _ event: inout Event) throws {
        let window: WindowInfo
        let appName: String?
        switch target {
        case let .app(name):
            guard let app = scenario.app(named: name) else { throw StepFailure("no app named '\(name)' is declared") }
            appName = name
            let found = try desktop.windows().last { window in
                window.pid.flatMap { owner(of: $0) } == name && (app.window.map { Self.matches($0, window) } ?? true)
            }
            guard let found else { throw StepFailure("\(name) has no window to activate (was it launched?)") }
            window = found
        case let .window(match):
            appName = nil
            window = try waitForWindow(match, timeout: timeout)
        }
        let (facts, _) = try facts(targetWindow: window)
        try check(Action(kind: .activate, app: appName), facts, &event)
        try desktop.activate(window.id, timeout: timeout)
        event.foreground = WindowRecord(Self.facts(window))
    }

    // MARK: - Waiting, commands, files

    private func waitForChange(_ region: Rect?, timeout: Duration, _ event: inout Event) throws {
        // "Changed" means: differs from the screen as it was before the latest input action (or as
        // it is when the wait begins, when nothing was done yet), so a change that an earlier step
        // caused and already settled counts.
        let baseline = try lastBefore ?? desktop.capture()
        let deadline = clock.now + timeout
        let options = CompareOptions(region: region)
        while true {
            let now = try desktop.capture()
            if try now.difference(from: baseline, options: options).differingPixels > 0 {
                event.frames.after = try session.saveFrame(now, name: frameName("wait", "changed"))
                return
            }
            if clock.now >= deadline {
                throw StepFailure(
                    "\(region.map { "the region \($0)" } ?? "the screen") did not change within \(timeout)")
            }
            _ = try watch.waitForChange(timeout: .milliseconds(100))
        }
    }

    /// Compares the settled screen with a full-screen golden PNG (only `region`, without `masks`),
    /// retrying until timeout; writes `NAME.actual.png` and `NAME.diff.png` beside it on a mismatch,
    /// or the golden itself with `updateGolden`.
    private func expectScreen(_ golden: String, _ compare: CompareOptions, timeout: Duration, _ event: inout Event)
        throws
    {
        let deadline = clock.now + timeout
        try watch.reset()
        let settling = try watch.waitUntilSettled(quiet: WaitCondition.defaultQuiet, timeout: timeout)
        event.settleMilliseconds = Self.milliseconds(settling.elapsed)
        let expected = FileManager.default.fileExists(atPath: golden) ? try Frame(contentsOfPNG: golden) : nil
        func record(_ frame: Frame) throws {
            let folder = String(golden[..<(golden.lastIndex(of: "/") ?? golden.startIndex)])
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try frame.writePNG(to: golden)
        }
        while true {
            let actual = try desktop.capture()
            event.frames.after = try session.saveFrame(actual, name: frameName("expect_screen", "actual"))
            guard let expected else {
                if options.updateGolden { return try record(actual) }
                throw StepFailure("the golden image \(golden) does not exist; run with --update-golden to record it")
            }
            guard expected.width == actual.width, expected.height == actual.height else {
                if options.updateGolden { return try record(actual) }
                throw StepFailure(
                    "the golden image \(golden) is \(expected.width)x\(expected.height), the screen "
                        + "\(actual.width)x\(actual.height); run with --update-golden to record it again")
            }
            let difference = try actual.difference(from: expected, options: compare)
            if difference.differingPixels == 0 { return }
            if clock.now >= deadline {
                if options.updateGolden { return try record(actual) }
                let stem = golden.hasSuffix(".png") ? String(golden.dropLast(4)) : golden
                try actual.writePNG(to: stem + ".actual.png")
                let diff = try actual.diffImage(against: expected, options: compare)
                try diff.writePNG(to: stem + ".diff.png")
                event.frames.before = try session.saveFrame(diff, name: frameName("expect_screen", "diff"))
                throw StepFailure(
                    "\(difference.differingPixels) of \(difference.comparedPixels) pixels differ from \(golden)"
                        + (difference.boundingBox.map { " within \($0)" } ?? "")
                        + "; wrote \(stem).actual.png and \(stem).diff.png")
            }
            _ = try watch.waitForChange(timeout: .milliseconds(200))
        }
    }

    private func runCommand(
        _ command: ScenarioCommand, timeout: Duration, exitCode: Int32, output pattern: TextPattern?,
        _ event: inout Event
    ) throws {
        let argv = command.argv.map(fill)
        let (facts, _) = try facts()
        try check(Action.run(argv.joined(separator: " ")), facts, &event)
        var confinement = gate.sandbox.confinement(
            for: SandboxPolicy.Paths(workspace: options.workspace, out: session.path, tmp: runTemp),
            isDirectory: FileKind.isDirectory)
        confinement.maxWallTime = timeout
        let output = session.outputFiles(name: "run")
        event.output = output
        let stdout = session.absolutePath(output.stdout ?? "out")
        let process: SandboxedProcess
        do {
            process = try SandboxedProcess(
                argv, confinement: confinement,
                output: .files(stdout: stdout, stderr: session.absolutePath(output.stderr ?? "err")))
        } catch {
            throw StepFailure("cannot start the command in its sandbox: \(error)")
        }
        let (status, timedOut) = process.waitForExit()
        if timedOut { throw StepFailure("the command ran past its timeout of \(timeout) and was ended") }
        guard status == exitCode else {
            throw StepFailure("the command exited with status \(status), expected \(exitCode)")
        }
        if let pattern {
            let text = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
            guard pattern.matches(text) else {
                throw StepFailure("the command's output does not match /\(pattern.source)/")
            }
        }
    }

    private func expectFile(_ path: String, _ expectation: FileExpectation, timeout: Duration) throws {
        let deadline = clock.now + timeout
        var problem = ""
        while true {
            let data = FileManager.default.contents(atPath: path)
            let text = data.map { String(decoding: $0, as: UTF8.self) }
            if !expectation.exists {
                if data == nil { return }
                problem = "\(path) exists, expected it not to"
            } else if let text {
                if let wanted = expectation.contains, !text.contains(wanted) {
                    problem = "\(path) does not contain '\(wanted)'"
                } else if let pattern = expectation.matches, !pattern.matches(text) {
                    problem = "\(path) does not match /\(pattern.source)/"
                } else {
                    return
                }
            } else {
                problem = "\(path) does not exist"
            }
            if clock.now >= deadline { throw StepFailure(problem + " (waited \(timeout))") }
            blockingSleep(.milliseconds(20))
        }
    }

    // MARK: - Helpers

    /// The runner's variables filled in.
    private func fill(_ text: String) -> String {
        text.replacing("${workspace}", with: options.workspace)
            .replacing("${out}", with: session?.path ?? options.out)
            .replacing("${tmp}", with: runTemp)
    }

    private static func displayNumber(_ name: String) -> String {
        let afterColon = name.split(separator: ":").last ?? ""
        return String(afterColon.split(separator: ".").first ?? "")
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
