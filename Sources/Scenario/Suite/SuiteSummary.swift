/// The end of a suite run: the table `foredesk test` prints and the exit status.
public struct SuiteSummary: Sendable, Equatable {
    /// The finished scenarios, in the suite's order.
    public var records: [SuiteRecord]

    /// A summary of records.
    public init(records: [SuiteRecord]) {
        self.records = records
    }

    /// `foredesk run`'s exit status for a failed step.
    public static let failedStatus: Int32 = 1
    /// Exit status of a suite stopped by a signal (130, as shells report SIGINT).
    public static let interruptedStatus: Int32 = 130

    /// 64 when a scenario was malformed (it can never pass as written), else 130 when the suite was
    /// interrupted, else 1 when one failed, else 0; flaky scenarios count as passed.
    public var exitStatus: Int32 {
        let results = Set(records.map(\.result))
        if results.contains(.malformed) { return SuiteAttempt.malformedStatus }
        if results.contains(.interrupted) { return Self.interruptedStatus }
        if results.contains(.failed) { return Self.failedStatus }
        return 0
    }

    /// How many scenarios ended with each result.
    public func count(_ result: SuiteResult) -> Int {
        records.filter { $0.result == result }.count
    }

    /// The table: scenario, result, attempts, duration, session folder; then one line per problem
    /// (a malformed scenario's `file:line:column` error, a failure's first message) and the totals.
    public var text: String {
        let header = ["scenario", "result", "attempts", "duration", "session"]
        let rows = records.map { record in
            [
                record.entry.key, record.result.rawValue, String(record.attempts.count),
                Self.format(record.duration), record.session ?? "-",
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }
        var lines = [line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
        let problems = records.filter { $0.result != .passed }.compactMap { record in
            record.message.map { "\(record.entry.key): \(record.result.rawValue): \($0)" }
        }
        if !problems.isEmpty { lines += [""] + problems }
        let totals = SuiteResult.allCases.compactMap { result in
            let count = count(result)
            return count > 0 || result == .passed || result == .failed ? "\(count) \(result.rawValue)" : nil
        }
        lines.append("")
        lines.append("\(records.count) scenarios: " + totals.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `4.2s`, `1m03s`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = Int(seconds) * 10 + Int(attoseconds / 100_000_000_000_000_000)
        if tenths < 600 { return "\(tenths / 10).\(tenths % 10)s" }
        let whole = tenths / 10
        let rest = whole % 60
        return "\(whole / 60)m" + (rest < 10 ? "0" : "") + "\(rest)s"
    }
}
