import Foundation
public import Imaging
public import Scenario
public import Session
import Synchronization

/// The live run as the supervision server shows it, and the reviewer who answers its approvals.
///
/// As a `RunFeed` it keeps the steps with their decisions, the newest screenshot, the approvals waiting
/// (with the screen and the target marked) and where commands write their output; every call returns at
/// once (PNGs are encoded when asked for). As an `ApprovalBroker` named `reviewer` its `ask` waits for an
/// answer POSTed by a paired device, recorded as `reviewer (<device label>)`.
public final class Supervisor: RunFeed, ApprovalBroker {
    fileprivate struct Pending {
        var request: ApprovalRequest
        var target: Point?
        var frame: Frame?
        var png: [UInt8]?
        var response: ApprovalResponse?
    }

    fileprivate struct OutputFiles {
        var command: String
        var stdout: String
        var stderr: String
    }

    fileprivate struct State {
        var live = LiveState()
        /// The workspace as the run began, for `workspaceChanges()`.
        var workspace: (before: WorkspaceSnapshot, excluding: [String])?
        var frame: Frame?
        var png: (version: Int, data: [UInt8])?
        var approvals: [Int: Pending] = [:]
        var outputs: [OutputFiles] = []
        var commandRunning = false
    }

    private let state = Mutex(State())
    private let answered = NSCondition()
    /// One PNG encoding at a time: 20 clients asking for the same new screen get one encoding, not 20.
    private let encoding = NSLock()
    private let encoded = Mutex<(version: Int, screen: Int, json: String)?>(nil)
    let changes = ChangeBroadcast()

    /// How many approvals answered (and commands) the state keeps.
    static let kept = 20

    /// A supervisor with no run yet (`idle`).
    public init() {}

    /// `reviewer`.
    public var name: String { "reviewer" }

    // MARK: The state the server reads

    /// The live state now, with the end of each command's output read from its files.
    public var current: LiveState {
        let (live, outputs) = state.withLock { ($0.live, $0.outputs) }
        var copy = live
        copy.commands = outputs.map {
            LiveState.Command(command: $0.command, stdout: Self.tail($0.stdout), stderr: Self.tail($0.stderr))
        }
        return copy
    }

    /// The live state as JSON with its version and screen number, encoded once per version for every stream.
    func snapshot() -> (version: Int, screen: Int, json: String) {
        let version = state.withLock { $0.live.version }
        if let cached = encoded.withLock({ $0 }), cached.version == version { return cached }
        let live = current
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(live)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let fresh = (live.version, live.screen, json)
        encoded.withLock { $0 = fresh }
        return fresh
    }

    /// The newest screenshot as PNG; nil before the first.
    public func screenPNG() -> [UInt8]? {
        encoding.lock()
        defer { encoding.unlock() }
        let (frame, cached, version) = state.withLock { ($0.frame, $0.png, $0.live.screen) }
        if let cached, cached.version == version { return cached.data }
        guard let frame, let data = try? frame.pngData(options: .screenshot) else { return nil }
        state.withLock { state in
            if state.live.screen == version { state.png = (version, data) }
        }
        return data
    }

    /// The screen when approval id was asked, with its target marked; nil for an unknown approval.
    public func approvalPNG(_ id: Int) -> [UInt8]? {
        guard let pending = state.withLock({ $0.approvals[id] }) else { return nil }
        if let png = pending.png { return png }
        guard let frame = pending.frame else { return nil }
        let marked = pending.target.map { frame.marking($0) } ?? frame
        guard let data = try? marked.pngData(options: .screenshot) else { return nil }
        state.withLock { $0.approvals[id]?.png = data }
        return data
    }

    /// What answering an approval came to.
    public enum AnswerOutcome: Sendable, Equatable {
        case accepted
        case unknown
        case alreadySettled
    }

    /// A paired device (label) answers approval id.
    public func answer(_ id: Int, _ answer: ApprovalAnswer, device label: String) -> AnswerOutcome {
        let outcome: AnswerOutcome = state.withLock { state in
            guard let pending = state.approvals[id] else { return .unknown }
            guard pending.response == nil, state.live.pending.contains(where: { $0.id == id }) else {
                return .alreadySettled
            }
            state.approvals[id]?.response = ApprovalResponse(answer: answer, by: "\(name) (\(label))")
            return .accepted
        }
        if outcome == .accepted {
            answered.lock()
            answered.broadcast()
            answered.unlock()
        }
        return outcome
    }

    /// Bumps the version while a command runs, so its growing output reaches the page.
    func tick() {
        let running = state.withLock { $0.commandRunning }
        if running { change { _ in } }
    }

    /// What the run changed under its writable roots so far (unified diffs; binary files named); nil
    /// before a run has begun.
    public func workspaceChanges() -> [FileChange]? {
        guard let workspace = state.withLock({ $0.workspace }) else { return nil }
        return workspace.before.diffNow(excluding: workspace.excluding)
    }

    // MARK: RunFeed

    public func workspaceWatched(_ before: WorkspaceSnapshot, excluding: [String]) {
        state.withLock { $0.workspace = (before, excluding) }
    }

    public func runStarted(session: String, scenario: String, steps: [String]) {
        change { state in
            state.live = LiveState(
                status: "running", session: (session as NSString).lastPathComponent, scenario: scenario,
                steps: steps.enumerated().map { LiveState.Step(index: $0.offset, label: $0.element, status: "pending") },
                screen: state.live.screen, version: state.live.version)
            state.approvals = [:]
            state.outputs = []
        }
    }

    public func stepStarted(_ index: Int, _ label: String) {
        guard index >= 0 else { return }
        change { state in
            state.ensureStep(index, label)
            state.live.steps[index].status = "running"
        }
    }

    public func stepFinished(_ index: Int, _ event: Event) {
        guard index >= 0 else { return }
        change { state in
            state.ensureStep(index, event.step ?? "step \(index + 1)")
            var step = state.live.steps[index]
            step.status = event.failed ? "failed" : "passed"
            step.verdict = event.decision?.verdict
            step.rule = event.decision?.rule
            step.message = event.decision?.message
            step.error = event.error
            state.live.steps[index] = step
            state.commandRunning = false
        }
    }

    public func screen(_ frame: Frame) {
        change { state in
            state.frame = frame
            state.live.screen += 1
        }
    }

    public func commandStarted(_ command: String, stdout: String, stderr: String) {
        change { state in
            state.outputs.append(OutputFiles(command: command, stdout: stdout, stderr: stderr))
            if state.outputs.count > Self.kept { state.outputs.removeFirst() }
            state.commandRunning = true
        }
    }

    public func approvalPending(_ request: ApprovalRequest, target: Point?) {
        change { state in
            state.approvals[request.id] = Pending(request: request, target: target, frame: state.frame)
            state.live.pending.append(Self.approval(request, target: target, response: nil, settled: false))
        }
    }

    public func approvalSettled(_ request: ApprovalRequest, _ response: ApprovalResponse?) {
        settle(request, response)
    }

    public func runFinished(verdict: String, failure: String?) {
        change { state in
            state.live.status = verdict
            state.live.failure = failure
            state.commandRunning = false
            for index in state.live.steps.indices where state.live.steps[index].status == "running" {
                state.live.steps[index].status = "failed"
            }
        }
    }

    // MARK: ApprovalBroker

    public func ask(_ request: ApprovalRequest, cancelled: @escaping @Sendable () -> Bool) -> ApprovalResponse? {
        // The feed usually announced it already (with the screen); a runner without a feed has not.
        let known = state.withLock { $0.approvals[request.id] != nil }
        if !known { approvalPending(request, target: nil) }
        answered.lock()
        defer { answered.unlock() }
        while true {
            if let response = state.withLock({ $0.approvals[request.id]?.response }) { return response }
            if cancelled() { return nil }
            _ = answered.wait(until: Date(timeIntervalSinceNow: 0.05))
        }
    }

    public func settled(_ request: ApprovalRequest, by response: ApprovalResponse?) {
        settle(request, response)
    }

    // MARK: Inside

    private func settle(_ request: ApprovalRequest, _ response: ApprovalResponse?) {
        change { state in
            guard let index = state.live.pending.firstIndex(where: { $0.id == request.id }) else { return }
            var approval = state.live.pending.remove(at: index)
            approval.answer = response?.answer.rawValue
            approval.by = response?.by
            approval.settled = true
            state.live.answered.append(approval)
            if state.live.answered.count > Self.kept { state.live.answered.removeFirst() }
            state.approvals[request.id]?.response = response
        }
    }

    private func change(_ body: (inout State) -> Void) {
        let version = state.withLock { state in
            body(&state)
            state.live.version += 1
            return state.live.version
        }
        changes.send(version)
    }

    private static func approval(
        _ request: ApprovalRequest, target: Point?, response: ApprovalResponse?, settled: Bool
    ) -> LiveState.Approval {
        LiveState.Approval(
            id: request.id, kind: request.kind.rawValue, step: request.step, action: request.action,
            window: request.window, reason: request.reason, rule: request.rule, target: target.map { [$0.x, $0.y] },
            answer: response?.answer.rawValue, by: response?.by, settled: settled)
    }

    /// The last 4 KiB of the file at path, as text ("" when unreadable).
    static func tail(_ path: String, limit: Int = 4096) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(limit) ? size - UInt64(limit) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Supervisor.State {
    /// Makes sure steps reaches index (a step the scenario's list did not name).
    fileprivate mutating func ensureStep(_ index: Int, _ label: String) {
        while live.steps.count <= index {
            live.steps.append(LiveState.Step(index: live.steps.count, label: label, status: "pending"))
        }
    }
}
