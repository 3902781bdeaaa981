import Foundation
import Glibc
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
}
