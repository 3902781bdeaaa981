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

    /// A session folder read back: its facts and events, nothing written.
    public struct Loaded: Sendable, Equatable {
        /// The folder's path.
        public var folder: String
        /// The session facts (derived from the folder name and events when `session.json` is missing).
        public var info: SessionInfo
        /// The events read back.
        public var events: [Event]
        /// The line of `events.jsonl` that was cut off and skipped, if any.
        public var truncatedLine: Int?
    }

    /// What a merge read and wrote.
    public struct MergeSummary: Sendable, Equatable {
        /// The sessions joined, in the order of the report.
        public var sessions: [Loaded]
        /// The path of the merged `report.html`.
        public var reportPath: String
        /// The path of the merged `junit.xml`.
        public var junitPath: String
    }

    /// Reads the folder's events and session facts and writes `report.html` and `junit.xml` whole.
    ///
    /// Works on a killed run's folder: a cut-off last event is skipped, and a missing `session.json` (killed
    /// before it was written) is made up from the folder name and the first event.
    /// - Throws: `SessionError.notASession` when the folder has neither file; `.malformedEvent` naming the line.
    @discardableResult
    public static func rebuild(folder: String) throws(SessionError) -> Summary {
        let loaded = try load(folder: folder)
        let summary = Summary(
            info: loaded.info, events: loaded.events, truncatedLine: loaded.truncatedLine,
            reportPath: folder + "/report.html", junitPath: folder + "/junit.xml")
        try FileSystem.writeAtomically(
            JUnitReport.xml(info: loaded.info, events: loaded.events, truncatedLine: loaded.truncatedLine),
            to: summary.junitPath)
        try FileSystem.writeAtomically(
            HTMLReport.html(
                info: loaded.info, events: loaded.events, truncatedLine: loaded.truncatedLine, folder: folder),
            to: summary.reportPath)
        return summary
    }

    /// Reads a session folder as `rebuild(folder:)` does, without writing anything.
    public static func load(folder: String) throws(SessionError) -> Loaded {
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
        return Loaded(folder: folder, info: info, events: contents.events, truncatedLine: contents.truncatedLine)
    }

    /// Joins the sessions in folders into one `report.html` (a section per session) and one `junit.xml` (a
    /// test suite per session) in out, which is created if needed.
    ///
    /// Each folder is a session folder or a folder of them (the `--out` of a run or a shard); sessions are
    /// read in the order given, those inside one folder by name. Frames stay where they are: the report links
    /// to them relative to out, so keep the session folders beside it.
    /// - Throws: `SessionError.notASession` for a folder that is neither; `.malformedEvent` naming the line.
    @discardableResult
    public static func merge(folders: [String], into out: String) throws(SessionError) -> MergeSummary {
        var sessions: [Loaded] = []
        for folder in folders {
            for session in try sessionFolders(in: folder) { sessions.append(try load(folder: session)) }
        }
        try FileSystem.makeDirectories(out)
        let base = try FileSystem.absolutePath(out)
        var links: [String] = []
        for session in sessions {
            links.append(FileSystem.relativePath(from: base, to: try FileSystem.absolutePath(session.folder)))
        }
        // The evidence check of each session goes in the table, so a merged report shows which logs can be trusted.
        let evidence = sessions.map { session in
            (try? SessionVerification.verify(folder: session.folder))?.summary ?? "unreadable"
        }
        let summary = MergeSummary(sessions: sessions, reportPath: out + "/report.html", junitPath: out + "/junit.xml")
        try FileSystem.writeAtomically(JUnitReport.merged(sessions), to: summary.junitPath)
        try FileSystem.writeAtomically(
            HTMLReport.merged(sessions, folderLinks: links, evidence: evidence), to: summary.reportPath)
        return summary
    }

    /// The folder itself when it is a session, else the sessions directly inside it, by name.
    /// - Throws: `SessionError.notASession` when there are none.
    public static func sessionFolders(in folder: String) throws(SessionError) -> [String] {
        func isSession(_ path: String) -> Bool {
            FileSystem.exists(path + "/session.json") || FileSystem.exists(path + "/events.jsonl")
        }
        if isSession(folder) { return [folder] }
        guard FileSystem.isDirectory(folder) else { throw .notASession(path: folder) }
        let trimmed = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        let inside = try FileSystem.entries(in: folder).sorted().map { trimmed + "/" + $0 }.filter {
            FileSystem.isDirectory($0) && isSession($0)
        }
        guard !inside.isEmpty else { throw .notASession(path: folder) }
        return inside
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
