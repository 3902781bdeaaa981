internal import CSandbox
import Processes

#if canImport(Glibc)
    import Glibc
#endif

/// What this kernel and machine offer the sandbox, found by probing and by one real confined run.
public struct SandboxCheck: Sendable {
    /// One line of the check.
    public struct Item: Sendable, Equatable {
        public var name: String
        /// Whether foredesk can use it.
        public var available: Bool
        public var detail: String
    }

    public let items: [Item]
    /// A confined `true` ran with every layer applied.
    public var fullyConfined: Bool { items.allSatisfy(\.available) }

    /// Probes the kernel and runs a confined `true` (a few milliseconds).
    public static func run(helper: String = HelperLocation.path) -> SandboxCheck {
        var items: [Item] = []
        let abi = Int(csbx_landlock_abi())
        items.append(
            Item(
                name: "landlock", available: abi > 0,
                detail: abi > 0 ? "ABI \(abi)" : "missing: the filesystem policy would rest on the mount namespace alone"))
        let root = geteuid() == 0
        items.append(
            Item(name: "identity", available: true,
                 detail: root ? "root: namespaces without a user namespace" : "uid \(geteuid()): needs unprivileged user namespaces"))
        let cgroup = RunCgroup.create(name: "check-\(getpid())")
        items.append(
            Item(
                name: "cgroup", available: cgroup != nil,
                detail: cgroup.map { "run cgroups in \($0.directories.joined(separator: ", "))" + ($0.canFreeze ? "; freeze works" : "; no freeze (cgroup v1 only)") }
                    ?? "no writable cgroup hierarchy: a run's daemons could outlive it"))
        cgroup?.remove()
        do {
            let probe = try SandboxedProcess(
                ["/bin/true"], confinement: Confinement(allowDegraded: Set(DegradableLayer.allCases)), output: .discard,
                helper: helper)
            let status = probe.wait(timeout: .seconds(10))
            let degraded = probe.report.degraded.map { "\($0.layer ?? $0.step) (\($0.errnoName))" }
            items.append(
                Item(
                    name: "confined run", available: status == 0 && degraded.isEmpty,
                    detail: status == 0
                        ? (degraded.isEmpty ? "every layer applied" : "ran without " + degraded.joined(separator: ", "))
                        : "the confined command exited with \(status.map(String.init) ?? "no status")"))
        } catch {
            items.append(Item(name: "confined run", available: false, detail: error.description))
        }
        return SandboxCheck(items: items)
    }
}
