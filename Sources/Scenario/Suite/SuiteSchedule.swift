/// The order a suite runs in and its retry bookkeeping, apart from the processes that do the runs.
///
/// Scenarios start in the suite's order; a failed attempt goes back to the front of the queue
/// while retries are left (a malformed one never does), and a pass after a failure is flaky.
public struct SuiteSchedule: Sendable {
    /// What `finish` decided.
    public enum Outcome: Sendable, Equatable {
        /// The attempt failed and the scenario runs again: this is the number of the next attempt.
        case retry(attempt: Int)
        /// The scenario is done.
        case done(SuiteRecord)
    }

    /// The scenarios in the suite's order.
    public let entries: [SuiteEntry]
    /// How many times a failed scenario is run again.
    public let retries: Int
    private var queue: [SuiteEntry]
    private var attempts: [SuiteEntry: [SuiteAttempt]] = [:]
    private var names: [SuiteEntry: String] = [:]
    private var finished: [SuiteEntry: SuiteRecord] = [:]

    /// A schedule of entries, each run up to 1 + retries times.
    public init(entries: [SuiteEntry], retries: Int) {
        self.entries = entries
        self.retries = max(0, retries)
        self.queue = entries
    }

    /// The next scenario to start and its attempt number (from 1); nil when none waits.
    public mutating func next() -> (entry: SuiteEntry, attempt: Int)? {
        guard !queue.isEmpty else { return nil }
        let entry = queue.removeFirst()
        return (entry, (attempts[entry]?.count ?? 0) + 1)
    }

    /// Notes the scenario's name, for the report.
    public mutating func name(_ entry: SuiteEntry, _ name: String) {
        names[entry] = name
    }

    /// Records a scenario that could not be read, without running it.
    public mutating func malformed(_ entry: SuiteEntry, message: String) -> SuiteRecord {
        queue.removeAll { $0 == entry }
        return done(SuiteRecord(entry: entry, name: names[entry], malformed: message))
    }

    /// Records an attempt that ended; retries a failure while retries are left.
    public mutating func finish(_ entry: SuiteEntry, _ attempt: SuiteAttempt) -> Outcome {
        attempts[entry, default: []].append(attempt)
        let made = attempts[entry]?.count ?? 1
        if !attempt.passed, attempt.exitStatus != SuiteAttempt.malformedStatus, made <= retries {
            queue.insert(entry, at: 0)
            return .retry(attempt: made + 1)
        }
        return .done(done(SuiteRecord(entry: entry, name: names[entry], attempts: attempts[entry] ?? [])))
    }

    /// Records an attempt that Ctrl-C or SIGTERM stopped; nothing more of the suite starts.
    public mutating func interrupt(_ entry: SuiteEntry, _ attempt: SuiteAttempt) -> SuiteRecord {
        attempts[entry, default: []].append(attempt)
        queue.removeAll()
        return done(SuiteRecord(entry: entry, name: names[entry], attempts: attempts[entry] ?? [], interrupted: true))
    }

    /// Stops starting scenarios: what has not started stays out of the records.
    public mutating func cancel() {
        queue.removeAll()
    }

    private mutating func done(_ record: SuiteRecord) -> SuiteRecord {
        finished[record.entry] = record
        return record
    }

    /// The finished scenarios, in the suite's order.
    public var records: [SuiteRecord] { entries.compactMap { finished[$0] } }

    /// Every scenario is done.
    public var isComplete: Bool { finished.count == entries.count }
}
