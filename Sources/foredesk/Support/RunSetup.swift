import Foundation
import Scenario
import Session

#if canImport(Glibc)
    import Glibc
#endif

/// What `run` and `replay` share: the runner's options from the command line, and the closing lines.
enum RunSetup {
    /// Runner options with a checked workspace, the fixture's folder, progress on stderr and the terminal as approver.
    /// - Throws: a usage failure when the workspace is not a folder.
    static func options(
        out: String, workspace: String?, display: String?, policy: String?, frames: FrameMode, control: RunControl
    ) throws -> RunOptions {
        let folder = Exec.absolute(workspace ?? Exec.currentDirectory())
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandFailure.usage(
                "the workspace \(folder) is not a folder: create it, or leave out --workspace to use the current folder")
        }
        let tools = try? Demo.siblingExecutable("fixture-app")
        var options = RunOptions(
            out: Exec.absolute(out), workspace: folder, display: display, policyFile: policy,
            toolDirectory: tools.map { String($0[..<($0.lastIndex(of: "/") ?? $0.endIndex)]) },
            frames: frames,
            progress: { line in stderrLine(line) })
        options.approvals = TerminalApprovalBroker()
        options.control = control
        return options
    }

    /// The session path on stdout, then on stderr the chain's last hash (to keep elsewhere: `foredesk
    /// verify --expect` proves nothing was cut later) and, last, where to look: the report.
    static func printClosingLines(_ result: RunResult) {
        print(result.sessionPath)
        fflush(nil)  // every stream: the session path goes out before the closing lines on stderr
        let info = try? SessionInfo(jsonText: String(contentsOfFile: result.sessionPath + "/session.json", encoding: .utf8))
        let hash = info?.lastEventHash.map { "last event hash: \($0) (foredesk verify \(result.sessionPath) --expect \($0))\n" } ?? ""
        stderrLine(hash + "report: \(result.sessionPath)/report.html")
    }

    /// One line on stderr, unbuffered.
    static func stderrLine(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
    }
}
