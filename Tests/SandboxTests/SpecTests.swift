import Foundation
import Testing

/// The spec is foredesk-confine's argument list: a bad one is one line on stderr and exit 2,
/// before anything is applied or run.
@Suite("The confinement spec", .timeLimit(.minutes(1)))
struct SpecTests {
    @Test(arguments: [
        (["--rw", "relative", "--", "/bin/true"], "--rw needs an absolute path"),
        (["--protect", "/a/../b", "--", "/bin/true"], "--protect needs an absolute path"),
        (["--network", "proxy", "--", "/bin/true"], "--network takes off or on"),
        (["--allow-degraded", "seccomp", "--", "/bin/true"], "--allow-degraded takes landlock or cgroup"),
        (["--pids-max", "10", "--", "/bin/true"], "--pids-max needs --cgroup"),
        (["--pids-max", "ten", "--cgroup", "/x", "--", "/bin/true"], "--pids-max needs a number"),
        (["--rlimit", "bogus=1", "--", "/bin/true"], "--rlimit: unknown limit"),
        (["--frobnicate", "1", "--", "/bin/true"], "unknown option"),
        (["--rw", "/tmp"], "no command"),
        (["/bin/true"], "expected an option or --"),
        (["--rw"], "missing value after"),
    ])
    func aBadSpecIsOneLineAndExit2(arguments: [String], message: String) throws {
        let outcome = try spawn([Built.confine] + arguments)
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.stderr.hasPrefix("foredesk-confine: " + message), "\(outcome.stderr)")
        #expect(outcome.stderr.filter { $0 == "\n" }.count == 1)
        #expect(outcome.stdout.isEmpty)
    }

    @Test func helpTeachesTheOptionsTheLayersAndTheExitCodes() throws {
        let outcome = try spawn([Built.confine, "--help"])
        #expect(outcome.status == 0)
        for word in ["--rw DIR", "--protect PATH", "--tmpfs DIR", "--network off|on", "--display-socket PATH",
                     "--cgroup DIR", "--pids-max N", "--rlimit NAME=N", "--report-fd N", "--keep-fd N",
                     "--allow-degraded LAYER", "failed step=STEP errno=N", "Layers, in order", "125", "127"] {
            #expect(outcome.stdout.contains(word), "\(word)")
        }
    }

    @Test func aMissingCommandIs127AndReported() throws {
        let outcome = try spawn([Built.confine, "--report-fd", "3", "--", "/nonexistent/command"])
        #expect(outcome.status == 127)
        #expect(outcome.report == "failed step=exec errno=2 name=ENOENT\n")
    }

    @Test func aMissingWritableRootRefusesToRun() throws {
        let outcome = try spawn([Built.confine, "--rw", "/nonexistent/root", "--report-fd", "3", "--", "/bin/true"])
        #expect(outcome.status == 125)
        #expect(outcome.report == "failed step=resolve errno=2 name=ENOENT\n")
        #expect(outcome.stderr.contains("/nonexistent/root"))
    }

    @Test func aRunThatStartsReportsNothing() throws {
        let outcome = try spawn([Built.confine, "--report-fd", "3", "--", "/bin/echo", "hello"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "hello\n")
        #expect(outcome.report.isEmpty)
        #expect(outcome.stderr.isEmpty)
    }
}
