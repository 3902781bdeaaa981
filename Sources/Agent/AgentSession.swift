import Desktop
import Foundation
public import Imaging
import Policy
public import Scenario
public import Session

/// How an agent session starts: which policy gates it, which display it drives, what it launches.
public struct AgentOptions: Sendable {
    /// The policy file that gates every call; nil uses the default policy (input to launched apps only).
    public var policy: String?
    /// An existing display to drive; nil starts a private one of `screen` size.
    public var display: String?
    /// The private display's size.
    public var screen: Size
    /// The command started (sandboxed) as the session's app, before the first call.
    public var launch: ScenarioCommand?
    /// The app's name, as the policy's `input.apps` names it.
    public var appName: String
    /// Where the session folder goes, and the workspace (`${workspace}`, the commands' writable folder).
    public var out: String
    public var workspace: String
    /// A folder searched first for the app's program (`fixture-app` beside foredesk).
    public var toolDirectory: String?
    /// The scale of screenshots and coordinates when a call names none.
    public var scale: Double
    /// How long the screen must stay still after an input call before it returns (the scenario's `settle:`).
    public var settle: Duration = WaitCondition.defaultQuiet
    /// Who answers `ask` (a supervisor's phone); nil denies what needs approval, since stdio carries the protocol.
    public var approvals: (any ApprovalBroker)?
    /// A live view of the session (`--supervise`).
    public var feed: (any RunFeed)?
    /// One line per call on stderr (never typed text), or nil.
    public var progress: (@Sendable (String) -> Void)?

    public init(
        policy: String?, display: String?, screen: Size, launch: ScenarioCommand?, appName: String = "app", out: String,
        workspace: String, toolDirectory: String? = nil, scale: Double = 1, progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.appName = appName
        self.policy = policy
        self.display = display
        self.screen = screen
        self.launch = launch
        self.out = out
        self.workspace = workspace
        self.toolDirectory = toolDirectory
        self.scale = scale
        self.progress = progress
    }
}

/// What a call did, for the door to turn into an MCP result or a JSON line.
public struct AgentReply: Sendable {
    /// How a call went wrong.
    public enum Failure: String, Sendable {
        /// The policy gate denied it (or nobody approved it).
        case denied
        /// It was allowed but did not succeed (a wait timed out, an image was not found…).
        case failed
        /// A budget of the policy ran out: the session has ended.
        case budgetExceeded = "budget_exceeded"
    }

    /// Nil when the call succeeded.
    public var failure: Failure?
    /// What happened, in a sentence or two a model can act on.
    public var text: String
    /// What the gate decided, when the call was gated.
    public var decision: DecisionRecord?
    /// A PNG (screenshot), with its size and the scale it was taken at.
    public var image: (png: [UInt8], size: Size, scale: Double)?
    /// Structured results: windows, matches, exit status and output.
    public var data: JSONValue?
    /// The session ended with this call: the door stops serving.
    public var endsSession = false

    init(failure: Failure? = nil, text: String, decision: DecisionRecord? = nil, data: JSONValue? = nil) {
        self.failure = failure
        self.text = text
        self.decision = decision
        self.data = data
    }
}

/// An agent's session: every call goes through the same runner as a scenario's steps — the policy
/// gate, the sandbox, approvals, frames and `events.jsonl` — and the calls that acted are written
/// as a scenario (`scenario.yaml` in the session) that reproduces them without the agent.
///
/// Not thread-safe: a door calls it from one thread at a time.
public final class AgentSession: @unchecked Sendable {
    public let options: AgentOptions
    private let runner: ScenarioRunner
    /// The session's scenario so far: the calls that acted and succeeded, as steps.
    private var document: ScenarioDocument
    /// The lines of scenario.yaml before its first step, through `steps:`.
    private let headerLines: Int
    private let scenarioFile: String
    private var calls = 0
    private var screenshotTimes: [ContinuousClock.Instant] = []
    private var ended: RunResult?
    /// The event of the latest step `perform` ran.
    private var stepEvent: Event?
    private let clock = ContinuousClock()

    /// Prepares a session; `start` opens it.
    public init(options: AgentOptions, control: RunControl? = nil) {
        self.options = options
        var apps: [ScenarioApp] = []
        scenarioFile = options.workspace + "/agent-session.yaml"
        let location = SourceLocation(file: scenarioFile, line: 1, column: 1)
        if let launch = options.launch {
            apps.append(
                // Any window of the app's own processes: the launch waits for its first one.
                ScenarioApp(
                    name: options.appName, command: launch, policy: options.policy,
                    window: WindowMatch(title: try? TextPattern(".*")), windowTimeout: .seconds(20), location: location))
        }
        let display: ScenarioDisplay = options.display.map { .existing($0) } ?? .virtual(options.screen)
        document = ScenarioDocument(
            name: "agent session", description: "What an agent did through foredesk, as a scenario that does it again.",
            display: display,
            apps: apps.map { ScenarioDocument.App(name: $0.name, command: $0.command, policy: $0.policy, window: $0.window, windowTimeout: $0.windowTimeout) },
            steps: [])
        headerLines = document.yaml.split(separator: "\n").count
        let scenario = Scenario(name: "agent", file: scenarioFile, display: display, settle: options.settle, apps: apps, steps: [])
        var run = RunOptions(
            out: options.out, workspace: options.workspace, display: options.display, policyFile: options.policy,
            toolDirectory: options.toolDirectory, frames: .all, progress: options.progress)
        // stdin and stdout carry the protocol, so no terminal can be asked: only a supervisor, when there is one.
        run.approvals = options.approvals
        run.feed = options.feed
        run.control = control
        runner = ScenarioRunner(scenario: scenario, options: run)
    }

    /// The session folder, once started.
    public var sessionPath: String? { runner.session?.path }

    /// Opens the display and the session, and launches and activates the app.
    /// - Throws: `RunError` when the session cannot start (policy, display, sandbox, app).
    public func start() throws(RunError) {
        try runner.begin()
        saveScenario()
        guard options.launch != nil else { return }
        for action in [Step.Action.launch(app: options.appName, timeout: .seconds(20)), .activate(.app(options.appName), timeout: .seconds(5))] {
            let reply = perform(action)
            if reply.failure != nil {
                _ = finish(failure: reply.text)
                throw RunError("the app did not start: \(reply.text)", unavailable: false)
            }
        }
    }

    /// Ends the session (once): releases input, stops the app and the private display, writes the report.
    @discardableResult
    public func finish(failure: String? = nil) -> RunResult {
        if let ended { return ended }
        saveScenario()
        let result = runner.end(failure: failure)
        ended = result
        return result
    }

    /// Performs one call; never throws: every outcome is a reply (denials and failures included).
    public func call(_ call: AgentCall) -> AgentReply {
        guard ended == nil else { return AgentReply(failure: .failed, text: "the session has ended") }
        calls += 1
        if let budget = overBudget(call) { return endForBudget(budget) }
        let scale = call.scale ?? options.scale
        let mapping = ScaleMapping(scale: scale)
        let screen = runner.desktop.screenSize
        func full(_ point: Point) -> Point { mapping.full(point, on: screen) }
        var reply: AgentReply
        switch call.operation {
        case let .screenshot(region):
            reply = screenshot(region: region.map(mapping.full), mapping: mapping)
        case let .click(point, button, count):
            let target = PointerTarget.screen(full(point))
            let action: Step.Action =
                switch (button, count) {
                case ("right", _): .rightClick(target)
                case ("middle", _): .middleClick(target)
                case (_, 2): .doubleClick(target)
                default: .click(target)
                }
            reply = perform(action)
        case let .move(point):
            reply = perform(.move(.screen(full(point))))
        case let .drag(from, to):
            reply = perform(.drag(from: .screen(full(from)), to: .screen(full(to)), duration: .zero))
        case let .scroll(point, direction, clicks):
            reply = perform(.scroll(.screen(full(point)), direction: ScrollDirection(rawValue: direction) ?? .down, clicks: clicks))
        case let .type(text, secret):
            reply = perform(.type(text: text, secret: secret))
        case let .key(keys, times):
            do {
                reply = perform(.key(try KeyCombination(parsing: keys), times: times))
            } catch {
                reply = AgentReply(failure: .failed, text: "not a key combination: \(error)")
            }
        case .windows:
            reply = windows(active: false)
        case .activeWindow:
            reply = windows(active: true)
        case let .waitWindow(title, windowClass, timeout):
            do {
                let pattern = try title.map { try TextPattern($0) }
                reply = perform(.wait(.window(WindowMatch(title: pattern, windowClass: windowClass)), timeout: timeout))
            } catch {
                reply = AgentReply(failure: .failed, text: "window_title is not a regular expression: \(error)")
            }
        case let .waitImage(path, timeout):
            reply = perform(.wait(.imageAppears(ImageTarget(path: absolute(path))), timeout: timeout))
        case let .waitChange(timeout):
            reply = perform(.wait(.change(region: nil), timeout: timeout))
        case let .runCommand(command, timeout):
            reply = runCommand(command, timeout: timeout)
        case let .findImage(path, tolerance, minScore):
            reply = findImage(absolute(path), SearchOptions(tolerance: tolerance, minScore: minScore), mapping: mapping)
        }
        // A spent budget ends the session; the rate limit only asks to slow down.
        if let rule = reply.decision?.rule, ["limit.actions", "limit.duration"].contains(rule), reply.failure == .denied {
            return endForBudget("\(reply.text)")
        }
        options.progress?("\(calls): \(call.tool): \(reply.failure.map { "\($0.rawValue): \(reply.text)" } ?? "ok")")
        return reply
    }

    // MARK: - Steps

    /// Performs an action as a scenario step; an allowed, passed step is added to the session's scenario.
    private func perform(_ action: Step.Action) -> AgentReply {
        // Where the step will stand in scenario.yaml (one line a step, after `steps:`), so a replay of
        // this session finds each step's recorded event.
        let line = headerLines + document.steps.count + 1
        let step = Step(action, at: SourceLocation(file: scenarioFile, line: line, column: 5))
        let (event, failure) = runner.performStep(step)
        stepEvent = event
        let decision = event?.decision
        if let failure {
            let denied = decision.map { !$0.isAllowed } ?? false
            return AgentReply(failure: denied ? .denied : .failed, text: failure, decision: decision)
        }
        var written = action
        if case let .run(command, timeout, _, output) = action, let status = event?.action.parameters.first(where: { $0.name == "exit_status" })?.value.intValue {
            written = .run(command, timeout: timeout, exitCode: Int32(status), output: output)
        }
        if case .type(_, secret: true) = action { written = .type(text: RecordedAction.secretPlaceholder, secret: true) }
        document.steps.append(RecordedStep(written, at: clock.now))
        saveScenario()
        let verdict = decision.map { " (\($0.verdict): \($0.message))" } ?? ""
        return AgentReply(text: "\(action.kind.rawValue) done\(verdict)", decision: decision)
    }

    private func saveScenario() {
        try? runner.session?.saveScenario(document.yaml)
    }

    private func screenshot(region: Rect?, mapping: ScaleMapping) -> AgentReply {
        screenshotTimes.append(clock.now)
        var reply = perform(.screenshot(name: "agent-\(calls)", region: region))
        guard reply.failure == nil, let frame = runner.lastScreenshot else { return reply }
        let scaled = frame.scaled(by: mapping.scale)
        do {
            reply.image = (try scaled.pngData(), scaled.size, mapping.scale)
        } catch {
            return AgentReply(failure: .failed, text: "the screenshot could not be encoded: \(error)")
        }
        var text = "screenshot \(scaled.width)x\(scaled.height) at scale \(mapping.scale)"
        if let region {
            text += " of the screen region [\(region.x), \(region.y), \(region.width), \(region.height)] (screen pixels);"
                + " add its origin [\(mapping.scaled(region.x)), \(mapping.scaled(region.y))] to points in it before using them"
        } else {
            text += "; pass its pixel coordinates (and scale \(mapping.scale)) to the pointer tools"
        }
        reply.text = text
        return reply
    }

    private func runCommand(_ command: String, timeout: Duration) -> AgentReply {
        var reply = perform(.run(.shell(command), timeout: timeout, exitCode: nil, output: nil))
        guard let event = stepEvent, let session = runner.session else { return reply }
        let status = event.action.parameters.first { $0.name == "exit_status" }?.value.intValue
        var members: [JSONValue.Member] = [.init("exit_status", status.map { .int($0) } ?? .null)]
        var text = status.map { "exited with status \($0)" } ?? reply.text
        for (name, file) in [("stdout", event.output?.stdout), ("stderr", event.output?.stderr)] {
            guard let file else { continue }
            let output = Self.truncated((try? String(contentsOfFile: session.absolutePath(file), encoding: .utf8)) ?? "", file: file)
            members.append(.init(name, .string(output)))
            if !output.isEmpty { text += "\n\(name):\n\(output)" }
        }
        reply.data = .object(members)
        if reply.failure == nil { reply.text = text }
        return reply
    }

    /// Output up to 16 000 characters; past that, the start and a note of where the rest is.
    public static func truncated(_ text: String, file: String, limit: Int = 16_000) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "\n[… \(text.count - limit) more characters cut; the whole output is in the session's \(file)]"
    }

    // MARK: - Observations

    private func windows(active: Bool) -> AgentReply {
        let desktop = runner.desktop!
        let listed: [WindowInfo]
        do {
            listed = active ? (try desktop.activeWindow()).map { [$0] } ?? [] : try desktop.windows().filter(\.isViewable)
        } catch {
            return AgentReply(failure: .failed, text: "cannot list the windows: \(error)")
        }
        let data = JSONValue.array(listed.map(WindowJSON.object))
        record(RecordedAction(kind: active ? "active_window" : "windows", parameters: [.init("count", .int(listed.count))]))
        let text = listed.isEmpty ? (active ? "no window has the focus" : "no visible window")
            : listed.map { "\($0.id): \"\($0.title)\" (\($0.className)) at \($0.frame)" }.joined(separator: "\n")
        return AgentReply(text: text, data: data)
    }

    private func findImage(_ path: String, _ search: SearchOptions, mapping: ScaleMapping) -> AgentReply {
        let matches: [TemplateMatch]
        do {
            let template = try Frame(contentsOfPNG: path)
            matches = try runner.redactedScreen().find(template, options: search)
        } catch {
            record(RecordedAction(kind: "find_image", parameters: [.init("image", .string(path))]), error: "\(error)")
            return AgentReply(failure: .failed, text: "cannot search for \(path): \(error)")
        }
        record(RecordedAction(kind: "find_image", parameters: [.init("image", .string(path)), .init("matches", .int(matches.count))]))
        guard !matches.isEmpty else { return AgentReply(failure: .failed, text: "\(path) is not on the screen") }
        let found = matches.map { match -> JSONValue in
            .object([
                .init("x", .int(mapping.scaled(match.rect.center.x))), .init("y", .int(mapping.scaled(match.rect.center.y))),
                .init("width", .int(mapping.scaled(match.rect.width))), .init("height", .int(mapping.scaled(match.rect.height))),
                .init("score", .double(match.score)),
            ])
        }
        let best = matches[0].rect.center
        return AgentReply(
            text: "found \(matches.count) match\(matches.count == 1 ? "" : "es"); the best centre is at "
                + "(\(mapping.scaled(best.x)), \(mapping.scaled(best.y))) at scale \(mapping.scale)",
            data: .array(found))
    }

    private func record(_ action: RecordedAction, error: String? = nil) {
        _ = try? runner.session?.record(Event(step: nil, action: action, error: error))
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    // MARK: - Budgets

    /// The budget a call would exceed, said in a sentence; nil when it may go on.
    private func overBudget(_ call: AgentCall) -> String? {
        let limits = runner.limits
        if let longest = limits.maxDuration, runner.elapsed >= longest {
            return "the session's time budget of \(longest) (limits.max_duration) is used up"
        }
        if case .screenshot = call.operation, let most = limits.maxScreenshotsPerMinute {
            let now = clock.now
            screenshotTimes.removeAll { now - $0 >= .seconds(60) }
            if screenshotTimes.count >= most {
                return "more than \(most) screenshots within a minute (limits.max_screenshots_per_minute)"
            }
        }
        return nil
    }

    private func endForBudget(_ reason: String) -> AgentReply {
        record(RecordedAction(kind: "budget_exceeded", parameters: [.init("reason", .string(reason))]), error: reason)
        let result = finish(failure: "budget exceeded: \(reason)")
        var reply = AgentReply(
            failure: .budgetExceeded, text: "budget exceeded: \(reason). The session has ended; its record is in \(result.sessionPath)")
        reply.endsSession = true
        return reply
    }
}
