import Foundation
import Glibc
import Testing

/// A layer this machine lacks makes the run refuse, naming the step and the errno, unless the
/// spec allows doing without it; then the run says so. Landlock is made unavailable the way a
/// kernel without it would be: the probe's `no-landlock` wrapper installs a seccomp filter that
/// answers ENOSYS to the Landlock system calls, and execs the helper under it.
@Suite("Degraded layers", .timeLimit(.minutes(2)))
struct DegradationTests {
    func withoutLandlock(_ options: [String], _ probeArguments: String...) throws -> Outcome {
        try spawn(
            [Built.probe, "no-landlock", Built.confine] + options + ["--report-fd", "3", "--", Built.probe]
                + probeArguments)
    }

    @Test func missingLandlockRefusesWithTheStepNamed() throws {
        try withWorkspace { ws throws in
            let outcome = try withoutLandlock(ws.options, "write", ws.root + "/new")
            #expect(outcome.status == 125, "\(outcome)")
            #expect(outcome.report == "failed step=landlock errno=38 name=ENOSYS\n")
            #expect(outcome.stderr.contains("--allow-degraded landlock"))
            #expect(outcome.stdout.isEmpty, "the command must not have run")
            #expect(!FileManager.default.fileExists(atPath: ws.root + "/new"))
        }
    }

    @Test func allowedDegradingIsReportedAndTheMountNamespaceStillHolds() throws {
        try withWorkspace { ws throws in
            let options = ws.options + ["--allow-degraded", "landlock"]
            let outside = try withoutLandlock(options, "write", ws.outside + "/new")
            #expect(outside.report == "degraded layer=landlock step=landlock errno=38 name=ENOSYS\n")
            #expect(outside.stderr.contains("running without landlock"))
            #expect(outside.result == "EROFS", "\(outside)")
            #expect(try withoutLandlock(options, "write", ws.git + "/config").result == "EROFS")
            #expect(try withoutLandlock(options, "write", ws.root + "/new").result == "OK")
            // What Landlock alone stopped now goes through: the degradation is real, not cosmetic.
            let reader = open(ws.outside + "/fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            defer { close(reader) }
            #expect(try withoutLandlock(options, "open-write", ws.outside + "/fifo").result == "OK")
            // Host devices stay out of reach without Landlock: /dev is a fresh one.
            #expect(try withoutLandlock(options, "open-write", "/dev/kmsg").result == "ENOENT")
        }
    }

    @Test func aCgroupThatCannotBeJoinedRefusesUnlessAllowed() throws {
        let missing = "/sys/fs/cgroup/foredesk-sandbox-test-missing-" + UUID().uuidString
        let refused = try attempt(["--cgroup", missing], "status")
        #expect(refused.status == 125)
        #expect(refused.report == "failed step=cgroup errno=2 name=ENOENT\n")
        #expect(refused.stdout.isEmpty)
        let degraded = try attempt(["--cgroup", missing, "--allow-degraded", "cgroup"], "status")
        #expect(degraded.report == "degraded layer=cgroup step=cgroup errno=2 name=ENOENT\n")
        #expect(degraded.stdout.contains("NoNewPrivs:\t1"), "\(degraded)")
    }
}
