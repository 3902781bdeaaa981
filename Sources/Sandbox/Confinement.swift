#if canImport(Glibc)
    import Glibc
#endif

/// What a path is on disk, for building confinements.
public enum FileKind {
    /// True for a directory, false for anything else, nil when nothing is there (symlinks not followed).
    public static func isDirectory(_ path: String) -> Bool? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// A small text file's contents (at most 64 KiB), nil when it cannot be read.
    public static func contents(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = fread(&buffer, 1, buffer.count, file)
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}

/// Network access for a confined process.
public enum NetworkAccess: String, Sendable, CaseIterable {
    /// A private network namespace with loopback only; X still works through its filesystem socket.
    case off
    /// The host's network.
    case on
}

/// A layer a policy may allow to be missing on a machine that lacks it; every other layer refuses.
public enum DegradableLayer: String, Sendable, CaseIterable, Hashable {
    /// Landlock: without it the mount namespace alone holds the filesystem policy.
    case landlock
    /// The run's own cgroup: without it a double-forked daemon may outlive the run.
    case cgroup
}

/// What a confined process may do: a pure value, turned into the confinement helper's arguments.
///
/// Everything outside the writable roots is read-only; protected paths are read-only again inside
/// them (so `.git` stays untouched in a writable workspace); the network is off unless turned on.
public struct Confinement: Sendable, Equatable {
    /// Folders the process may write below (absolute paths).
    public var writableRoots: [String]
    /// Paths kept read-only inside the writable roots; a missing one cannot be created.
    public var protectedPaths: [String]
    /// Folders replaced by a fresh private tmpfs (e.g. `/tmp`).
    public var privateDirectories: [String]
    public var network: NetworkAccess
    /// The X server's socket; the process sees only this one in `/tmp/.X11-unix`.
    public var displaySocket: String?
    /// The most processes the run may have at once (fork bombs stop there).
    public var maxProcesses: Int?
    /// setrlimit values by name (as, core, cpu, data, fsize, memlock, nofile, nproc, stack).
    public var resourceLimits: [String: Int]
    public var allowDegraded: Set<DegradableLayer>
    /// How long the run may take in all; `SandboxedProcess.waitForExit()` ends it after that.
    public var maxWallTime: Duration?
    /// Host paths shown read-only even below a private directory (the program to run, say).
    public var readOnlyPaths: [String] = []
    /// Whom the command runs as; another account than the caller's needs root and elevated mode.
    public var identity: Identity

    /// A confinement from its parts; the defaults write nowhere and reach no network.
    public init(
        writableRoots: [String] = [], protectedPaths: [String] = [], privateDirectories: [String] = [],
        network: NetworkAccess = .off, displaySocket: String? = nil, maxProcesses: Int? = 512,
        resourceLimits: [String: Int] = [:], allowDegraded: Set<DegradableLayer> = [], identity: Identity = .caller
    ) {
        self.writableRoots = writableRoots
        self.protectedPaths = protectedPaths
        self.privateDirectories = privateDirectories
        self.network = network
        self.displaySocket = displaySocket
        self.maxProcesses = maxProcesses
        self.resourceLimits = resourceLimits
        self.allowDegraded = allowDegraded
        self.identity = identity
    }

    /// The usual shape: one writable workspace, a private `/tmp`, no network. Git's hooks and
    /// config, and the indirection files that point git elsewhere (`commondir`, `gitdir`) where
    /// they exist, stay read-only, so nothing can plant code that runs outside the sandbox, while
    /// commits still work; `strict` makes all of `.git` read-only. A workspace without `.git`, or
    /// with a worktree's `.git` file, gets it read-only, so no repository can be planted or
    /// redirected there.
    public static func workspace(
        _ root: String, strict: Bool = false, isDirectory: (String) -> Bool? = FileKind.isDirectory,
        contents: (String) -> String? = FileKind.contents
    ) -> Confinement {
        let git = root + "/.git"
        var protected = [git]
        switch isDirectory(git) {
        case true? where !strict:
            protected = [git + "/hooks", git + "/config"]
            protected += [git + "/commondir", git + "/gitdir"].filter { isDirectory($0) != nil }
        case false?:
            // A worktree: `.git` is a file naming the real git directory, which strict keeps
            // read-only as well (it may lie inside another writable root).
            if strict, let target = Self.gitDirectory(in: contents(git), relativeTo: root) { protected.append(target) }
        default:
            break
        }
        return Confinement(writableRoots: [root], protectedPaths: protected, privateDirectories: ["/tmp"])
    }

    /// The directory a `.git` file's `gitdir:` line names, made absolute; nil when there is none.
    static func gitDirectory(in text: String?, relativeTo root: String) -> String? {
        guard let line = text?.split(separator: "\n").first(where: { $0.hasPrefix("gitdir:") }) else { return nil }
        let path = line.dropFirst("gitdir:".count).trimmingPrefix(" ")
        guard !path.isEmpty else { return nil }
        let absolute = path.hasPrefix("/") ? String(path) : root + "/" + path
        // Fold "." and "..", which the helper refuses.
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The confinement with program visible: a program below a private directory (a build under
    /// /tmp) would otherwise be hidden by the fresh tmpfs, so it is shown read-only.
    public func revealing(program: String) -> Confinement {
        func below(_ path: String, _ folder: String) -> Bool { path == folder || path.hasPrefix(folder + "/") }
        guard program.hasPrefix("/"), privateDirectories.contains(where: { below(program, $0) }),
            !writableRoots.contains(where: { below(program, $0) }), !readOnlyPaths.contains(where: { below(program, $0) })
        else { return self }
        var confinement = self
        confinement.readOnlyPaths.append(program)
        return confinement
    }

    /// Problems that make the confinement unusable: relative paths, empty command.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        for (kind, paths) in [("writable root", writableRoots), ("protected path", protectedPaths),
                              ("private directory", privateDirectories)] {
            for path in paths where !path.hasPrefix("/") || path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) {
                errors.append("\(kind) '\(path)' must be an absolute path without . or ..")
            }
        }
        if let maxProcesses, maxProcesses < 1 { errors.append("max processes must be at least 1, not \(maxProcesses)") }
        return errors
    }

    /// The helper's arguments for running command (bwrap-style, see `foredesk-confine --help`).
    public func helperArguments(command: [String], cgroups: [String], reportFD: Int32) -> [String] {
        var arguments: [String] = []
        for root in writableRoots { arguments += ["--rw", root] }
        for path in protectedPaths { arguments += ["--protect", path] }
        for path in privateDirectories { arguments += ["--tmpfs", path] }
        for path in readOnlyPaths { arguments += ["--ro", path] }
        arguments += ["--network", network.rawValue]
        if let displaySocket { arguments += ["--display-socket", displaySocket] }
        if let account = identity.account { arguments += ["--user", account] }
        for cgroup in cgroups { arguments += ["--cgroup", cgroup] }
        if let maxProcesses, !cgroups.isEmpty { arguments += ["--pids-max", String(maxProcesses)] }
        for (name, value) in resourceLimits.sorted(by: { $0.key < $1.key }) { arguments += ["--rlimit", "\(name)=\(value)"] }
        for layer in DegradableLayer.allCases where allowDegraded.contains(layer) {
            arguments += ["--allow-degraded", layer.rawValue]
        }
        arguments += ["--report-fd", String(reportFD), "--"]
        return arguments + command
    }
}
