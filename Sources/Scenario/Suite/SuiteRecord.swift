/// How one scenario of a suite ended.
public enum SuiteResult: String, Sendable, CaseIterable {
    /// Passed on its first attempt.
    case passed
    /// Failed on every attempt (a step failed or was denied, no display, a crash).
    case failed
    /// Failed first, then passed on a retry.
    case flaky
    /// The scenario or its policy could not be read (`file:line:column` in the message); never retried.
    case malformed
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM before it ended.
    case interrupted
}

/// One run of a scenario as a child `foredesk run`.
public struct SuiteAttempt: Sendable, Equatable {
    /// The child's exit status (128 + N when signal N ended it).
    public var exitStatus: Int32
    /// The session folder it printed, if it got that far.
    public var session: String?
    /// Its error line, without the `foredesk: error: ` prefix.
    public var message: String?
    /// How long it ran.
    public var duration: Duration

    /// An attempt from its parts.
    public init(exitStatus: Int32, session: String?, message: String?, duration: Duration) {
        self.exitStatus = exitStatus
        self.session = session
        self.message = message
        self.duration = duration
    }

    /// `foredesk run`'s exit status for a malformed scenario or policy.
    public static let malformedStatus: Int32 = 64

    /// Exit status 0.
    public var passed: Bool { exitStatus == 0 }
}

/// Everything a suite knows about one scenario once it is done: its attempts and its result.
public struct SuiteRecord: Sendable, Equatable {
    /// The scenario file.
    public var entry: SuiteEntry
    /// The scenario's `name:`, when it parsed.
    public var name: String?
    /// Every attempt in order; empty when the scenario was malformed before any run.
    public var attempts: [SuiteAttempt]
    /// Why the scenario could not be read, when that was found before running it.
    public var malformed: String?
    /// Ctrl-C or SIGTERM stopped its last attempt.
    public var interrupted: Bool

    /// A record from its parts.
    public init(
        entry: SuiteEntry, name: String? = nil, attempts: [SuiteAttempt] = [], malformed: String? = nil,
        interrupted: Bool = false
    ) {
        self.entry = entry
        self.name = name
        self.attempts = attempts
        self.malformed = malformed
        self.interrupted = interrupted
    }

    /// Passed, failed, flaky, malformed or interrupted, from the attempts.
    public var result: SuiteResult {
        if malformed != nil { return .malformed }
        if interrupted { return .interrupted }
        guard let last = attempts.last else { return .failed }
        if last.passed { return attempts.count == 1 ? .passed : .flaky }
        return last.exitStatus == SuiteAttempt.malformedStatus ? .malformed : .failed
    }

    /// The time of every attempt together.
    public var duration: Duration { attempts.reduce(.zero) { $0 + $1.duration } }

    /// The last attempt's session folder.
    public var session: String? { attempts.last?.session }

    /// What went wrong: the parse error, or the last failed attempt's message.
    public var message: String? {
        if let malformed { return malformed }
        if interrupted { return "stopped by Ctrl-C or SIGTERM before it ended" }
        guard let last = attempts.last, !last.passed else {
            return attempts.first { !$0.passed }.map { "attempt 1 failed: " + ($0.message ?? "exit status \($0.exitStatus)") }
        }
        return last.message ?? "exit status \(last.exitStatus)"
    }
}
