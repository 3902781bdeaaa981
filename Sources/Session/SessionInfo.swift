public import Imaging

/// How a run ended, as written to `session.json`.
public enum Verdict: String, Sendable, CaseIterable {
    /// The run has not ended yet, or it was killed before it could say (the reports say "interrupted").
    case running
    /// Every step passed.
    case passed
    /// A step failed or was denied.
    case failed
    /// The run stopped early: SIGINT/SIGTERM, a timeout or a paused run nobody resumed.
    case aborted
}

/// What `session.json` holds: which scenario ran, under which policy, on which display, and how it ended.
public struct SessionInfo: Sendable, Equatable {
    /// The scenario's name.
    public var scenario: String
    /// The SHA-256 of the policy file, hex, so a reviewer can tell which policy gated the run.
    public var policyDigest: String
    /// The X display (`:99`).
    public var display: String
    /// The screen size.
    public var screenSize: Size
    /// The foredesk version that ran.
    public var version: String
    /// When the run started.
    public var start: Timestamp
    /// When the run ended; nil while it runs.
    public var end: Timestamp?
    /// How it ended.
    public var verdict: Verdict
    /// How many events `events.jsonl` held when the session finished; nil while it runs (or for older sessions).
    public var eventCount: Int?
    /// The SHA-256 of the last line of `events.jsonl` when the session finished, so a cut tail is detectable.
    public var lastEventHash: String?
    /// The absolute path of the scenario file that ran (or that `record` wrote); the session keeps its
    /// text as `scenario.yaml`, and `foredesk replay` resolves its images and policies against this folder.
    public var scenarioFile: String?
    /// The session this run replayed (`foredesk replay`), when it is a replay.
    public var replayOf: String?

    /// Session facts from their parts.
    public init(
        scenario: String, policyDigest: String, display: String, screenSize: Size, version: String,
        start: Timestamp = .now, end: Timestamp? = nil, verdict: Verdict = .running, eventCount: Int? = nil,
        lastEventHash: String? = nil
    ) {
        self.scenario = scenario
        self.policyDigest = policyDigest
        self.display = display
        self.screenSize = screenSize
        self.version = version
        self.start = start
        self.end = end
        self.verdict = verdict
        self.eventCount = eventCount
        self.lastEventHash = lastEventHash
    }

    /// The JSON text of `session.json`, one key a line.
    public var jsonText: String {
        let members: [JSONValue.Member] = [
            .init("scenario", .string(scenario)),
            .init("policy_digest", .string(policyDigest)),
            .init("display", .string(display)),
            .init("screen_size", .object([.init("width", .int(screenSize.width)), .init("height", .int(screenSize.height))])),
            .init("version", .string(version)),
            .init("start", .string(start.iso8601)),
            .init("end", end.map { .string($0.iso8601) } ?? .null),
            .init("verdict", .string(verdict.rawValue)),
            .init("event_count", eventCount.map { .int($0) } ?? .null),
            .init("last_event_hash", lastEventHash.map { .string($0) } ?? .null),
        ] + [("scenario_file", scenarioFile), ("replay_of", replayOf)].compactMap { name, value in
            value.map { JSONValue.Member(name, .string($0)) }
        }
        return "{\n" + members.map { "  " + JSONValue.object([$0]).rendered.dropFirst().dropLast() }.joined(separator: ",\n")
            + "\n}\n"
    }

    /// Parses the text of `session.json`; path is only used in errors.
    public init(jsonText: String, path: String = "session.json") throws(SessionError) {
        let json: JSONValue
        do throws(JSONSyntaxError) {
            json = try JSONValue(parsing: jsonText)
        } catch {
            throw .malformedSessionFile(path: path, message: error.description)
        }
        guard let scenario = json["scenario"]?.stringValue else {
            throw .malformedSessionFile(path: path, message: "no scenario")
        }
        guard let startText = json["start"]?.stringValue, let start = Timestamp(iso8601: startText) else {
            throw .malformedSessionFile(path: path, message: "no start time in ISO 8601 UTC")
        }
        let verdictText = json["verdict"]?.stringValue ?? Verdict.running.rawValue
        guard let verdict = Verdict(rawValue: verdictText) else {
            throw .malformedSessionFile(
                path: path,
                message: "unknown verdict '\(verdictText)', expected \(Verdict.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let size = json["screen_size"]
        self.init(
            scenario: scenario, policyDigest: json["policy_digest"]?.stringValue ?? "",
            display: json["display"]?.stringValue ?? "",
            screenSize: Size(width: size?["width"]?.intValue ?? 0, height: size?["height"]?.intValue ?? 0),
            version: json["version"]?.stringValue ?? "", start: start,
            end: json["end"]?.stringValue.flatMap(Timestamp.init(iso8601:)), verdict: verdict,
            eventCount: json["event_count"]?.intValue, lastEventHash: json["last_event_hash"]?.stringValue)
        scenarioFile = json["scenario_file"]?.stringValue
        replayOf = json["replay_of"]?.stringValue
    }
}
