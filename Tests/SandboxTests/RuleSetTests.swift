import CSandbox
import Glibc
import Testing

/// The seccomp program and the Landlock rights are pure values, checked here without the kernel.
@Suite("Rule sets built without the kernel")
struct RuleSetTests {
    #if arch(x86_64)
    static let read: Int32 = 0
    static let foreignArch: UInt32 = 0x4000_0003  // AUDIT_ARCH_I386, reached through int 0x80
    #elseif arch(arm64)
    static let read: Int32 = 63
    static let foreignArch: UInt32 = 0x4000_0028  // AUDIT_ARCH_ARM
    #endif

    let program = seccompProgram()

    @Test func everyDenyListedCallFailsWithItsErrno() throws {
        let rules = seccompRules()
        #expect(rules.count >= 30)
        for rule in rules where rule.argument < 0 {
            #expect(
                evaluate(program, SystemCall(Int32(rule.number))) == .errno(Int32(rule.error)),
                "\(String(cString: rule.name))")
        }
        for name in ["ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "move_mount",
                     "open_tree", "fsopen", "fsmount", "fsconfig", "bpf", "perf_event_open", "kexec_load",
                     "kexec_file_load", "init_module", "finit_module", "delete_module", "keyctl", "add_key",
                     "request_key", "setns", "io_uring_setup", "io_uring_enter", "io_uring_register"] {
            let number = try #require(syscallNumber(name), "\(name) is missing from the deny-list")
            #expect(evaluate(program, SystemCall(number)) == .errno(EPERM), "\(name)")
        }
    }

    @Test func clone3FailsWithENOSYSSoThatLibcFallsBackToClone() throws {
        let clone3 = try #require(syscallNumber("clone3"))
        #expect(evaluate(program, SystemCall(clone3)) == .errno(ENOSYS))
    }

    @Test func newUserNamespacesAreDeniedAndOtherFlagsAllowed() throws {
        let unshare = try #require(syscallNumber("unshare"))
        let clone = try #require(syscallNumber("clone"))
        // sched.h's values, spelled out: the Glibc module hides the CLONE_ flags.
        let newUser: UInt64 = 0x1000_0000
        let newNet: UInt64 = 0x4000_0000
        let newNS: UInt64 = 0x0002_0000
        #expect(evaluate(program, SystemCall(unshare, newUser)) == .errno(EPERM))
        #expect(evaluate(program, SystemCall(unshare, newUser | newNet)) == .errno(EPERM))
        #expect(evaluate(program, SystemCall(unshare, newNS)) == .allow)
        #expect(evaluate(program, SystemCall(clone, UInt64(SIGCHLD))) == .allow)
        #expect(evaluate(program, SystemCall(clone, newUser | UInt64(SIGCHLD))) == .errno(EPERM))
    }

    @Test func terminalInjectionIoctlsAreDeniedOnTheirLow32Bits() throws {
        let ioctl = try #require(syscallNumber("ioctl"))
        let tiocsti: UInt64 = 0x5412
        let tioclinux: UInt64 = 0x541C
        #expect(evaluate(program, SystemCall(ioctl, 0, tiocsti)) == .errno(EPERM))
        #expect(evaluate(program, SystemCall(ioctl, 0, tioclinux)) == .errno(EPERM))
        // The kernel reads the request as an unsigned int: high bits must not smuggle it past.
        #expect(evaluate(program, SystemCall(ioctl, 0, 0x1_0000_0000 | tiocsti)) == .errno(EPERM))
        #expect(evaluate(program, SystemCall(ioctl, 0, 0x5401)) == .allow)  // TCGETS
    }

    @Test func ordinaryCallsAreAllowed() {
        #expect(evaluate(program, SystemCall(Self.read)) == .allow)
    }

    @Test func foreignArchitecturesAndX32AreKilled() {
        #expect(evaluate(program, SystemCall(Self.read, arch: Self.foreignArch)) == .killProcess)
        #if arch(x86_64)
        #expect(evaluate(program, SystemCall(0x4000_0000 | Self.read)) == .killProcess)
        #endif
    }

    @Test func buildingIntoTooSmallABufferWritesNothing() {
        var small = [sock_filter](repeating: sock_filter(), count: 8)
        #expect(csbx_seccomp_build(&small, small.count) == 0)
        #expect(program.count > 8 && program.count <= Int(CSBX_SECCOMP_MAX_INSTRUCTIONS))
    }

    @Test func landlockRightsGrowWithTheABI() {
        let expected: [(abi: Int32, fs: UInt64, scoped: UInt64, size: Int)] = [
            (1, 0x1fff, 0, 8), (2, 0x3fff, 0, 8), (3, 0x7fff, 0, 8), (4, 0x7fff, 0, 16),
            (5, 0xffff, 0, 16), (6, 0xffff, 0x3, 24), (7, 0xffff, 0x3, 24), (99, 0xffff, 0x3, 24),
        ]
        for row in expected {
            let rights = csbx_landlock_rights_for(row.abi, 1)
            #expect(rights.handled.handled_access_fs == row.fs, "ABI \(row.abi)")
            #expect(rights.handled.handled_access_net == 0, "network off is a namespace, not TCP rules")
            #expect(rights.handled.scoped == row.scoped, "ABI \(row.abi)")
            #expect(csbx_landlock_attr_size(row.abi) == row.size, "ABI \(row.abi)")
            #expect(rights.write == row.fs)
            #expect(rights.read == 0x1 | 0x4 | 0x8)  // execute, read file, read dir
        }
        #expect(csbx_landlock_rights_for(0, 1).handled.handled_access_fs == 0)
    }

    @Test func abstractSocketScopingOnlyWhenAsked() {
        #expect(csbx_landlock_rights_for(6, 0).handled.scoped == 0x2)  // signals only
        #expect(csbx_landlock_rights_for(6, 1).handled.scoped == 0x3)
    }

    @Test func rulesOnFilesNameOnlyFileRights() {
        // A rule on /dev/null with a directory right fails with EINVAL: those must be masked off.
        let rights = csbx_landlock_rights_for(7, 1)
        let fileRights: UInt64 = 0x1 | 0x2 | 0x4 | 0x4000 | 0x8000
        #expect(csbx_landlock_rule_access(rights.write, rights.handled.handled_access_fs, 0) == fileRights)
        #expect(csbx_landlock_rule_access(rights.write, rights.handled.handled_access_fs, 1) == 0xffff)
        #expect(csbx_landlock_rule_access(rights.device, rights.handled.handled_access_fs, 0) == 0x2 | 0x4 | 0x4000 | 0x8000)
        // Never more than the ruleset handles (an older ABI has no TRUNCATE or IOCTL_DEV).
        let old = csbx_landlock_rights_for(2, 0)
        #expect(csbx_landlock_rule_access(0xffff, old.handled.handled_access_fs, 0) == 0x7)
    }
}
