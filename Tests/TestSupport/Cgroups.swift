import Foundation
import Sandbox
public import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Whether this machine lets the tests create run cgroups (root with a writable cgroup file system).
public enum Cgroups {
    /// True when a run cgroup could be created and removed just now.
    public static let writable: Bool = {
        guard let probe = RunCgroup.create(name: "test-probe-\(getpid())-\(UUID().uuidString.prefix(8))") else { return false }
        probe.remove()
        return true
    }()

    /// Why the tests that need them skip.
    public static let reason: Comment = "no writable cgroup hierarchy (needs root and a writable cgroup file system); CI runs as root"
}
