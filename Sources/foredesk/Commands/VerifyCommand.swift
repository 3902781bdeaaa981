import ArgumentParser
import Session

#if canImport(Glibc)
    import Glibc
#endif

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a session's events.jsonl and frames are as foredesk wrote them.",
        discussion: """
            Every line of events.jsonl carries, in "prev", the SHA-256 of the line before it (the first line: 64 zeros), and every event that names a frame carries the SHA-256 of that PNG. A finished session also records in session.json how many events it wrote and the hash of the last line.

            What it proves: no line was edited, removed, inserted or reordered after it was written; no frame named by an event was changed or replaced; and, for a finished session, no line was removed from or added to the end.

            What it cannot prove: someone who rewrites the whole log with a fresh chain (and session.json with it) leaves a log that checks out. Keep the last hash somewhere they cannot reach (a CI log, a ticket, a signed message) and check against it with --expect. A run that was killed (or still runs) has no recorded end: lines removed from its end cannot be detected, and verify says so. A last line cut off mid-write by the kill is reported as such, not as tampering. A log written before the chain existed is reported as not chained.

            Examples:
              foredesk verify foredesk-out/login-20250301T123456Z
              foredesk verify foredesk-out/login-20250301T123456Z --expect 3fa2c1d0

            Prints "intact: N events, M frames, last hash H" and exits 0; otherwise names the first bad line and what is wrong with it, and exits 1 (also for a log that is not chained). Exit 64: not a session folder; 65: session.json is malformed.
            """)

    @Argument(help: ArgumentHelp("The session folder `foredesk run` wrote.", valueName: "dir"))
    var folder: String

    @Option(
        help: ArgumentHelp(
            "The last hash as kept elsewhere (all 64 hex digits, or at least the first 8): the log must end there.",
            valueName: "hash"))
    var expect: String?

    func validate() throws {
        if let expect, expect.count < 8 || expect.count > 64 || !EventChain.isHex(expect) {
            throw ValidationError("--expect takes 8 to 64 hex digits of the last hash `foredesk verify` printed")
        }
    }

    func run() throws {
        try reporting {
            let result: SessionVerification
            do throws(SessionError) {
                result = try SessionVerification.verify(folder: folder, expectedLastHash: expect)
            } catch {
                throw CommandFailure(message: error.description, code: ReportCommand.exitStatus(for: error))
            }
            for note in result.notes { printError("foredesk: note: " + note) }
            switch result.status {
            case .intact:
                let frames = result.framesChecked == 1 ? "1 frame" : "\(result.framesChecked) frames"
                let events = result.eventCount == 1 ? "1 event" : "\(result.eventCount) events"
                let video = result.videoFramesChecked > 0 ? ", \(result.videoFramesChecked) video frames" : ""
                print("\(result.summary): \(events), \(frames)\(video), last hash \(result.lastHash)")
            case .notChained:
                throw CommandFailure(
                    message: "not chained: \(folder)/events.jsonl (\(result.eventCount) lines) was written without"
                        + " hashes (by an older foredesk), so nothing about it can be verified",
                    code: Exit.actionFailed)
            case .broken(_, let problem):
                throw CommandFailure(message: "not intact: \(folder): \(problem)", code: Exit.actionFailed)
            }
        }
    }

    private func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
