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
                "exec", "--strict", "--workspace", dir + "/ws", "--",
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
    func gitCommitWorksButHooksAndConfigStayReadOnly() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/git"), "git is missing; tools/setup installs it")
        try withTemporaryDirectory { dir in
            let ws = dir + "/repo"
            try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
            // Without a .git the workspace gets a read-only placeholder: no repository can be planted.
            let plant = try foredesk(["exec", "--workspace", ws, "--", "/bin/sh", "-c", "cd \(ws) && git init -q 2>/dev/null || echo init-refused"])
            #expect(plant.stdout == "init-refused\n")
            let initialise = Process()
            initialise.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            initialise.arguments = ["init", "-q", ws]
            try initialise.run()
            initialise.waitUntilExit()
            let script = """
                cd \(ws) && echo hello > a.txt && git add a.txt && \
                git -c user.name=t -c user.email=t@example.invalid commit -qm first && echo committed; \
                echo 'echo pwned' > .git/hooks/post-commit || echo hook-refused; \
                echo '[core]' >> .git/config || echo config-refused
                """
            let result = try foredesk(["exec", "--workspace", ws, "--", "/bin/sh", "-c", script])
            #expect(result.stdout == "committed\nhook-refused\nconfig-refused\n", "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: ws + "/.git/hooks/post-commit"))
            let strict = try foredesk(["exec", "--strict", "--workspace", ws, "--", "/bin/sh", "-c", "cd \(ws) && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m second 2>/dev/null || echo commit-refused"])
            #expect(strict.stdout == "commit-refused\n")
        }
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func aPolicyFileSetsTheSandboxAndItsErrorsNameTheirPlace() throws {
        try withTemporaryDirectory { dir in
            let ws = dir + "/ws"
            try FileManager.default.createDirectory(atPath: ws + "/.git", withIntermediateDirectories: true)
            try "sandbox:\n  strict_git: true\n".write(toFile: dir + "/strict.yaml", atomically: true, encoding: .utf8)
            let strict = try foredesk([
                "exec", "--policy", dir + "/strict.yaml", "--workspace", ws, "--",
                "/bin/sh", "-c", "echo a > \(ws)/.git/x 2>/dev/null || echo git-refused; echo b > \(ws)/ok && echo wrote",
            ])
            #expect(strict.stdout == "git-refused\nwrote\n", "\(strict.stderr)")
            try "sandbox:\n  limits: { max_wall_time: 300ms }\n".write(toFile: dir + "/quick.yaml", atomically: true, encoding: .utf8)
            let slow = try foredesk(["exec", "--policy", dir + "/quick.yaml", "--workspace", ws, "--", "/bin/sh", "-c", "sleep 30 & sleep 30"])
            #expect(slow.status == 124)
            #expect(slow.stderr.contains("ran past the policy's max_wall_time"))
            try "sandbox:\n  network: on\n  netwrok: off\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
            let bad = try foredesk(["exec", "--policy", dir + "/bad.yaml", "--", "true"])
            #expect(bad.status == 64)
            #expect(bad.stderr.hasPrefix("foredesk: error: \(dir)/bad.yaml:3:3: unknown key 'netwrok' in sandbox — did you mean 'network'?"))
        }
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func execNamesWhatCannotRun() throws {
        let typo = try foredesk(["exec", "--netwrok", "on", "--", "true"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("unknown option '--netwrok'"))
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
        try withTemporaryDirectory { dir in
            try "sandbox:\n  identity: offline\n".write(toFile: dir + "/offline.yaml", atomically: true, encoding: .utf8)
            try "sandbox:\n  network: on\n".write(toFile: dir + "/plain.yaml", atomically: true, encoding: .utf8)
            let plain = try foredesk(["sandbox", "check", "--policy", dir + "/plain.yaml"])
            #expect(plain.status == 0)
            #expect(plain.stdout.hasSuffix("policy \(dir)/plain.yaml: would run with every layer\n"))
            let offline = try foredesk(["sandbox", "check", "--policy", dir + "/offline.yaml"])
            let installed = try foredesk(["sandbox", "status"]).status == 0
            #expect(offline.status == (installed ? 0 : 1))
            #expect(installed || offline.stdout.contains("would refuse: elevated mode for identity offline"))
        }
    }
}
