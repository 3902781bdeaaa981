import Foundation
import Policy
public import Session

/// What `foredesk replay` plays: a scenario, and the session it was recorded in when there is one.
public struct ReplaySource: Sendable {
    /// The scenario to run again.
    public var scenario: Scenario
    /// The recorded session whose frames and decisions each step is compared with; nil for a bare scenario file.
    public var recording: SessionReport.Loaded?

    /// A source from its parts.
    public init(scenario: Scenario, recording: SessionReport.Loaded?) {
        self.scenario = scenario
        self.recording = recording
    }

    /// Loads a session folder (its `scenario.yaml` and events) or a scenario file.
    ///
    /// A session's scenario copy is read as if it were still in the original scenario's folder, so its
    /// images, goldens and policies resolve as they did when it was recorded.
    /// - Throws: `ReplayError` naming what is missing and what to do.
    public static func load(_ path: String) throws(ReplayError) -> ReplaySource {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ReplayError("\(path) does not exist: give a session folder (foredesk-out/NAME-TIME) or a scenario file")
        }
        guard isFolder.boolValue else {
            do throws(ScenarioError) {
                return ReplaySource(scenario: try Scenario(contentsOfFile: path), recording: nil)
            } catch {
                throw ReplayError(error.description, malformed: true)
            }
        }
        let recording: SessionReport.Loaded
        do throws(SessionError) {
            recording = try SessionReport.load(folder: path)
        } catch {
            throw ReplayError("\(path) is not a readable session folder: \(error)")
        }
        let copy = path + "/" + SessionFolder.scenarioFileName
        guard let yaml = try? String(contentsOfFile: copy, encoding: .utf8) else {
            throw ReplayError(
                "the session \(path) keeps no \(SessionFolder.scenarioFileName), so there is nothing to replay; "
                    + "sessions record it since foredesk 0.2 — replay the scenario file itself instead")
        }
        // Read as the original file, so its images and policies resolve and steps keep their labels;
        // the text is the copy's, so lines and columns are the recorded ones.
        let file = recording.info.scenarioFile ?? copy
        let scenario: Scenario
        do throws(ScenarioError) {
            scenario = try Scenario(yaml: yaml, file: file)
        } catch {
            throw ReplayError("\(copy): \(error.description)", malformed: true)
        }
        guard scenario.lostSecrets else { return ReplaySource(scenario: scenario, recording: recording) }
        // The copy kept no secret: the original file has them, if it is still the scenario that ran.
        if let original = try? Scenario(contentsOfFile: file), original.sourceWithoutSecrets == yaml {
            return ReplaySource(scenario: original, recording: recording)
        }
        throw ReplayError(
            "the session's scenario types secret text, which a session never keeps, and the original \(file) "
                + "is gone or changed since; restore it, or replay a scenario file")
    }

    /// The recorded event of each step, by the step's `line:column` and kind; the last one when a
    /// step recorded several (approvals come before the step's own event).
    public func recordedEvents() -> [String: Event] {
        guard let recording else { return [:] }
        var events: [String: Event] = [:]
        for event in recording.events {
            guard let label = event.step, let key = Self.key(label: label), key.hasSuffix(" " + event.action.kind) else {
                continue
            }
            events[key] = event
        }
        return events
    }

    /// `12:5 click` from an event's step label `path/to/x.yaml:12:5 click`.
    static func key(label: String) -> String? {
        guard let space = label.lastIndex(of: " ") else { return nil }
        let location = label[..<space].split(separator: ":", omittingEmptySubsequences: false)
        guard location.count >= 3 else { return nil }
        return location.suffix(2).joined(separator: ":") + label[space...]
    }

    /// The key of a step, as `key(label:)` reads it from an event.
    static func key(of step: Step) -> String {
        "\(step.location.line):\(step.location.column) \(step.kind.rawValue)"
    }
}

/// Why a replay cannot start.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String
    /// The scenario (or its copy) does not parse, rather than being missing.
    public var malformed: Bool

    public init(_ message: String, malformed: Bool = false) {
        self.message = message
        self.malformed = malformed
    }

    public var description: String { message }
}
