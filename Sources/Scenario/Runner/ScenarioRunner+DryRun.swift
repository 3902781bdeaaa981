import Desktop
import Foundation
import Imaging
import Policy
import Session

// `foredesk run --dry-run`: the scenario walked without injecting anything.
extension ScenarioRunner {
    /// Walks the scenario without injecting input or running `run` commands: launches the apps
    /// and waits for windows (which inject nothing), and puts every input step, `activate` and
    /// `run` to the gate and resolves its target on the current screen. `activate` is not
    /// performed (it changes the desktop's focus); later steps are judged as if it had been.
    /// The session folder records each step with its decision.
    /// - Throws: `RunError` when the run cannot start (policy unreadable, no display).
    public func dryRun() throws(RunError) -> DryRunReport {
        start = clock.now
        try loadPolicies()
        try openDisplay()
        defer { cleanUp() }
        try openSession()
        var rows: [DryRunStep] = []
        for step in scenario.steps {
            let begun = clock.now
            var event = Event(step: "\(step.location) \(step.kind.rawValue)", action: recorded(step))
            var row: DryRunStep
            do {
                row = try dryRun(step, &event)
            } catch {
                let message = (error as? StepFailure)?.message ?? "\(error)"
                row = DryRunStep(
                    location: "\(step.location)", kind: step.kind.rawValue, handling: .checked, target: message,
                    resolves: false)
            }
            if let decision = event.decision {
                row.verdict = decision.verdict
                row.reason = "\(decision.rule): \(decision.message)"
            }
            event.action.parameters.append(.init("dry_run", .bool(true)))
            if !row.isClear { event.error = row.resolves ? row.reason : row.target }
            event.durationMilliseconds = Self.milliseconds(clock.now - begun)
            _ = try? session.record(event)
            rows.append(row)
            options.progress?(
                "\(step.location) \(step.kind.rawValue): dry run \(row.handling.rawValue)"
                    + (row.verdict.map { ", \($0)" } ?? "") + (row.resolves ? "" : ", does not resolve"))
        }
        let report = DryRunReport(steps: rows, sessionPath: session.path)
        try? session.finish(verdict: report.isClear ? .passed : .failed)
        return report
    }

    func dryRun(_ step: Step, _ event: inout Event) throws -> DryRunStep {
        var row = DryRunStep(location: "\(step.location)", kind: step.kind.rawValue, handling: .checked)
        func describe(_ window: WindowInfo?) -> String {
            window.map { "'\($0.title)' (\($0.className))" } ?? "no active window"
        }
        switch step.action {
        case .launch, .waitWindow, .expectWindow, .wait(.window, _):
            row.handling = .performed
            do {
                try execute(step, &event)
            } catch let failure as StepFailure {
                // A denial shows as the verdict; anything else means the step's target is not there.
                if event.decision?.isAllowed ?? true {
                    row.resolves = false
                    row.target = failure.message
                }
            }
            if let window = event.foreground { row.target = row.resolves ? "window '\(window.title)'" : row.target }
        case let .activate(target, timeout):
            let window: WindowInfo
            let app: String?
            switch target {
            case let .app(name):
                app = name
                let declared = scenario.app(named: name)
                let found = try desktop.windows().last { window in
                    window.pid.flatMap { owner(of: $0) } == name
                        && (declared?.window.map { Self.matches($0, window) } ?? true)
                }
                guard let found else {
                    _ = try judge(Action(kind: .activate, app: app), &event)
                    row.resolves = false
                    row.target = "\(name) has no window to activate"
                    return row
                }
                window = found
            case let .window(match):
                app = nil
                window = try waitForWindow(match, timeout: timeout)
            }
            let decision = try judge(Action(kind: .activate, app: app), targetWindow: window, &event).decision
            row.target = "window \(describe(window))"
            if decision.isAllowed { presumedActive = window }
        case let .click(target): row = try dryPointer(.click, target, row, &event)
        case let .doubleClick(target): row = try dryPointer(.doubleClick, target, row, &event)
        case let .rightClick(target): row = try dryPointer(.rightClick, target, row, &event)
        case let .middleClick(target): row = try dryPointer(.middleClick, target, row, &event)
        case let .move(target): row = try dryPointer(.move, target, row, &event)
        case let .scroll(target, _, _): row = try dryPointer(.scroll, target, row, &event)
        case let .drag(from, to, _):
            let active = try activeForDryRun()
            var start = try resolve(from, active: active, kind: .drag, &event)
            if let point = start.point {
                let origin = Point(x: active?.frame.x ?? 0, y: active?.frame.y ?? 0)
                let end: Point
                switch to {
                case let .screen(point): end = point
                case let .window(offset): end = Point(x: origin.x + offset.x, y: origin.y + offset.y)
                case let .offset(dx, dy): end = Point(x: point.x + dx, y: point.y + dy)
                }
                if case .window = to, let active, !active.frame.contains(end) {
                    start.problem = start.problem ?? "the end \(end) lies outside \(describe(active))"
                }
                _ = try judge(Action.drag(from: point, to: end), targets: [point, end], &event)
                row.target = "\(start.text) to \(end)"
            } else {
                _ = try judge(Action(kind: .drag), &event)
                row.target = start.text
            }
            if let problem = start.problem {
                row.resolves = false
                row.target = problem
            }
        case let .type(text, secret):
            let active = try judge(Action.type(text, secret: secret), &event).active
            row.target = describe(active)
            row.resolves = active != nil
        case let .key(combination, _):
            let active = try judge(Action.key(combination.description), &event).active
            row.target = describe(active)
            row.resolves = active != nil
        case let .run(command, _, _, _):
            _ = try judge(Action.run(command.argv.map(fill).joined(separator: " ")), &event)
            row.target = "not run"
        case .wait, .screenshot, .expectScreen, .expectFile, .sleep:
            row.handling = .skipped
        }
        return row
    }

    /// The active window as the dry run sees it: the one an unperformed `activate` named, if it still exists.
    func activeForDryRun() throws -> WindowInfo? {
        if let presumed = presumedActive, let fresh = try? desktop.window(presumed.id) { return fresh }
        return try desktop.activeWindowID().flatMap { try? desktop.window($0) }
    }

    /// Asks the gate about action with fresh facts (the presumed active window in them) and records
    /// the decision; never acts.
    func judge(_ action: Action, targets: [Point] = [], targetWindow: WindowInfo? = nil, _ event: inout Event)
        throws -> (decision: Decision, active: WindowInfo?)
    {
        var (facts, active) = try facts(targets: targets, targetWindow: targetWindow)
        if let presumed = try activeForDryRun(), presumedActive != nil {
            facts.activeWindow = Self.facts(presumed)
            active = presumed
        }
        let decision = gate.decide(action, facts: facts)
        if event.action.parameters.isEmpty { event.action = RecordedAction(action) }
        event.decision = DecisionRecord(decision)
        if let window = facts.activeWindow { event.foreground = WindowRecord(window) }
        return (decision, active)
    }

    /// A pointer target resolved on the current screen: the point, how to show it, what is wrong.
    struct DryTarget {
        var point: Point?
        var text: String
        var problem: String?
    }

    func resolve(_ target: PointerTarget, active: WindowInfo?, kind: Action.Kind, _ event: inout Event) throws
        -> DryTarget
    {
        switch target {
        case let .screen(point):
            let inside = desktop.screenBounds.contains(point)
            return DryTarget(
                point: point, text: "\(point) on the screen", problem: inside ? nil : "\(point) is off the screen")
        case let .window(offset):
            guard let active else {
                return DryTarget(text: "-", problem: "no window is active, so \(offset) has no window to be relative to")
            }
            let point = Point(x: active.frame.x + offset.x, y: active.frame.y + offset.y)
            let inside = active.frame.contains(point)
            return DryTarget(
                point: point, text: "\(point) in '\(active.title)'",
                problem: inside ? nil : "\(point) lies outside the active window '\(active.title)' at \(active.frame)")
        case let .image(image, timeout):
            // Nothing is injected, so the screen changes only as the apps draw: let it settle,
            // then give the image a short while rather than the step's whole timeout.
            try watch.reset()
            _ = try watch.waitUntilSettled(quiet: WaitCondition.defaultQuiet, timeout: .seconds(2))
            let wait = min(timeout, .seconds(1))
            let search = try findImage(image, timeout: wait)
            event.action.parameters = Self.imageParameters(image, search.match)
            guard let match = search.match else {
                return DryTarget(text: "-", problem: notFound(image, search.template, timeout: wait).message)
            }
            return DryTarget(
                point: image.point(in: match),
                text: "\(image.point(in: match)): \(image.path) found at \(match.rect), score "
                    + String(format: "%.3f", match.score))
        }
    }

    func dryPointer(_ kind: Action.Kind, _ target: PointerTarget, _ row: DryRunStep, _ event: inout Event) throws
        -> DryRunStep
    {
        var row = row
        let resolved = try resolve(target, active: try activeForDryRun(), kind: kind, &event)
        let imageParameters = event.action.parameters
        event.action = RecordedAction(Action.pointer(kind, at: resolved.point))
        if case .image = target { event.action.parameters += imageParameters }
        _ = try judge(Action.pointer(kind, at: resolved.point), targets: resolved.point.map { [$0] } ?? [], &event)
        row.target = resolved.problem ?? resolved.text
        row.resolves = resolved.problem == nil
        return row
    }
}
