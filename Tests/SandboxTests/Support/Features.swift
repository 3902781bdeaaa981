import CSandbox
import Foundation
import Glibc

/// What this machine offers the sandbox tests; a test that needs a missing feature is skipped with
/// the reason, never silently passed.
enum Features {
    /// The kernel's Landlock ABI, or a negative errno.
    static let landlockABI = csbx_landlock_abi()

    static let landlock = landlockABI > 0

    static let root = geteuid() == 0

    /// The uid the unprivileged tests run as.
    static let nobody: uid_t = 65534

    /// Whether root can start the built helper as `nobody` with setpriv (the build folder must be
    /// reachable, and user namespaces must be allowed).
    static let canRunAsNobody: Bool = {
        guard root, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return false }
        guard let outcome = try? spawn(asNobody([Built.probe, "status"])) else { return false }
        return outcome.stdout.contains("Uid:\t\(nobody)\t")
    }()

    /// A cgroup folder with the pids controller in which the tests may create a child, or nil:
    /// cgroup v2 where pids is already enabled for children, else the v1 pids hierarchy.
    static let pidsCgroupParent: String? = {
        for v2 in ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"] {
            let control = (try? String(contentsOfFile: v2 + "/cgroup.subtree_control", encoding: .utf8)) ?? ""
            if control.split(separator: " ").contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "pids" }),
               access(v2, W_OK) == 0 {
                return v2
            }
        }
        let v1 = "/sys/fs/cgroup/pids"
        return access(v1 + "/cgroup.procs", W_OK) == 0 ? v1 : nil
    }()
}

/// argv run as `nobody` (uid and gid 65534, no supplementary groups) through setpriv.
func asNobody(_ argv: [String]) -> [String] {
    ["/usr/bin/setpriv", "--reuid=\(Features.nobody)", "--regid=\(Features.nobody)", "--clear-groups", "--"] + argv
}

/// A fresh child cgroup under Features.pidsCgroupParent for body; removed afterwards.
func withPidsCgroup(_ body: (String) throws -> Void) throws {
    guard let parent = Features.pidsCgroupParent else { throw SpawnError.failed("no pids cgroup", ENOENT) }
    let path = parent + "/foredesk-sandbox-test-" + UUID().uuidString
    guard mkdir(path, 0o755) == 0 else { throw SpawnError.failed("mkdir " + path, errno) }
    defer {
        // The last processes may still be leaving the cgroup; rmdir answers EBUSY until they have.
        for _ in 0..<100 where rmdir(path) != 0 && errno == EBUSY { usleep(20_000) }
    }
    try body(path)
}
