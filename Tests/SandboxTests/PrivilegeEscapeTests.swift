import Foundation
import Glibc
import Testing

/// What a confined process may no longer do to the kernel, to other processes or to itself:
/// capabilities, no_new_privs and the seccomp deny-list, each attempt against the real kernel.
@Suite("Privilege escapes", .timeLimit(.minutes(2)))
struct PrivilegeEscapeTests {
    @Test func everyCapabilityIsGoneAndNoNewPrivsIsSet() throws {
        let outcome = try attempt([], "status")
        let fields = Dictionary(
            outcome.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: ":", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)) : nil
            }, uniquingKeysWith: { a, _ in a })
        for cap in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] {
            #expect(fields[cap] == "0000000000000000", "\(cap) in \(outcome)")
        }
        #expect(fields["NoNewPrivs"] == "1")
        #expect(fields["Seccomp"] == "2")
    }

    @Test func theSeccompDenyListAnswersEPERM() throws {
        #expect(try attempt([], "ptrace", "1").result == "EPERM")
        #expect(try attempt([], "unshare-user").result == "EPERM")
        #expect(try attempt([], "clone-user").result == "EPERM")
        #expect(try attempt([], "bpf").result == "EPERM")
        #expect(try attempt([], "mount", "/tmp").result == "EPERM")
        #expect(try attempt([], "umount", "/proc").result == "EPERM")
        #expect(try attempt([], "tiocsti").result == "EPERM")
    }

    @Test func clone3AnswersENOSYSAndPlainForksStillWork() throws {
        #expect(try attempt([], "clone3").result == "ENOSYS")
        // posix_spawn and fork fall back to clone, which is allowed without CLONE_NEWUSER.
        let outcome = try spawn([Built.confine, "--", "/bin/sh", "-c", "/bin/true && echo forked"])
        #expect(outcome.stdout == "forked\n", "\(outcome)")
    }

    @Test(.enabled(if: Features.root, "the controls need root"))
    func theControlsSucceedUnconfined() throws {
        // The same attempts work without the helper, so the answers above come from the sandbox.
        #expect(try unconfined("unshare-user").result == "OK")
        #expect(try unconfined("clone3").result == "OK")
        #expect(try unconfined("bpf").result == "OK")
        #expect(try unconfined("tiocsti").result == "OK")
        #expect(try unconfined("raw").result == "OK")
    }

    @Test func processesOutsideThePIDNamespaceCannotBeReached() throws {
        // foredesk itself (this test process) does not exist in the sandbox's PID namespace.
        let me = "\(getpid())"
        #expect(try attempt([], "kill", me).result == "ESRCH")
        #expect(try attempt([], "ptrace", me).result == "EPERM")
    }

    @Test func descriptorsLeakedByTheCallerAreClosed() throws {
        let leaked = try spawn([Built.probe, "leak-fd", "/etc/hostname", Built.probe, "fds"])
        // The control: the probe inherits 9, and whatever else the test runner left open.
        #expect(leaked.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains("9"), "\(leaked)")
        let confined = try spawn([Built.probe, "leak-fd", "/etc/hostname", Built.confine, "--", Built.probe, "fds"])
        #expect(confined.stdout == "0 1 2\n", "\(confined)")
        let kept = try spawn([
            Built.probe, "leak-fd", "/etc/hostname", Built.confine, "--keep-fd", "9", "--", Built.probe, "fds",
        ])
        #expect(kept.stdout == "0 1 2 9\n", "\(kept)")
    }
}
