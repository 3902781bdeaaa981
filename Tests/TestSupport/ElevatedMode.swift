import Foundation
public import Sandbox
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Elevated mode in tests. Its account names are fixed by the design, so the whole machine is
/// shared state: every test that installs it holds one machine-wide lock (other checkouts may run
/// their tests at the same time) and tears it down afterwards.
public enum ElevatedMode {
    /// The administration tools setup and teardown need.
    public static let tools = ["nft", "useradd", "usermod", "userdel", "groupadd", "groupdel", "setfacl", "getfacl"]

    /// Why this machine cannot install elevated mode, nil when it can: root, the tools, and an
    /// nft that reads the firewall.
    public static let unavailable: String? = {
        guard geteuid() == 0 else { return "needs root to create accounts and firewall rules (CI runs as root)" }
        let lacking = tools.filter { tool in !["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"].contains { access($0 + tool, X_OK) == 0 } }
        if !lacking.isEmpty { return "missing \(lacking.joined(separator: ", ")): tools/setup installs nftables, acl and passwd" }
        let nft = Process()
        nft.executableURL = URL(fileURLWithPath: "/usr/sbin/nft")
        nft.arguments = ["list", "tables"]
        nft.standardOutput = FileHandle.nullDevice
        nft.standardError = FileHandle.nullDevice
        guard (try? nft.run()) != nil else { return "nft cannot run here" }
        nft.waitUntilExit()
        guard nft.terminationStatus == 0 else {
            return "nft cannot read the firewall here (no nf_tables in this kernel, or no CAP_NET_ADMIN)"
        }
        return nil
    }()

    /// Runs body holding the machine-wide lock every test that changes elevated mode takes.
    public static func withLock<T>(_ body: () throws -> T) throws -> T {
        let path = FileManager.default.fileExists(atPath: "/run/lock") ? "/run/lock/foredesk-elevated-tests.lock" : "/tmp/foredesk-elevated-tests.lock"
        let lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        return try body()
    }

    /// Installs elevated mode for body and tears it down afterwards, even when body fails, holding
    /// the lock. When elevated mode was there before it is left as is: with reusing, body runs with
    /// it when it is fully installed; otherwise the test is cancelled, saying so.
    public static func withInstalled<T>(reusing: Bool = false, _ body: (ElevatedSetup) throws -> T) throws -> T {
        try withLock {
            let setup = ElevatedSetup()
            let before = setup.status()
            if reusing && before.installed { return try body(setup) }
            if !before.absent {
                try Test.cancel(
                    "elevated mode is already installed on this machine (foredesk sandbox status) and the test would tear it down; run sudo foredesk sandbox teardown to test")
            }
            defer {
                do {
                    try setup.teardown()
                } catch {
                    Issue.record("teardown failed, the machine keeps elevated mode: \(error)")
                }
            }
            try setup.setup()
            return try body(setup)
        }
    }
}
