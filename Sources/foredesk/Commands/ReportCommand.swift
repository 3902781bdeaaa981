import ArgumentParser
import Session

#if canImport(Glibc)
    import Glibc
#endif

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a session folder's report.html and junit.xml from its events.jsonl, or merge several.",
        discussion: """
            events.jsonl is the source of truth of a session: this works on the folder of a run that was killed (even with SIGKILL), skipping a last event cut off mid-write and marking the run as interrupted.

            report.html is a replay viewer that opens from disk: a timeline to scrub and play (space; 1, 2, 4 for the speed), the actions beside it (←/→; f jumps to the first failure; ? lists the keys), and the screen at each moment from the session's video/ or its step frames, which it loads only when shown.

            With --merge, joins the sessions of several runs or shards into one report.html (a section per session, linking to each session's own viewer) and one junit.xml (a test suite per session) in the --out folder. Each DIR is a session folder or a folder of them (the --out of a run or of one shard). Frames stay in the session folders: the report links to them, so keep those folders beside it.

            Examples:
              foredesk report foredesk-out/login-20250301T123456Z
              xdg-open "$(foredesk report foredesk-out/login-20250301T123456Z)"
              foredesk report --merge shard-1/ shard-2/ --out merged/

            Prints the path of report.html; a summary goes to stderr. Exit codes: 0 written, 64 not a session folder, 65 a malformed line (named with its number), 1 a file could not be written.
            """)

    @Argument(help: ArgumentHelp("The session folder `foredesk run` wrote (with --merge: several).", valueName: "dir"))
    var folders: [String]

    @Flag(help: "Join the sessions in every DIR into one report.html and junit.xml in --out.")
    var merge = false

    @Option(help: ArgumentHelp("Where --merge writes report.html and junit.xml (created if needed).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if folders.isEmpty { throw ValidationError("give the session folder to report on") }
        if merge {
            if out == nil { throw ValidationError("--merge needs --out DIR for the merged report.html and junit.xml") }
        } else {
            if out != nil {
                throw ValidationError("--out goes with --merge; a single report is written into its session folder")
            }
            if folders.count > 1 { throw ValidationError("give one session folder, or --merge to join several") }
        }
    }

    func run() throws {
        if merge, let out { return try runMerge(into: out) }
        let folder = folders[0]
        try reporting {
            let summary: SessionReport.Summary
            do throws(SessionError) {
                summary = try SessionReport.rebuild(folder: folder)
            } catch {
                throw CommandFailure(message: error.description, code: Self.exitStatus(for: error))
            }
            var note = "\(summary.events.count) steps, \(summary.failedCount) failed or denied"
            if summary.info.verdict == .running { note += "; the run ended without a verdict (interrupted)" }
            if let line = summary.truncatedLine { note += "; skipped cut-off line \(line) of events.jsonl" }
            printError("foredesk: \(note); wrote \(summary.junitPath)")
            print(summary.reportPath)
        }
    }

    private func runMerge(into out: String) throws {
        try reporting {
            let summary: SessionReport.MergeSummary
            do throws(SessionError) {
                summary = try SessionReport.merge(folders: folders, into: out)
            } catch {
                throw CommandFailure(message: error.description, code: Self.exitStatus(for: error))
            }
            let notPassed = summary.sessions.filter { $0.info.verdict != .passed }.count
            let steps = summary.sessions.map(\.events.count).reduce(0, +)
            printError(
                "foredesk: merged \(summary.sessions.count) sessions (\(steps) steps, \(notPassed) sessions not"
                    + " passed); wrote \(summary.junitPath)")
            print(summary.reportPath)
        }
    }

    static func exitStatus(for error: SessionError) -> Int32 {
        switch error {
        case .notASession: Exit.usage
        case .malformedEvent, .malformedSessionFile, .malformedVideo: Exit.data
        case .io, .imaging: Exit.actionFailed
        }
    }

    private func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
