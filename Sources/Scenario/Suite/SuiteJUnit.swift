import Foundation
import Session

/// The merged `junit.xml` of a suite: one `<testsuite>` per scenario, taken from its session's
/// `junit.xml` (or rebuilt from its `events.jsonl`), named by the scenario's path in the suite and
/// carrying the suite's verdict (`result`, `attempts`, `flaky`) as properties.
public enum SuiteJUnit {
    /// One `<testsuite>` element and its counts.
    public struct Suite: Sendable, Equatable {
        /// The element, indented to sit inside `<testsuites>`.
        public var xml: String
        /// Its `tests`, `failures` and `errors` attributes.
        public var tests: Int, failures: Int, errors: Int

        /// A suite element from its parts.
        public init(xml: String, tests: Int, failures: Int, errors: Int) {
            self.xml = xml
            self.tests = tests
            self.failures = failures
            self.errors = errors
        }
    }

    /// The whole document.
    public static func document(_ suites: [Suite]) -> String {
        let counts =
            "tests=\"\(suites.map(\.tests).reduce(0, +))\" failures=\"\(suites.map(\.failures).reduce(0, +))\" "
            + "errors=\"\(suites.map(\.errors).reduce(0, +))\""
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"foredesk test\" \(counts)>\n"
            + suites.map(\.xml).joined() + "</testsuites>\n"
    }

    /// The suite element for a finished scenario: its last session's, else one error case with its message.
    public static func suite(for record: SuiteRecord) -> Suite {
        let properties = self.properties(of: record)
        if let session = record.session, let text = sessionJUnit(session),
            let suite = suite(fromJUnit: text, name: record.entry.key, properties: properties)
        {
            return suite
        }
        return errorSuite(
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

    /// The session's `junit.xml`, or one rebuilt in memory from `events.jsonl` and `session.json`
    /// (a run killed before it wrote one).
    static func sessionJUnit(_ session: String) -> String? {
        if let data = FileManager.default.contents(atPath: session + "/junit.xml") {
            return String(decoding: data, as: UTF8.self)
        }
        guard let infoData = FileManager.default.contents(atPath: session + "/session.json"),
            let info = try? SessionInfo(jsonText: String(decoding: infoData, as: UTF8.self)),
            let contents = try? EventLog.read(path: session + "/events.jsonl")
        else { return nil }
        return JUnitReport.xml(info: info, events: contents.events, truncatedLine: contents.truncatedLine)
    }

    /// The `<testsuite>` element of a session's junit.xml, renamed and with properties added; nil if it has none.
    static func suite(fromJUnit text: String, name: String, properties: [(String, String)]) -> Suite? {
        guard let start = text.range(of: "<testsuite "), let end = text.range(of: "</testsuite>"),
            start.lowerBound < end.lowerBound,
            let tagEnd = text[start.upperBound...].firstIndex(of: ">")
        else { return nil }
        var attributes = String(text[start.upperBound..<tagEnd])
        if let nameRange = attributes.firstMatch(of: /name="[^"]*"/)?.range {
            attributes.replaceSubrange(nameRange, with: "name=\"\(escape(name))\"")
        }
        func count(_ attribute: String) -> Int {
            guard let range = attributes.range(of: " \(attribute)=\"") ?? attributes.range(of: "\(attribute)=\""),
                let close = attributes[range.upperBound...].firstIndex(of: "\"")
            else { return 0 }
            return Int(attributes[range.upperBound..<close]) ?? 0
        }
        var body = String(text[text.index(after: tagEnd)..<end.lowerBound])
        let lines = propertyLines(properties)
        if let open = body.range(of: "<properties>\n") {
            body.insert(contentsOf: lines, at: open.upperBound)
        } else {
            body = "\n    <properties>\n" + lines + "    </properties>" + body
        }
        let xml = "  <testsuite " + attributes + ">" + body + "</testsuite>\n"
        return Suite(xml: xml, tests: count("tests"), failures: count("failures"), errors: count("errors"))
    }

    /// A suite of one case with an error: a malformed scenario, or a run that left no session.
    static func errorSuite(name: String, message: String, type: String, properties: [(String, String)]) -> Suite {
        let escaped = escape(name)
        let xml =
            "  <testsuite name=\"\(escaped)\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n"
            + "    <properties>\n" + propertyLines(properties) + "    </properties>\n"
            + "    <testcase name=\"scenario\" classname=\"\(escaped)\" time=\"0.000\">\n"
            + "      <error message=\"\(escape(message))\" type=\"\(escape(type))\">\(escape(message))</error>\n"
            + "    </testcase>\n  </testsuite>\n"
        return Suite(xml: xml, tests: 1, failures: 0, errors: 1)
    }

    static func propertyLines(_ properties: [(String, String)]) -> String {
        properties.map { "      <property name=\"\(escape($0.0))\" value=\"\(escape($0.1))\"/>\n" }.joined()
    }

    /// Escapes `& < > " '` and drops what XML 1.0 cannot hold (C0 controls but tab, LF, CR).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
