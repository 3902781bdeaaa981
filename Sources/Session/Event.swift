public import Imaging

/// One line of `events.jsonl`: an action, the gate's decision and what the desktop looked like around it.
public struct Event: Sendable, Equatable {
    /// Frame files before and after the action, relative to the session folder (`frames/0003-before-click.png`).
    ///
    /// `SessionFolder.record` fills in the SHA-256 of each frame it saved, so the chained line vouches for the
    /// PNG too; `foredesk verify` compares them with the files.
    public struct Frames: Sendable, Equatable {
        /// The frame taken before the action.
        public var before: String?
        /// The frame taken after the action, once the screen settled.
        public var after: String?
        /// The SHA-256 (hex) of the before frame's file, when the session saved it.
        public var beforeSHA256: String?
        /// The SHA-256 (hex) of the after frame's file, when the session saved it.
        public var afterSHA256: String?

        /// Frame names from their parts.
        public init(
            before: String? = nil, after: String? = nil, beforeSHA256: String? = nil, afterSHA256: String? = nil
        ) {
            self.before = before
            self.after = after
            self.beforeSHA256 = beforeSHA256
            self.afterSHA256 = afterSHA256
        }
    }

    /// Output files of a sandboxed command, relative to the session folder (`output/0004-build.stdout`).
    public struct Output: Sendable, Equatable {
        /// The command's standard output.
        public var stdout: String?
        /// The command's standard error.
        public var stderr: String?

        /// Output names from their parts.
        public init(stdout: String? = nil, stderr: String? = nil) {
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// 1, 2, 3… in the order events were appended; `EventLog.append` assigns it.
    public var seq: Int
    /// When the event was recorded.
    public var time: Timestamp
    /// The scenario step this event belongs to (`3: click OK`), when a scenario runs.
    public var step: String?
    /// What was done, secret text replaced.
    public var action: RecordedAction
    /// What the gate said, when the action was gated.
    public var decision: DecisionRecord?
    /// The foreground window when the action was decided.
    public var foreground: WindowRecord?
    /// The pointer position when the action was decided.
    public var pointer: Point?
    /// Frames before and after.
    public var frames: Frames
    /// How long the screen took to settle after the action, in milliseconds.
    public var settleMilliseconds: Int?
    /// How long the whole step took, in milliseconds.
    public var durationMilliseconds: Int?
    /// Output files of a sandboxed command.
    public var output: Output?
    /// Why the step failed; nil when it did not.
    public var error: String?
    /// The SHA-256 (hex) of the line before this one in `events.jsonl` (`EventChain.genesis` for the first);
    /// `EventLog.append` assigns it, and logs written before the chain existed have none.
    public var prev: String?

    /// An event from its parts; seq is assigned by `EventLog.append`.
    public init(
        seq: Int = 0, time: Timestamp = .now, step: String? = nil, action: RecordedAction,
        decision: DecisionRecord? = nil, foreground: WindowRecord? = nil, pointer: Point? = nil,
        frames: Frames = Frames(), settleMilliseconds: Int? = nil, durationMilliseconds: Int? = nil,
        output: Output? = nil, error: String? = nil, prev: String? = nil
    ) {
        self.seq = seq
        self.time = time
        self.step = step
        self.action = action
        self.decision = decision
        self.foreground = foreground
        self.pointer = pointer
        self.frames = frames
        self.settleMilliseconds = settleMilliseconds
        self.durationMilliseconds = durationMilliseconds
        self.output = output
        self.error = error
        self.prev = prev
    }

    /// The step failed: it has an error, or the gate denied it.
    public var failed: Bool {
        error != nil || decision?.verdict == "deny"
    }

    /// The event as one line of JSON, without the newline.
    public var jsonLine: String {
        json.rendered
    }

    var json: JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        func optional(_ number: Int?) -> JSONValue { number.map { .int($0) } ?? .null }
        return .object([
            .init("seq", .int(seq)),
            .init("time", .string(time.iso8601)),
            .init("step", optional(step)),
            .init("action", action.json),
            .init("decision", decision?.json ?? .null),
            .init("foreground", foreground?.json ?? .null),
            .init("pointer", pointer.map { .object([.init("x", .int($0.x)), .init("y", .int($0.y))]) } ?? .null),
            .init(
                "frames",
                .object([
                    .init("before", optional(frames.before)), .init("after", optional(frames.after)),
                    .init("before_sha256", optional(frames.beforeSHA256)),
                    .init("after_sha256", optional(frames.afterSHA256)),
                ])),
            .init("settle_ms", optional(settleMilliseconds)),
            .init("duration_ms", optional(durationMilliseconds)),
            .init(
                "output",
                output.map { .object([.init("stdout", optional($0.stdout)), .init("stderr", optional($0.stderr))]) }
                    ?? .null),
            .init("error", optional(error)),
            .init("prev", optional(prev)),
        ])
    }

    /// Parses one line of `events.jsonl`.
    public init(jsonLine line: String) throws(SessionError) {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONValue(parsing: line)
        } catch {
            throw .malformedEvent(path: "", line: 0, message: error.description)
        }
        do throws(DecodingProblem) {
            try self.init(json: value)
        } catch {
            throw .malformedEvent(path: "", line: 0, message: error.message)
        }
    }

    init(json: JSONValue) throws(DecodingProblem) {
        guard case .object = json else { throw DecodingProblem("an event is a JSON object") }
        guard let seq = json["seq"]?.intValue else { throw DecodingProblem("no seq") }
        guard let timeText = json["time"]?.stringValue, let time = Timestamp(iso8601: timeText) else {
            throw DecodingProblem("no time in ISO 8601 UTC")
        }
        guard let action = json["action"] else { throw DecodingProblem("no action") }
        func nonNull(_ key: String) -> JSONValue? {
            guard let value = json[key], !value.isNull else { return nil }
            return value
        }
        var pointer: Point?
        if let value = nonNull("pointer") {
            guard let x = value["x"]?.intValue, let y = value["y"]?.intValue else {
                throw DecodingProblem("pointer needs x and y")
            }
            pointer = Point(x: x, y: y)
        }
        let frames = nonNull("frames")
        let output = nonNull("output")
        self.init(
            seq: seq, time: time, step: nonNull("step")?.stringValue, action: try RecordedAction(json: action),
            decision: try nonNull("decision").map { (value) throws(DecodingProblem) in try DecisionRecord(json: value) },
            foreground: try nonNull("foreground").map { (value) throws(DecodingProblem) in try WindowRecord(json: value) },
            pointer: pointer,
            frames: Frames(
                before: frames?["before"]?.stringValue, after: frames?["after"]?.stringValue,
                beforeSHA256: frames?["before_sha256"]?.stringValue, afterSHA256: frames?["after_sha256"]?.stringValue),
            settleMilliseconds: nonNull("settle_ms")?.intValue, durationMilliseconds: nonNull("duration_ms")?.intValue,
            output: output.map { Output(stdout: $0["stdout"]?.stringValue, stderr: $0["stderr"]?.stringValue) },
            error: nonNull("error")?.stringValue, prev: nonNull("prev")?.stringValue)
    }
}
