import Desktop
import Foundation
import Imaging
import Policy
import Processes
import Sandbox
import Session

// The gate: the desktop facts an action is judged on, and what a decision does to the step.
extension ScenarioRunner {
    func facts(targets: [Point] = [], targetWindow: WindowInfo? = nil) throws -> (Facts, WindowInfo?) {
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
    func launchedAncestor(of pid: Int32) -> String? {
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

    static func facts(_ window: WindowInfo) -> WindowFacts {
        WindowFacts(
            id: window.id.rawValue, title: window.title, className: window.className,
            instanceName: window.instanceName, pid: window.pid, frame: window.frame, isMapped: window.isMapped,
            isViewable: window.isViewable, isOverrideRedirect: window.isOverrideRedirect)
    }

    /// Puts action to the gate and records the decision; throws unless it is allowed.
    func check(_ action: Action, _ facts: Facts, _ event: inout Event) throws {
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
}
