import Foundation
import Glibc
import Testing

/// Everything a run starts ends with it, and a fork bomb stops at the cgroup's pids.max.
@Suite("Lifetime and limits", .timeLimit(.minutes(2)))
struct LifetimeTests {
    @Test func theExitStatusIsTheCommandsOwn() throws {
        #expect(try spawn([Built.confine, "--", "/bin/sh", "-c", "exit 42"]).status == 42)
        #expect(try spawn([Built.confine, "--", "/bin/sh", "-c", "kill -TERM $$"]).status == 128 + SIGTERM)
    }

    @Test func aDoubleForkedDaemonDiesWithTheRun() throws {
        // The daemon holds stdout and sleeps 30 s: reading stdout to its end returns early only
        // because PID 1 of the namespace exited and the kernel killed the rest.
        let start = Date()
        let outcome = try attempt([], "daemon")
        #expect(outcome.result == "OK", "\(outcome)")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func termIsForwardedToTheCommand() throws {
        let outcome = try spawn([Built.confine, "--", "/bin/sleep", "30"]) { pid in
            usleep(300_000)
            kill(pid, SIGTERM)
        }
        #expect(outcome.status == 128 + SIGTERM, "\(outcome)")
    }

    @Test func killingTheHelperKillsTheSandbox() throws {
        // The parent-death signal: PID 1 of the namespace dies with the helper, and the rest
        // with it, so stdout reaches its end long before the 30 s sleep would.
        let start = Date()
        let outcome = try spawn([Built.confine, "--", "/bin/sh", "-c", "sleep 30"]) { pid in
            usleep(300_000)
            kill(pid, SIGKILL)
        }
        #expect(outcome.status == 128 + SIGKILL)
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test(.enabled(if: Features.pidsCgroupParent != nil, "no writable cgroup with the pids controller (v2 with pids enabled, or v1 /sys/fs/cgroup/pids); run as root on a host that has one"))
    func aForkBombStopsAtPidsMax() throws {
        try withPidsCgroup { cgroup throws in
            let outcome = try attempt(["--cgroup", cgroup, "--pids-max", "16"], "fork-bomb")
            #expect(outcome.result == "EAGAIN", "\(outcome)")
            let events = try String(contentsOfFile: cgroup + "/pids.events", encoding: .utf8)
            #expect(events.hasPrefix("max ") && events != "max 0\n", "\(events)")
            let left = try String(contentsOfFile: cgroup + "/cgroup.procs", encoding: .utf8)
            #expect(left.isEmpty, "processes left in the cgroup: \(left)")
        }
    }

    @Test(.enabled(if: Features.pidsCgroupParent != nil, "no writable cgroup with the pids controller (v2 with pids enabled, or v1 /sys/fs/cgroup/pids); run as root on a host that has one"))
    func theDaemonLeavesNothingInTheCgroup() throws {
        try withPidsCgroup { cgroup throws in
            #expect(try attempt(["--cgroup", cgroup], "daemon").result == "OK")
            let left = try String(contentsOfFile: cgroup + "/cgroup.procs", encoding: .utf8)
            #expect(left.isEmpty, "processes left in the cgroup: \(left)")
        }
    }

    @Test func rlimitsReachTheCommand() throws {
        let outcome = try spawn([Built.confine, "--rlimit", "nofile=64", "--", "/bin/sh", "-c", "ulimit -n"])
        #expect(outcome.stdout == "64\n", "\(outcome)")
    }
}
