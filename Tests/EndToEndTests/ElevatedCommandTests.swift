import Foundation
import Glibc
import Sandbox
import TestSupport
import Testing

/// `foredesk sandbox setup | status | teardown` and `foredesk exec --as`, run as a user would.
///
/// The cycle test changes machine-wide state (fixed account names), so it holds the same lock as
/// SandboxTests' elevated suite and tears down in a defer; see ElevatedModeTests.
@Suite("Elevated mode from the command line", .serialized, .timeLimit(.minutes(3)))
struct ElevatedCommandTests {
    static let root = geteuid() == 0
    static let rootReason: Comment = "needs root to switch to another user with setpriv and to install elevated mode (CI runs as root)"

    @Test func anUnknownIdentityIsAUsageError() throws {
        let result = try foredesk(["exec", "--as", "admin", "--", "true"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--as takes self, offline or online (got 'admin')"), "\(result.stderr)")
    }

    @Test(.enabled(if: root && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), rootReason))
    func withoutRootEachStepSaysToUseSudo() throws {
        let setup = try foredeskAsNobody(["sandbox", "setup"])
        #expect(setup.status == 1)
        #expect(setup.stderr == "foredesk: error: sandbox setup needs root: run it with sudo\n", "\(setup.stderr)")
        let teardown = try foredeskAsNobody(["sandbox", "teardown"])
        #expect(teardown.stderr == "foredesk: error: sandbox teardown needs root: run it with sudo\n", "\(teardown.stderr)")
        let exec = try foredeskAsNobody(["exec", "--no-workspace", "--as", "offline", "--", "true"])
        #expect(exec.status == 125)
        #expect(exec.stderr == "foredesk: error: running a command as foredesk-offline needs root: run it with sudo\n", "\(exec.stderr)")
        let status = try foredeskAsNobody(["sandbox", "status"])
        #expect(status.status == 1)
        #expect(status.stdout.contains("only root can read the firewall"), "\(status.stdout)")
    }

    @Test(.enabled(if: root && Cgroups.writable && elevatedToolsPresent, rootReason))
    func setupExecAsOfflineAndTeardown() throws {
        try withElevatedLock {
            let before = try foredesk(["sandbox", "status"])
            if before.status == 0 || !before.stdout.contains("elevated mode is not installed") {
                try Test.cancel("elevated mode is already installed on this machine and the test would tear it down; run sudo foredesk sandbox teardown to test")
            }
            defer { _ = try? ElevatedSetup().teardown() }
            try withTemporaryDirectory { dir in
                chmod(dir, 0o755)
                let ws = dir + "/ws"
                try FileManager.default.createDirectory(atPath: ws + "/.git/hooks", withIntermediateDirectories: true)
                let probe = BuiltProducts.path("sandbox-probe")
                let listener = try Listener()

                let notYet = try foredesk(["exec", "--workspace", ws, "--as", "offline", "--", "true"])
                #expect(notYet.status == 125)
                #expect(notYet.stderr.contains("elevated mode is not set up (group foredesk-write is missing): run sudo foredesk sandbox setup"), "\(notYet.stderr)")

                let setup = try foredesk(["sandbox", "setup"])
                #expect(setup.status == 0, "\(setup.stderr)")
                #expect(setup.stdout.contains("created user foredesk-offline"))
                let status = try foredesk(["sandbox", "status"])
                #expect(status.status == 0, "\(status.stdout)")
                #expect(status.stdout.contains("ok   firewall"))

                // The control: the caller with the host's network reaches the listener. --shared-tmp
                // keeps the probe visible when the checkout itself lies under /tmp.
                let caller = try foredesk(["exec", "--workspace", ws, "--shared-tmp", "--network", "on", "--", probe, "tcp", "127.0.0.1", "\(listener.port)"])
                #expect(caller.stdout == "OK\n", "\(caller.stderr)")
                let offline = try foredesk([
                    "exec", "--workspace", ws, "--shared-tmp", "--network", "on", "--as", "offline", "--",
                    "/bin/sh", "-c", "id -un; echo hi > \(ws)/made && echo wrote; echo x > \(ws)/.git/hooks/pre-commit 2>/dev/null || echo hook-refused; exec \(probe) tcp 127.0.0.1 \(listener.port)",
                ])
                #expect(offline.status == 0, "\(offline.stderr)")
                #expect(offline.stdout == "foredesk-offline\nwrote\nhook-refused\nEHOSTUNREACH\n", "\(offline.stderr)")
                #expect(try foredesk(["sandbox", "status"]).stdout.contains("granted \(ws)"))

                let teardown = try foredesk(["sandbox", "teardown"])
                #expect(teardown.status == 0, "\(teardown.stderr)")
                #expect(teardown.stdout.contains("revoked foredesk-write's access to \(ws)"))
                #expect(teardown.stdout.contains("removed table inet foredesk"))
                let after = try foredesk(["sandbox", "status"])
                #expect(after.status == 1)
                #expect(after.stdout.contains("elevated mode is not installed"), "\(after.stdout)")
                #expect(getpwnam("foredesk-offline") == nil && getgrnam("foredesk-write") == nil)
            }
        }
    }
}

/// foredesk run as uid and gid 65534 with no groups.
private func foredeskAsNobody(_ arguments: [String]) throws -> CommandResult {
    try foredesk(arguments, launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"])
}

private let elevatedToolsPresent = ["nft", "useradd", "usermod", "userdel", "groupadd", "groupdel", "setfacl", "getfacl"].allSatisfy { tool in
    ["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"].contains { access($0 + tool, X_OK) == 0 }
}

/// Holds the machine-wide lock every test changing elevated mode takes (TestSupport's `ElevatedMode`).
private func withElevatedLock(_ body: () throws -> Void) throws {
    try ElevatedMode.withLock(body)
}

/// A TCP listener on 127.0.0.1 and a free port.
private final class Listener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}
