/// `junit.xml` for CI: one test suite per session, one test case per event.
public enum JUnitReport {
    /// The XML document for a session: failures for denied or failed steps with their message, and the gate's
    /// reason as system-out; an interrupted run (verdict still `running`) adds one error case saying so.
    public static func xml(info: SessionInfo, events: [Event], truncatedLine: Int? = nil) -> String {
        document([suite(info: info, events: events, truncatedLine: truncatedLine)])
    }

    /// One document with a test suite per session, as `xml(info:events:truncatedLine:)` writes each, and the
    /// totals of all of them on `<testsuites>`: what `foredesk report --merge` writes.
    public static func merged(_ sessions: [SessionReport.Loaded]) -> String {
        document(sessions.map { suite(info: $0.info, events: $0.events, truncatedLine: $0.truncatedLine) })
    }

    /// One `<testsuite>` element, indented to sit inside `<testsuites>`, and its counts.
    public struct Suite: Sendable, Equatable {
        public var xml: String
        public var tests: Int
        public var failures: Int
        public var errors: Int
        public var milliseconds: Int
    }

    /// The document around suites, with their totals on `<testsuites name="name">`.
    public static func document(_ suites: [Suite], name: String = "foredesk") -> String {
        let attributes = counts(
            tests: suites.map(\.tests).reduce(0, +), failures: suites.map(\.failures).reduce(0, +),
            errors: suites.map(\.errors).reduce(0, +), milliseconds: suites.map(\.milliseconds).reduce(0, +))
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"\(Markup.escape(name))\" \(attributes)>\n"
            + suites.map(\.xml).joined() + "</testsuites>\n"
    }

    /// A suite of one case with an error, for something that left no session (a malformed scenario,
    /// a run that could not start), with properties.
    public static func errorSuite(name: String, message: String, type: String, properties: [(String, String)]) -> Suite {
        let escaped = Markup.escape(name)
        let xml =
            "  <testsuite name=\"\(escaped)\" \(counts(tests: 1, failures: 0, errors: 1, milliseconds: 0))>\n"
            + "    <properties>\n" + propertyLines(properties) + "    </properties>\n"
            + "    <testcase name=\"scenario\" classname=\"\(escaped)\" time=\"0.000\">\n"
            + "      <error message=\"\(Markup.escape(message))\" type=\"\(Markup.escape(type))\">"
            + Markup.escape(message) + "</error>\n"
            + "    </testcase>\n  </testsuite>\n"
        return Suite(xml: xml, tests: 1, failures: 0, errors: 1, milliseconds: 0)
    }

    static func propertyLines(_ properties: [(String, String)]) -> String {
        properties.map { "      <property name=\"\(Markup.escape($0.0))\" value=\"\(Markup.escape($0.1))\"/>\n" }.joined()
    }

    static func counts(tests: Int, failures: Int, errors: Int, milliseconds: Int) -> String {
        "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\" time=\"\(seconds(milliseconds))\""
    }

    /// A session's suite: one case per event. name replaces the scenario's name as the suite's (the
    /// cases keep it as their class), and properties go before the session's own.
    public static func suite(
        info: SessionInfo, events: [Event], truncatedLine: Int?, name: String? = nil, properties: [(String, String)] = []
    ) -> Suite {
        let suite = Markup.escape(info.scenario)
        var cases: [String] = []
        var failures = 0
        var errors = 0
        for event in events {
            let name = Markup.escape(event.step ?? "\(event.seq): \(event.action)")
            let seconds = seconds(event.durationMilliseconds ?? 0)
            var body = ""
            if event.failed {
                failures += 1
                let message = event.error ?? event.decision.map { "denied: \($0.rule): \($0.message)" } ?? "failed"
                body += "      <failure message=\"\(Markup.escape(message))\" type=\"\(Markup.escape(event.decision?.rule ?? "error"))\">"
                    + Markup.escape(message) + "</failure>\n"
            }
            if let decision = event.decision {
                body += "      <system-out>" + Markup.escape("\(decision.verdict) \(decision.rule): \(decision.message)")
                    + "</system-out>\n"
            }
            let open = "    <testcase name=\"\(name)\" classname=\"\(suite)\" time=\"\(seconds)\""
            cases.append(body.isEmpty ? open + "/>\n" : open + ">\n" + body + "    </testcase>\n")
        }
        if info.verdict == .running {
            errors += 1
            var message = "the run ended without a verdict: it was killed or is still running"
            if let truncatedLine { message += "; events.jsonl line \(truncatedLine) was cut off and skipped" }
            cases.append(
                "    <testcase name=\"session\" classname=\"\(suite)\" time=\"0.000\">\n"
                    + "      <error message=\"\(Markup.escape(message))\" type=\"interrupted\"/>\n    </testcase>\n")
        } else if info.verdict != .passed, failures == 0 {
            // A run that failed outside any recorded step (a launch, a timeout) must not read as green.
            errors += 1
            cases.append(
                "    <testcase name=\"session\" classname=\"\(suite)\" time=\"0.000\">\n"
                    + "      <error message=\"run \(info.verdict.rawValue)\" type=\"\(info.verdict.rawValue)\"/>\n    </testcase>\n")
        }
        let total = info.end.map { Int($0.millisecondsSinceEpoch - info.start.millisecondsSinceEpoch) } ?? 0
        let attributes = counts(tests: cases.count, failures: failures, errors: errors, milliseconds: total)
        let xml = """
              <testsuite name="\(name.map(Markup.escape) ?? suite)" \(attributes) timestamp="\(info.start.iso8601)">
                <properties>
            \(propertyLines(properties))      <property name="policy_digest" value="\(Markup.escape(info.policyDigest))"/>
                  <property name="display" value="\(Markup.escape(info.display))"/>
                  <property name="verdict" value="\(info.verdict.rawValue)"/>
                  <property name="version" value="\(Markup.escape(info.version))"/>
                </properties>

            """ + cases.joined() + "  </testsuite>\n"
        return Suite(xml: xml, tests: cases.count, failures: failures, errors: errors, milliseconds: max(0, total))
    }

    static func seconds(_ milliseconds: Int) -> String {
        let ms = max(0, milliseconds)
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
