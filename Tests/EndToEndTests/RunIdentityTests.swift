import Foundation
import Glibc
import Sandbox
import TestSupport
import Testing

/// `foredesk run` with a policy's `sandbox.identity`: apps and `run` steps as elevated mode's
/// accounts (root, CI), and what a normal user gets instead.
///
/// The elevated tests install elevated mode under the machine-wide lock and tear it down
/// afterwards (`ElevatedMode.withInstalled`); a machine that has it installed is left alone.
@Suite(
    "Runs as the policy's identity", .serialized, .timeLimit(.minutes(3)),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/xterm"), "xterm is missing; tools/setup installs it"))
struct RunIdentityTests {
    static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/EndToEndTests/<file>
        return parts.joined(separator: "/")
    }()
    static let xterm = repository + "/Scenarios/apps/xterm.yaml"
    static let elevated: Comment = Comment(rawValue: ElevatedMode.unavailable ?? "")
    static let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    static let canBeNobody = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    /// A workspace and an out folder below dir that other accounts can reach (mode: the two folders').
    func folders(in dir: String, mode: mode_t = 0o755) throws -> (workspace: String, out: String) {
        chmod(dir, 0o755)
        let folders = (dir + "/ws", dir + "/out")
        for folder in [folders.0, folders.1] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            chmod(folder, mode)
        }
        return folders
    }

    func owner(_ path: String) -> uid_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_uid : nil
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// The session's events as JSON objects.
    func events(_ session: String) throws -> [[String: Any]] {
        try text(session + "/events.jsonl").split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func action(_ event: [String: Any]) -> [String: Any] { event["action"] as? [String: Any] ?? [:] }

    @Test(.enabled(if: ElevatedMode.unavailable == nil && Cgroups.writable, elevated))
    func theXtermScenarioPassesAsTheOfflineAccount() throws {
        try ElevatedMode.withInstalled { _ in
            try withTemporaryDirectory { dir in
                let (workspace, out) = try folders(in: dir)
                let result = try foredesk(["run", Self.xterm, "--workspace", workspace, "--out", out])
                #expect(result.status == 0, "\(result.stderr)")
                let offline = try #require(SystemAccount.user("foredesk-offline"))
                #expect(text(workspace + "/inside.txt") == "allowed by the sandbox\n")
                #expect(owner(workspace + "/inside.txt") == offline.uid, "written by foredesk-offline")
                let denied = text(workspace + "/denied.txt")
                #expect(denied.contains("cannot touch '/var/tmp/foredesk-xterm-outside.txt'"), "\(denied)")
                #expect(denied.hasSuffix("status 1\n"))
                #expect(!FileManager.default.fileExists(atPath: "/var/tmp/foredesk-xterm-outside.txt"))
                let session = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                let launch = try #require(try events(session).first { action($0)["kind"] as? String == "launch" })
                #expect(action(launch)["identity"] as? String == "offline")
                #expect(action(launch)["account"] as? String == "foredesk-offline")
            }
        }
    }

    @Test(.enabled(if: ElevatedMode.unavailable == nil && Cgroups.writable, elevated))
    func runStepsAndAppsRunAsTheAccountWithACookieOnlyItReads() throws {
        try ElevatedMode.withInstalled { _ in
            try withTemporaryDirectory { dir in
                let (workspace, out) = try folders(in: dir)
                // The app looks at its cookie before xterm connects with it; the launch step waits
                // for the window, so the look is done before the cookie's folder is removed.
                let look = #"stat -c "%U %a" "$XAUTHORITY" "$(dirname "$XAUTHORITY")" > ${workspace}/cookie.txt; exec xterm -T "online xterm" -e sleep 60"#
                try "sandbox:\n  identity: online\n  writable: [\"${workspace}\"]\n"
                    .write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
                try """
                name: identities
                display: { virtual: 640x480 }
                apps:
                  - name: term
                    command: [sh, -c, '\(look)']
                    policy: policy.yaml
                    window: { title: "^online xterm$", timeout: 20s }
                steps:
                  - run: { command: [sh, -c, "id -un; echo made > ${workspace}/made.txt"], output: "^foredesk-online\\n$" }
                  - launch: term

                """.write(toFile: dir + "/identities.yaml", atomically: true, encoding: .utf8)
                let result = try foredesk(["run", dir + "/identities.yaml", "--workspace", workspace, "--out", out])
                #expect(result.status == 0, "\(result.stderr)")
                let online = try #require(SystemAccount.user("foredesk-online"))
                #expect(owner(workspace + "/made.txt") == online.uid, "the run step wrote as foredesk-online")
                #expect(text(workspace + "/cookie.txt") == "foredesk-online 600\nforedesk-online 700\n", "the cookie and its folder are the account's alone")
                let session = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                let recorded = try events(session)
                for kind in ["run", "launch"] {
                    let event = try #require(recorded.first { action($0)["kind"] as? String == kind })
                    #expect(action(event)["identity"] as? String == "online", "\(kind)")
                    #expect(action(event)["account"] as? String == "foredesk-online", "\(kind)")
                }
            }
        }
    }

    @Test(.enabled(if: ElevatedMode.unavailable == nil && Cgroups.writable, elevated))
    func withoutElevatedModeTheLaunchFailsClosed() throws {
        try ElevatedMode.withLock {
            guard ElevatedSetup().status().absent else {
                try Test.cancel("elevated mode is installed on this machine; the test needs a machine without it")
            }
            try withTemporaryDirectory { dir in
                let (workspace, out) = try folders(in: dir)
                let result = try foredesk(["run", Self.xterm, "--workspace", workspace, "--out", out])
                #expect(result.status == 1)
                #expect(
                    result.stderr.contains(
                        "launch failed: cannot run xterm as foredesk-offline: elevated mode is not set up (group foredesk-write is missing): run sudo foredesk sandbox setup"),
                    "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: workspace + "/inside.txt"))
            }
        }
    }

    @Test(.enabled(if: canBeNobody, "needs root to become another user with setpriv"))
    func aNormalUserIsToldToUseRootAndRunsTheXtermWithTheCallerPolicy() throws {
        try withTemporaryDirectory { dir in
            let (workspace, out) = try folders(in: dir, mode: 0o777)
            let refused = try foredesk(["run", Self.xterm, "--workspace", workspace, "--out", out], launcher: Self.asNobody)
            #expect(refused.status == 1)
            #expect(
                refused.stderr.contains(
                    "launch failed: xterm runs as foredesk-offline (sandbox identity: offline), which needs foredesk to run as root with elevated mode installed: run sudo foredesk sandbox setup once, then foredesk as root"),
                "\(refused.stderr)")

            let policy = Self.repository + "/Scenarios/apps/xterm-caller-policy.yaml"
            let result = try foredesk(
                ["run", Self.xterm, "--policy", policy, "--workspace", workspace, "--out", out], launcher: Self.asNobody)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(text(workspace + "/inside.txt") == "allowed by the sandbox\n")
            #expect(owner(workspace + "/inside.txt") == 65534, "written as the caller (nobody)")
            #expect(text(workspace + "/denied.txt").hasSuffix("status 1\n"), "\(text(workspace + "/denied.txt"))")
            #expect(!FileManager.default.fileExists(atPath: "/var/tmp/foredesk-xterm-outside.txt"))
        }
    }
}
