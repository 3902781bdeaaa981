import Foundation
import Glibc
import TestSupport
import Testing

/// The helper run by an ordinary user: the mounts then happen inside a new user namespace.
@Suite(
    "Unprivileged runs (user namespace)",
    .enabled(if: Features.canRunAsNobody, "needs root to switch to uid 65534 with setpriv, a build folder that uid can reach, and unprivileged user namespaces"),
    .timeLimit(.minutes(2)))
struct UnprivilegedTests {
    func attemptAsNobody(_ options: [String], _ probeArguments: String...) throws -> Outcome {
        try spawn(asNobody([Built.confine] + options + ["--report-fd", "3", "--", Built.probe] + probeArguments))
    }

    @Test func theFilesystemViewHoldsForAnOrdinaryUser() throws {
        try withWorkspace(owner: Features.nobody) { ws throws in
            let inside = try attemptAsNobody(ws.options, "write", ws.root + "/new")
            #expect(inside.result == "OK", "\(inside)")
            #expect(try attemptAsNobody(ws.options, "write", ws.outside + "/new").result == "EROFS")
            #expect(try attemptAsNobody(ws.options, "write", ws.git + "/config").result == "EROFS")
            #expect(try attemptAsNobody(ws.options, "rename", ws.git, ws.root + "/moved").result == "EBUSY")
            #expect(try attemptAsNobody(["--rw", ws.root, "--protect", ws.root + "/.agents"], "mkdir", ws.root + "/.agents").result == "EEXIST")
            #expect(!FileManager.default.fileExists(atPath: ws.root + "/.agents"))
        }
    }

    @Test func theUserKeepsItsUidAndGetsNoCapability() throws {
        let outcome = try attemptAsNobody([], "status")
        #expect(outcome.stdout.contains("Uid:\t65534\t65534\t65534\t65534"), "\(outcome)")
        #expect(outcome.stdout.contains("CapEff:\t0000000000000000"))
        #expect(outcome.stdout.contains("CapBnd:\t0000000000000000"))
        #expect(outcome.stdout.contains("NoNewPrivs:\t1"))
    }

    @Test func aNestedUserNamespaceAndTheNetworkStayClosed() throws {
        // Inside a user namespace its owner holds every capability, so this is what seccomp is for.
        #expect(try attemptAsNobody([], "unshare-user").result == "EPERM")
        #expect(try attemptAsNobody([], "mount", "/tmp").result == "EPERM")
        #expect(try attemptAsNobody([], "tcp", "10.0.0.1", "80").result == "ENETUNREACH")
    }

    @Test func aSetuidRootBinaryGivesNoRoot() throws {
        try withTemporaryDirectory { dir in
            chmod(dir, 0o755)
            let suid = dir + "/suid-probe"
            try FileManager.default.copyItem(atPath: Built.probe, toPath: suid)
            try #require(chown(suid, 0, 0) == 0 && chmod(suid, 0o4755) == 0, "cannot make a setuid-root copy")
            // The control: outside the sandbox the same binary makes uid 65534 effectively root.
            let plain = try spawn(asNobody([suid, "status"]))
            try #require(plain.stdout.contains("Uid:\t65534\t0\t0\t0"), "the host mounts \(dir) nosuid; no control possible: \(plain)")
            // Inside, no_new_privs and nosuid mounts keep every uid at 65534.
            let confined = try spawn(asNobody([Built.confine, "--report-fd", "3", "--", suid, "status"]))
            #expect(confined.stdout.contains("Uid:\t65534\t65534\t65534\t65534"), "\(confined)")
            #expect(confined.stdout.contains("CapEff:\t0000000000000000"))
        }
    }
}
