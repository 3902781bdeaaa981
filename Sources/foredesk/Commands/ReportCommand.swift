import ArgumentParser
import Session

#if canImport(Glibc)
    import Glibc
#endif

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a session folder's report.html and junit.xml from its events.jsonl.",
        discussion: """
            events.jsonl is the source of truth of a session: this works on the folder of a run that was killed (even with SIGKILL), skipping a last event cut off mid-write and marking the run as interrupted.

            Examples:
              foredesk report foredesk-out/login-20250301T123456Z
              xdg-open "$(foredesk report foredesk-out/login-20250301T123456Z)"

            Prints the path of report.html; a summary goes to stderr. Exit codes: 0 written, 64 not a session folder, 65 a malformed line (named with its number), 1 a file could not be written.
            """)

    @Argument(help: ArgumentHelp("The session folder `foredesk run` wrote.", valueName: "dir"))
    var folder: String

    func run() throws {
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

    static func exitStatus(for error: SessionError) -> Int32 {
        switch error {
        case .notASession: Exit.usage
        case .malformedEvent, .malformedSessionFile: Exit.data
        case .io, .imaging: Exit.actionFailed
        }
    }

    private func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
