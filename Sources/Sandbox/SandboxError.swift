public import Processes

/// Why a confined process could not start; each message says what happened and what to do.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The confinement helper is not where foredesk looks for it.
    case helperMissing(String)
    /// The confinement is malformed (relative paths, bad limits).
    case invalidConfinement([String])
    /// A layer could not be applied and the policy does not allow running without it.
    case layerFailed(step: String, errno: Int32, name: String)
    /// Every layer was applied, but the command itself cannot be executed (missing, not executable).
    case cannotExecute(command: String, name: String)
    /// The run's cgroup could not be created.
    case cgroup(String)
    /// The helper itself could not be started.
    case launch(ProcessError)
    /// The helper ended without saying why.
    case helperFailed(status: Int32, detail: String)

    public var description: String {
        switch self {
        case let .helperMissing(path):
            "the confinement helper foredesk-confine is missing at \(path) — build the whole package (swift build)"
        case let .invalidConfinement(errors):
            "invalid confinement: " + errors.joined(separator: "; ")
        case let .layerFailed(step, _, name):
            "refusing to run: the \(step) layer could not be applied (\(name)) — \(Self.advice(for: step))"
        case let .cannotExecute(command, name):
            "cannot run \(command): " + (name == "ENOENT" ? "no such file (inside the sandbox's view)" : "\(name)")
        case let .cgroup(message):
            message
        case let .launch(error):
            error.description
        case let .helperFailed(status, detail):
            "the confinement helper failed with status \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        }
    }

    /// What a user can do about a failed step.
    static func advice(for step: String) -> String {
        switch step {
        case "landlock":
            "this kernel lacks Landlock (needs Linux 5.13 with CONFIG_SECURITY_LANDLOCK and lsm=landlock); allow degrading it only if the mount namespace alone is enough"
        case "userns", "uid-map", "gid-map":
            "user namespaces are not available to this user (Ubuntu restricts them with AppArmor); run as root, or allow them"
        case "cgroup", "pids-max":
            "the run's cgroup cannot be joined; run as root on a machine with writable cgroups, or allow degrading cgroup"
        case "seccomp":
            "seccomp filters are unavailable; foredesk never runs without them"
        default:
            "see `foredesk sandbox check` for what this machine supports"
        }
    }
}
