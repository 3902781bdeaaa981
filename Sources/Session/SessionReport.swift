import Imaging

/// Rebuilds `report.html` and `junit.xml` of a session folder from `events.jsonl` and `session.json`.
public enum SessionReport {
    /// What a rebuild read and wrote.
    public struct Summary: Sendable, Equatable {
        /// The session facts (derived from the folder name and events when `session.json` is missing).
        public var info: SessionInfo
        /// The events read back.
        public var events: [Event]
        /// The line of `events.jsonl` that was cut off and skipped, if any.
        public var truncatedLine: Int?
        /// The path of the `report.html` written.
        public var reportPath: String
        /// The path of the `junit.xml` written.
        public var junitPath: String

        /// Steps that failed or were denied.
        public var failedCount: Int { events.filter(\.failed).count }
    }

    /// Reads the folder's events and session facts and writes `report.html` and `junit.xml` whole.
    ///
    /// Works on a killed run's folder: a cut-off last event is skipped, and a missing `session.json` (killed
    /// before it was written) is made up from the folder name and the first event.
    /// - Throws: `SessionError.notASession` when the folder has neither file; `.malformedEvent` naming the line.
    @discardableResult
    public static func rebuild(folder: String) throws(SessionError) -> Summary {
        let eventsPath = folder + "/events.jsonl"
        let sessionPath = folder + "/session.json"
        let sessionText = try FileSystem.readText(sessionPath)
        let eventsText = try FileSystem.readText(eventsPath)
        guard sessionText != nil || eventsText != nil else { throw .notASession(path: folder) }
        let contents = try EventLog.parse(eventsText ?? "", path: eventsPath)
        let info: SessionInfo
        if let sessionText {
            info = try SessionInfo(jsonText: sessionText, path: sessionPath)
        } else {
            info = SessionInfo(
                scenario: scenarioName(fromFolder: folder), policyDigest: "", display: "",
                screenSize: .init(width: 0, height: 0), version: "",
                start: contents.events.first?.time ?? Timestamp(millisecondsSinceEpoch: 0))
        }
        let summary = Summary(
            info: info, events: contents.events, truncatedLine: contents.truncatedLine,
            reportPath: folder + "/report.html", junitPath: folder + "/junit.xml")
        try FileSystem.writeAtomically(
            JUnitReport.xml(info: info, events: contents.events, truncatedLine: contents.truncatedLine),
            to: summary.junitPath)
        try FileSystem.writeAtomically(
            HTMLReport.html(info: info, events: contents.events, truncatedLine: contents.truncatedLine),
            to: summary.reportPath)
        return summary
    }

    /// `login-20250301T123456Z` (or `…Z-2`) → `login`: the name `SessionFolder.create` built the folder from.
    static func scenarioName(fromFolder folder: String) -> String {
        let name = FileSystem.split(folder.hasSuffix("/") ? String(folder.dropLast()) : folder).name
        var parts = name.split(separator: "-", omittingEmptySubsequences: false)
        if let stamp = parts.lastIndex(where: { $0.count == 16 && $0.hasSuffix("Z") && $0.dropFirst(8).first == "T" }),
            stamp > 0
        {
            parts.removeSubrange(stamp...)
        }
        return parts.joined(separator: "-")
    }
}
