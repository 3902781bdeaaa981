import Foundation
import Glibc
import Sandbox
import TestSupport
import Testing

@Suite struct ExecCommandTests {
    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func execConfinesToTheWorkspaceAndPassesTheStatusThrough() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/ws/.git", withIntermediateDirectories: true)
            // Outside the workspace and outside /tmp (which the command sees as a private, empty tmpfs).
            let outside = "/var/foredesk-exec-test-\(UUID().uuidString)"
            let result = try foredesk([
                "exec", "--workspace", dir + "/ws", "--",
                "/bin/sh", "-c", "echo ok > \(dir)/ws/made; echo no > \(dir)/ws/.git/HEAD || echo git-refused; echo no > \(outside) || echo outside-refused; exit 5",
            ])
            #expect(result.status == 5, "\(result.stderr)")
            #expect(result.stdout == "git-refused\noutside-refused\n")
            #expect(FileManager.default.fileExists(atPath: dir + "/ws/made"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/ws/.git/HEAD"))
            #expect(!FileManager.default.fileExists(atPath: outside))
        }
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func execNamesWhatCannotRun() throws {
        let missing = try foredesk(["exec", "--", "/no/such/tool"])
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("foredesk: error: cannot run /no/such/tool: no such file"))
        let usage = try foredesk(["exec", "--network", "maybe", "--", "true"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--network must be off or on"))
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func sandboxCheckSaysEveryLayerApplies() throws {
        let result = try foredesk(["sandbox", "check"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("landlock      ABI "))
        #expect(result.stdout.contains("confined run  every layer applied"))
    }
}

/// Whether this machine lets the tests create run cgroups (root with a writable cgroup file system).
enum Cgroups {
    static let writable: Bool = {
        guard let probe = RunCgroup.create(name: "test-probe-\(getpid())-\(UUID().uuidString.prefix(8))") else { return false }
        probe.remove()
        return true
    }()
    static let reason: Comment = "no writable cgroup hierarchy (needs root and a writable cgroup file system); CI runs as root"
}
