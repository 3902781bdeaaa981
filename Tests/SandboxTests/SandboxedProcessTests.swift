import Foundation
import Glibc
import Processes
import Sandbox
import TestSupport
import Testing

/// The Swift side of the sandbox: confinements become helper arguments, the helper's report
/// becomes errors, and a run lives and dies in cgroups of its own.
@Suite("Sandboxed processes", .timeLimit(.minutes(2)))
struct SandboxedProcessTests {
    @Test func aConfinementBecomesTheHelperArguments() {
        var confinement = Confinement.workspace("/w", strict: true) { _ in true }
        confinement.network = .on
        confinement.resourceLimits = ["nofile": 64]
        confinement.allowDegraded = [.landlock]
        let arguments = confinement.helperArguments(command: ["make", "test"], cgroups: ["/cg/a", "/cg/b"], reportFD: 3)
        #expect(arguments == [
            "--rw", "/w", "--protect", "/w/.git", "--tmpfs", "/tmp", "--network", "on", "--cgroup", "/cg/a",
            "--cgroup", "/cg/b", "--pids-max", "512", "--rlimit", "nofile=64", "--allow-degraded", "landlock",
            "--report-fd", "3", "--", "make", "test",
        ])
        #expect(Confinement.workspace("/w") { $0.hasSuffix("dir") ? nil : true }.protectedPaths == ["/w/.git/hooks", "/w/.git/config"])
        #expect(
            Confinement.workspace("/w") { $0.hasSuffix("gitdir") ? nil : true }.protectedPaths
                == ["/w/.git/hooks", "/w/.git/config", "/w/.git/commondir"], "indirection files that exist")
        #expect(Confinement.workspace("/w") { _ in nil }.protectedPaths == ["/w/.git"], "no .git: none may be created")
        #expect(Confinement.workspace("/w") { _ in false }.protectedPaths == ["/w/.git"], "a worktree's .git file")
        let worktree = Confinement.workspace("/w/tree", strict: true, isDirectory: { _ in false }) { _ in
            "gitdir: ../main/.git/worktrees/tree\n"
        }
        #expect(worktree.protectedPaths == ["/w/tree/.git", "/w/main/.git/worktrees/tree"], "strict resolves the worktree's git dir")
        #expect(Confinement(writableRoots: ["rel/dir"], maxProcesses: 0).validationErrors() == [
            "writable root 'rel/dir' must be an absolute path without . or ..", "max processes must be at least 1, not 0",
        ])
    }

    @Test func aProgramBelowAPrivateDirectoryIsShownReadOnly() {
        let confinement = Confinement(writableRoots: ["/w"], privateDirectories: ["/tmp"])
        #expect(confinement.revealing(program: "/tmp/build/tool").readOnlyPaths == ["/tmp/build/tool"])
        #expect(confinement.revealing(program: "/usr/bin/true").readOnlyPaths.isEmpty)
        #expect(confinement.revealing(program: "/w/tool").readOnlyPaths.isEmpty, "the workspace is bound in anyway")
        #expect(confinement.revealing(program: "relative").readOnlyPaths.isEmpty)
        #expect(confinement.revealing(program: "/tmp/x").helperArguments(command: ["/tmp/x"], cgroups: [], reportFD: 3)
            .contains("--ro"))
    }

    @Test func theHelpersReportIsParsed() {
        let report = ConfinementReport(parsing: "degraded layer=cgroup step=cgroup errno=2 name=ENOENT\nfailed step=landlock errno=38 name=ENOSYS\n")
        #expect(report.failure?.step == "landlock" && report.failure?.errno == 38 && report.failure?.errnoName == "ENOSYS")
        #expect(report.degraded.map(\.layer) == ["cgroup"])
        #expect(ConfinementReport(parsing: "").failure == nil)
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func writesStayInTheWorkspaceAndTheStatusPassesThrough() throws {
        try withWorkspace { ws in
            let out = ws.base + "/out.txt"
            let run = try SandboxedProcess(
                ["/bin/sh", "-c", "echo in > \(ws.root)/made; echo x > \(ws.git)/config; echo y > \(ws.outside)/new; exit 7"],
                confinement: Confinement(writableRoots: [ws.root], protectedPaths: [ws.git]),
                output: .files(stdout: out, stderr: out))
            #expect(run.wait(timeout: .seconds(20)) == 7)
            #expect(run.report.degraded.isEmpty)
            #expect(FileManager.default.fileExists(atPath: ws.root + "/made"))
            #expect(try String(contentsOfFile: ws.git + "/config", encoding: .utf8) == "[core]\n")
            #expect(!FileManager.default.fileExists(atPath: ws.outside + "/new"))
            let errors = try String(contentsOfFile: out, encoding: .utf8)
            #expect(errors.components(separatedBy: "Read-only file system").count == 3, "\(errors)")
        }
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func freezingStopsEveryProcessAndTerminatingEndsThemAll() throws {
        try withWorkspace { ws in
            let counter = ws.root + "/counter"
            // A counter written every 10 ms by a grandchild, with a daemon beside it.
            let script = "(n=0; while :; do n=$((n+1)); echo $n > \(counter); sleep 0.01; done) & setsid sleep 300 & wait"
            let run = try SandboxedProcess(["/bin/sh", "-c", script], confinement: Confinement(writableRoots: [ws.root]))
            let cgroup = try #require(run.cgroup)
            // The shell truncates before it writes, so a read can see an empty file: read again.
            func count() -> Int {
                for _ in 0..<100 {
                    let text = (try? String(contentsOfFile: counter, encoding: .utf8)) ?? ""
                    if let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return n }
                    Thread.sleep(forTimeInterval: 0.001)
                }
                return 0
            }
            let deadline = Date().addingTimeInterval(10)
            while count() < 5 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            #expect(count() >= 5)
            #expect(cgroup.processIDs().count >= 3, "shell, loop, daemon and sleeps are all in the run's cgroup")
            if cgroup.canFreeze {
                #expect(cgroup.freeze())
                let frozen = count()
                Thread.sleep(forTimeInterval: 0.2)
                #expect(count() == frozen, "nothing advances while frozen")
                cgroup.thaw()
                Thread.sleep(forTimeInterval: 0.2)
                #expect(count() > frozen, "it goes on after the thaw")
            }
            run.terminate()
            #expect(run.wait(timeout: .seconds(5)) != nil)
            #expect(cgroup.processIDs().isEmpty, "the daemon died with the run")
        }
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func aMissingLayerRefusesWithItsNameUnlessAllowed() throws {
        try withWorkspace { ws in
            // A helper under a seccomp filter that answers ENOSYS to Landlock: a kernel without it.
            let wrapper = ws.base + "/confine-without-landlock"
            try "#!/bin/sh\nexec '\(BuiltProducts.path("sandbox-probe"))' no-landlock '\(BuiltProducts.path("foredesk-confine"))' \"$@\"\n"
                .write(toFile: wrapper, atomically: true, encoding: .utf8)
            chmod(wrapper, 0o755)
            let confinement = Confinement(writableRoots: [ws.root])
            #expect(throws: SandboxError.layerFailed(step: "landlock", errno: 38, name: "ENOSYS")) {
                try SandboxedProcess(["/bin/sh", "-c", "echo ran > \(ws.root)/ran"], confinement: confinement, helper: wrapper)
            }
            #expect(!FileManager.default.fileExists(atPath: ws.root + "/ran"), "nothing ran")
            var allowed = confinement
            allowed.allowDegraded = [.landlock]
            let run = try SandboxedProcess(["/bin/sh", "-c", "echo ran > \(ws.root)/ran"], confinement: allowed, helper: wrapper)
            #expect(run.wait(timeout: .seconds(20)) == 0)
            #expect(run.report.degraded.map(\.step) == ["landlock"])
            #expect(FileManager.default.fileExists(atPath: ws.root + "/ran"))
        }
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func aCommandThatDoesNotExistIsNamed() throws {
        #expect(throws: SandboxError.cannotExecute(command: "/no/such/tool", name: "ENOENT")) {
            try SandboxedProcess(["/no/such/tool"], confinement: Confinement(), output: .discard)
        }
    }
}
