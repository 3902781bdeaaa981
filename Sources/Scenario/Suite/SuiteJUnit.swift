public import Session

/// The merged `junit.xml` of a suite: one `<testsuite>` per scenario, built from its session's
/// `events.jsonl` as the session's own `junit.xml` is, named by the scenario's path in the suite and
/// carrying the suite's verdict (`result`, `attempts`, `flaky`) as properties.
public enum SuiteJUnit {
    /// One `<testsuite>` element and its counts.
    public typealias Suite = JUnitReport.Suite

    /// The whole document.
    public static func document(_ suites: [Suite]) -> String {
        JUnitReport.document(suites, name: "foredesk test")
    }

    /// The suite element for a finished scenario: its last session's, else one error case with its message.
    public static func suite(for record: SuiteRecord) -> Suite {
        let properties = self.properties(of: record)
        if let session = record.session, let loaded = try? SessionReport.load(folder: session) {
            return JUnitReport.suite(
                info: loaded.info, events: loaded.events, truncatedLine: loaded.truncatedLine, name: record.entry.key,
                properties: properties)
        }
        return JUnitReport.errorSuite(
            name: record.entry.key, message: record.message ?? "no session was recorded", type: record.result.rawValue,
            properties: properties)
    }

    /// The suite's properties: scenario file and name, result, attempts, flaky, and each attempt's session and status.
    static func properties(of record: SuiteRecord) -> [(String, String)] {
        var properties: [(String, String)] = [
            ("scenario_file", record.entry.path), ("result", record.result.rawValue),
            ("attempts", String(record.attempts.count)), ("flaky", record.result == .flaky ? "true" : "false"),
        ]
        if let name = record.name { properties.insert(("scenario_name", name), at: 1) }
        for (number, attempt) in record.attempts.enumerated() {
            properties.append(("attempt_\(number + 1)_exit_status", String(attempt.exitStatus)))
            if let session = attempt.session { properties.append(("attempt_\(number + 1)_session", session)) }
        }
        return properties
    }
}
