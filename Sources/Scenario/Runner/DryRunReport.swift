/// What `foredesk run --dry-run` found for one step: the gate's decision and whether the target resolves.
public struct DryRunStep: Sendable, Equatable {
    /// The step's `file:line:column`.
    public var location: String
    /// The step kind as written (`click`).
    public var kind: String
    /// What was done with the step: performed (`launch`, waits for windows), checked, or skipped.
    public var handling: Handling
    /// `allow`, `deny`, `ask` or `pause`; nil for a step the gate is not asked about.
    public var verdict: String?
    /// The decision's rule and message, or why the step could not be checked.
    public var reason: String?
    /// Where the step would act (`(140,75) in 'Fixture'`, `image ok.png at …`), or why it does not resolve.
    public var target: String
    /// The target exists on the current screen (true for steps without one).
    public var resolves: Bool

    /// How a dry run treats a step.
    public enum Handling: String, Sendable, Equatable {
        /// Run for real: it injects nothing (`launch`, `wait_window`, `expect_window`, `wait` for a window).
        case performed
        /// Put to the gate and resolved, not performed (input, `activate`, `run`).
        case checked
        /// Neither (`screenshot`, `expect_screen`, `expect_file`, other waits, `sleep`).
        case skipped
    }

    /// A step from its parts.
    public init(
        location: String, kind: String, handling: Handling, verdict: String? = nil, reason: String? = nil,
        target: String = "", resolves: Bool = true
    ) {
        self.location = location
        self.kind = kind
        self.handling = handling
        self.verdict = verdict
        self.reason = reason
        self.target = target
        self.resolves = resolves
    }

    /// The step would be allowed (or is not gated) and its target resolves.
    public var isClear: Bool { (verdict == nil || verdict == "allow") && resolves }
}

/// The outcome of a dry run: every step, and the session folder that records it.
public struct DryRunReport: Sendable, Equatable {
    /// The steps in scenario order.
    public var steps: [DryRunStep]
    /// The session folder.
    public var sessionPath: String

    /// A report from its parts.
    public init(steps: [DryRunStep], sessionPath: String) {
        self.steps = steps
        self.sessionPath = sessionPath
    }

    /// Every step would be allowed and resolves.
    public var isClear: Bool { steps.allSatisfy(\.isClear) }

    /// A plain-text table, one row per step, with a last line saying whether the run would go through.
    public var table: String {
        let header = ["STEP", "KIND", "HANDLING", "GATE", "TARGET", "REASON"]
        let rows = steps.map { step in
            [
                step.location, step.kind, step.handling.rawValue, step.verdict ?? "-",
                (step.resolves ? "" : "UNRESOLVED: ") + (step.target.isEmpty ? "-" : step.target),
                step.reason ?? "",
            ]
        }
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padded(to: widths[index])
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        let blocked = steps.filter { !$0.isClear }.count
        let verdict =
            blocked == 0
            ? "dry run: all \(steps.count) steps would be allowed and resolve"
            : "dry run: \(blocked) of \(steps.count) steps would be denied, need approval or do not resolve"
        return ([line(header)] + rows.map(line) + [verdict]).joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }

    fileprivate func padded(to length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
