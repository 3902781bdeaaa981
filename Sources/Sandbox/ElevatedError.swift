/// Why an elevated-mode step could not be done; each message is one line saying what to do.
public enum ElevatedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step changes accounts, the firewall or ACLs, which only root may do.
    case notRoot(action: String)
    /// An administration program is not installed.
    case toolMissing(tool: String, package: String)
    /// An administration program ran and failed.
    case toolFailed(command: String, status: Int32, output: String)
    /// Elevated mode is not (fully) set up: what is missing.
    case notSetUp(String)
    /// A folder above a writable root lets the sandbox accounts not search it, so no ACL on the
    /// root can help.
    case unreachable(root: String, folder: String)
    /// A writable root that is `/`, a top-level folder or a system folder: a recursive grant there
    /// would change the ACLs of the whole system.
    case systemFolder(String)

    public var description: String {
        switch self {
        case let .notRoot(action):
            "\(action) needs root: run it with sudo"
        case let .toolMissing(tool, package):
            "\(tool) is missing: install the \(package) package (apt-get install \(package), or run tools/setup)"
        case let .toolFailed(command, status, output):
            "\(command) failed (status \(status))"
                + (output.isEmpty ? "" : ": " + output.split(separator: "\n").prefix(2).joined(separator: " / "))
        case let .notSetUp(missing):
            "elevated mode is not set up (\(missing)): run sudo foredesk sandbox setup"
        case let .unreachable(root, folder):
            "the sandbox accounts cannot reach \(root): \(folder) gives others no search (x) permission; chmod o+x \(folder), or use a folder they can reach"
        case let .systemFolder(root):
            "refusing to grant the sandbox accounts write access to \(root): it is a top-level or system folder; give the run a folder of its own"
        }
    }
}
