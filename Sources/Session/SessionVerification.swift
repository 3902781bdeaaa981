/// What `SessionVerification.verify(folder:)` found: whether `events.jsonl` is as foredesk wrote it, and if not,
/// the first line that shows otherwise, in words a reviewer understands.
///
/// It proves the log was not edited, cut, reordered or shortened since it was written, and that the frames are
/// the ones the events name. It cannot tell a log rewritten whole with a fresh chain from the real one; anchor
/// the last hash somewhere else (a CI log, a ticket) and check it with `expectedLastHash`.
public struct SessionVerification: Sendable, Equatable {
    /// The verdict.
    public enum Status: Sendable, Equatable {
        /// Every line chains to the one before it, and the frames match their digests.
        case intact
        /// The log has no hash chain (written by a foredesk before the chain existed): nothing can be proved.
        case notChained
        /// The first problem found: the line it names (1-based, nil when it is about the file as a whole) and
        /// what is wrong.
        case broken(line: Int?, problem: String)
    }

    /// The verdict.
    public var status: Status
    /// Events read whole and in order before the first problem (all of them when intact).
    public var eventCount: Int
    /// The SHA-256 of the last of those events' lines (`EventChain.genesis` when there is none).
    public var lastHash: String
    /// Frames whose digest was compared with their file.
    public var framesChecked: Int
    /// Files in `video/` checked against the digests of the session's video event.
    public var videoFramesChecked = 0
    /// True when the end of the log is proved too: `session.json` records the final event count and hash (the
    /// session finished), or the last hash matched the one kept elsewhere.
    public var endProved: Bool
    /// A last line without its newline that does not parse: the run was killed while writing it.
    public var cutOffLine: Int?

    /// The verdict in a few words, for a table: `intact`, `intact so far`, `not chained`, `broken at line 5`.
    public var summary: String {
        switch status {
        case .intact: endProved ? "intact" : "intact so far"
        case .notChained: "not chained"
        case .broken(let line, _): line.map { "broken at line \($0)" } ?? "broken"
        }
    }

    /// What a reviewer should know beyond an intact verdict: the limits of what it proves here.
    public var notes: [String] {
        guard status == .intact else { return [] }
        var notes: [String] = []
        if !endProved {
            notes.append(
                "the run did not finish (it was killed or is still running): events removed from or changed at the end"
                    + " of the log cannot be detected; only what is there was checked")
        }
        if let cutOffLine {
            notes.append(
                "line \(cutOffLine) was cut off mid-write when the run was killed; that is not tampering, and the"
                    + " lines before it stand")
        }
        return notes
    }
}

extension SessionVerification {
    /// Checks the folder's `events.jsonl`: the hash chain, the seq numbers, the final count and hash a finished
    /// session recorded in `session.json`, the frame digests, and the last hash against expectedLastHash (a full
    /// hash or a prefix of it) when given.
    /// - Throws: `SessionError.notASession` when the folder has neither file, `.malformedSessionFile`, `.io`.
    public static func verify(folder: String, expectedLastHash: String? = nil) throws(SessionError)
        -> SessionVerification
    {
        let sessionPath = folder + "/session.json"
        let sessionText = try FileSystem.readText(sessionPath)
        let bytes = try FileSystem.readBytes(folder + "/events.jsonl")
        guard sessionText != nil || bytes != nil else { throw .notASession(path: folder) }
        let info = try sessionText.map { (text) throws(SessionError) in
            try SessionInfo(jsonText: text, path: sessionPath)
        }
        var checker = ChainChecker(folder: folder, bytes: bytes ?? [])
        // A finished session's count and hash; a killed one has neither.
        if let info, info.verdict != .running, let count = info.eventCount, let hash = info.lastEventHash {
            checker.final = (count, hash)
        }
        var result = checker.run()
        guard result.status == .intact, let expected = expectedLastHash?.lowercased() else { return result }
        if result.lastHash.hasPrefix(expected) {
            result.endProved = true
        } else {
            result.status = .broken(
                line: nil,
                problem:
                    "the last event's hash is \(result.lastHash), not the expected \(expected): the log was changed,"
                    + " cut or rewritten since that hash was taken")
        }
        return result
    }
}

/// One pass over the lines of `events.jsonl`, stopping at the first problem.
private struct ChainChecker {
    let folder: String
    let lines: [ArraySlice<UInt8>]
    /// The last line has no newline: it may be a cut-off write.
    let lastUnterminated: Bool
    var final: (count: Int, hash: String)?

    init(folder: String, bytes: [UInt8]) {
        self.folder = folder
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        self.lines = lines
        self.lastUnterminated = !bytes.isEmpty && bytes.last != UInt8(ascii: "\n")
    }

    func run() -> SessionVerification {
        var result = SessionVerification(
            status: .intact, eventCount: 0, lastHash: EventChain.genesis, framesChecked: 0, endProved: final != nil,
            cutOffLine: nil)
        let events = lines.map { try? Event(jsonLine: String(decoding: $0, as: UTF8.self)) }
        var previousSeq = 0
        for (index, line) in lines.enumerated() {
            let number = index + 1
            guard let event = events[index] else {
                if index == lines.count - 1, lastUnterminated {
                    result.cutOffLine = number
                    break
                }
                result.status = .broken(
                    line: number,
                    problem: "line \(number) is not a readable event: it was changed after it was written, or the file"
                        + " was damaged")
                return result
            }
            if number == 1, event.prev == nil {
                result.status = .notChained
                result.eventCount = lines.count
                return result
            }
            if let problem = problem(
                at: index, event: event, previousSeq: previousSeq, previousHash: result.lastHash,
                events: events)
            {
                result.status = .broken(line: problem.line, problem: problem.text)
                return result
            }
            if let problem = frameProblem(event, line: number, checked: &result.framesChecked) {
                result.status = .broken(line: number, problem: problem)
                return result
            }
            if event.action.kind == VideoSummary.eventKind,
                let problem = VideoSummary.problem(folder: folder, event: event, frames: &result.videoFramesChecked)
            {
                result.status = .broken(line: number, problem: problem)
                return result
            }
            previousSeq = event.seq
            result.lastHash = EventChain.hash(line)
            result.eventCount = number
        }
        if let final {
            if let problem = tailProblem(
                final, count: result.eventCount, lastHash: result.lastHash, cut: result.cutOffLine)
            {
                result.status = .broken(line: problem.line, problem: problem.text)
            }
        }
        return result
    }

    /// What is wrong with line index + 1 given the line before it, if anything.
    func problem(at index: Int, event: Event, previousSeq: Int, previousHash: String, events: [Event?])
        -> (line: Int, text: String)?
    {
        let number = index + 1
        guard let prev = event.prev else {
            return (number, "line \(number) has no prev hash although the log is chained: it was inserted or rewritten")
        }
        let chained = prev == previousHash
        let expectedSeq = previousSeq + 1
        switch (chained, event.seq == expectedSeq) {
        case (true, true):
            return nil
        case (true, false):
            // The line really follows the one before it (its prev proves it), so its own seq was edited.
            return (
                number,
                "line \(number) was changed after it was written: it follows seq \(previousSeq), so its seq should be"
                    + " \(expectedSeq), not \(event.seq)"
            )
        case (false, true):
            return changedLine(at: index, prev: prev, previousHash: previousHash, events: events)
        case (false, false):
            if number == 1 {
                return (1, "events are missing before line 1: the log starts at seq \(event.seq), not 1")
            }
            if event.seq == previousSeq {
                return (number, "line \(number) repeats seq \(event.seq) of line \(index): a line was copied")
            }
            let laterIndex = events[(index + 1)...].firstIndex { $0?.seq == expectedSeq }
            if event.seq > expectedSeq, laterIndex == nil {
                let missing = event.seq - expectedSeq
                return (
                    number,
                    "\(missing == 1 ? "an event is" : "\(missing) events are") missing before line \(number): seq jumps"
                        + " from \(previousSeq) to \(event.seq)"
                )
            }
            let whereExpected = laterIndex.map { " (seq \(expectedSeq) is on line \($0 + 1))" } ?? ""
            return (
                number,
                "lines are out of order at line \(number): seq \(event.seq) comes right after seq \(previousSeq)"
                    + whereExpected
            )
        }
    }

    /// The chain breaks at line index + 1 while the seq numbers run on: one of the two lines was edited.
    ///
    /// An edit changes only the edited line's own hash, so it breaks the link to the line after it. If this
    /// line's prev was edited too, the next line no longer matches this one either: then this line is the edit.
    func changedLine(at index: Int, prev: String, previousHash: String, events: [Event?]) -> (line: Int, text: String) {
        let number = index + 1
        if number == 1 {
            return (1, "line 1 was changed after it was written: the first event's prev must be \(EventChain.genesis)")
        }
        let nextBreaks =
            index + 1 < lines.count && events[index + 1].map { $0.prev != EventChain.hash(lines[index]) } == true
        if nextBreaks {
            return (
                number,
                "line \(number) was changed after it was written: it no longer chains to line \(index), and line"
                    + " \(number + 1) expects a different hash for it"
            )
        }
        return (
            index,
            "line \(index) was changed after it was written: line \(number) expects its SHA-256 to be"
                + " \(short(prev)), but it is \(short(previousHash))"
        )
    }

    /// The first 16 hex digits of a hash and an ellipsis: enough to tell two apart in a message.
    func short(_ hash: String) -> String {
        hash.count > 16 ? hash.prefix(16) + "…" : hash
    }

    /// A frame the event names whose file is missing or differs from the digest the event recorded.
    func frameProblem(_ event: Event, line: Int, checked: inout Int) -> String? {
        for (name, digest) in [
            (event.frames.before, event.frames.beforeSHA256), (event.frames.after, event.frames.afterSHA256),
        ] {
            guard let name, let digest else { continue }
            let bytes: [UInt8]?
            do throws(SessionError) {
                bytes = try FileSystem.readBytes(folder + "/" + name)
            } catch {
                return "frame \(name), named by line \(line), cannot be read: \(error)"
            }
            guard let bytes else { return "frame \(name), named by line \(line), is missing" }
            let actual = EventChain.hash(bytes)
            if actual != digest {
                return "frame \(name) was changed after it was written: line \(line) records its SHA-256 as"
                    + " \(short(digest)), but the file's is \(short(actual))"
            }
            checked += 1
        }
        return nil
    }

    /// A finished session's recorded count and last hash against what the file holds.
    func tailProblem(_ final: (count: Int, hash: String), count: Int, lastHash: String, cut: Int?)
        -> (line: Int?, text: String)?
    {
        if let cut {
            return (
                cut,
                "line \(cut) is cut off, but the session finished with \(final.count) events: the file was cut after"
                    + " the run ended"
            )
        }
        if count < final.count {
            let removed = final.count - count
            return (
                count + 1,
                "events.jsonl ends after line \(count), but the session finished with \(final.count) events: the last"
                    + " \(removed == 1 ? "line was" : "\(removed) lines were") removed"
            )
        }
        if count > final.count {
            return (
                final.count + 1,
                "lines \(final.count + 1)–\(count) were added after the session finished with \(final.count) events"
            )
        }
        if lastHash != final.hash {
            return (
                count,
                "line \(count) was changed after the session finished: session.json records its SHA-256 as"
                    + " \(short(final.hash)), but it is \(short(lastHash))"
            )
        }
        return nil
    }
}
