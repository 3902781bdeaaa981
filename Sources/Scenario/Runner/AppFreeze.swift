import Processes
import Sandbox

/// The launched apps held still (cgroup v2 freeze) while a person decides about an action, so
/// nothing they do happens behind the question's back; `thaw` lets them go on.
///
/// Freezing is best effort: where an app has no cgroup v2 (degraded sandbox, hybrid host) it keeps
/// running, and `description` says so for the approval event.
struct AppFreeze: CustomStringConvertible {
    /// The apps frozen, by name.
    private(set) var frozen: [String] = []
    /// Apps that could not be frozen, with why.
    private(set) var notFrozen: [String] = []
    private var cgroups: [RunCgroup] = []

    /// Freezes every app in launched that is still running.
    init(_ launched: [(app: String, process: SandboxedProcess)]) {
        for (app, process) in launched where process.process.exitStatus() == nil {
            guard let cgroup = process.cgroup, cgroup.canFreeze else {
                notFrozen.append("\(app) (no cgroup v2 freezer here)")
                continue
            }
            // Thawed even when the kernel did not report it frozen in time: a partial freeze is undone too.
            cgroups.append(cgroup)
            if cgroup.freeze() {
                frozen.append(app)
            } else {
                notFrozen.append("\(app) (the kernel did not report it frozen in time)")
            }
        }
    }

    /// Lets every frozen app go on.
    func thaw() {
        for cgroup in cgroups { cgroup.thaw() }
    }

    /// `fixture, counter`, `none launched`, or which apps kept running and why.
    var description: String {
        if frozen.isEmpty && notFrozen.isEmpty { return "none running" }
        var parts: [String] = []
        if !frozen.isEmpty { parts.append(frozen.joined(separator: ", ")) }
        if !notFrozen.isEmpty { parts.append("not frozen: " + notFrozen.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
