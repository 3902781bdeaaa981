import Desktop
import Foundation
import Glibc
import Imaging
import Processes
import Sandbox
import TestSupport
import Testing

/// The whole display-trust chain: an xterm started offline, confined, as foredesk-offline and
/// with an untrusted cookie shows up on the session's private display and takes foredesk's XTest
/// input like any window. (As root without capabilities xterm cannot drop its groups and exits,
/// so the run uses elevated mode's account.)
@Suite(
    .privateDisplay(windowManager: true), .timeLimit(.minutes(2)),
    .enabled(if: ElevatedMachine.missing == nil, Comment(rawValue: ElevatedMachine.missing ?? "")),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/xterm"), "xterm is missing; tools/setup installs it"))
struct UntrustedXtermTests {
    @Test func aConfinedOfflineUntrustedXtermAppearsAndReceivesInput() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try withElevatedMode { setup in
            try withTemporaryDirectory { dir in
                chmod(dir, 0o755)
                // /tmp is private inside the sandbox: the cookie lives in the workspace, which is bound in.
                let workspace = dir + "/ws"
                try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
                let grant = try desktop.grantUntrustedAccess(authorityFile: workspace + "/xauthority")
                defer { try? desktop.revoke(grant) }
                var confinement = Confinement.workspace(workspace)
                confinement.displaySocket = "/tmp/.X11-unix/X\(display.name.dropFirst())"
                confinement.identity = .offline
                // Grants foredesk-write the workspace, the cookie file included.
                try setup.prepare(confinement)
                let typed = workspace + "/typed.txt"
                let run = try SandboxedProcess(
                    ["/usr/bin/xterm", "-title", "confined xterm", "-e", "/bin/sh", "-c", "cat > \(typed)"],
                    confinement: confinement, environment: ["DISPLAY": display.name, "XAUTHORITY": grant.file],
                    output: .files(stdout: dir + "/out.log", stderr: dir + "/err.log"))
                defer { run.terminate() }
                let log = { (try? String(contentsOfFile: dir + "/err.log", encoding: .utf8)) ?? "" }
                let window = try #require(
                    try? desktop.waitForWindow(matching: WindowQuery(titlePattern: "^confined xterm$"), timeout: .seconds(20)),
                    "the confined xterm never showed a window; its stderr: \(log())")
                #expect(run.cgroup?.processIDs().contains(window.pid ?? -1) == true, "the window belongs to the confined run")
                try desktop.activate(window.id)
                try desktop.type("hello from foredesk\n")
                var text = ""
                let deadline = Date().addingTimeInterval(10)
                while !text.contains("\n") && Date() < deadline {
                    text = (try? String(contentsOfFile: typed, encoding: .utf8)) ?? ""
                    Thread.sleep(forTimeInterval: 0.02)
                }
                #expect(text == "hello from foredesk\n", "stderr: \(log())")
                var owner = stat()
                #expect(stat(typed, &owner) == 0 && owner.st_uid == getpwnam("foredesk-offline")?.pointee.pw_uid, "written as foredesk-offline")
            }
        }
    }
}
