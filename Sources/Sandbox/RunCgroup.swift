import Processes

#if canImport(Glibc)
    import Glibc
#endif

/// The cgroups of one run: every process the run starts joins them before it does anything else,
/// so a kill ends them all (double-forked daemons included), a freeze pauses them all, and a
/// fork bomb stops at the process limit.
///
/// A cgroup v2 folder gives kill and freeze; where v2 has no pids controller (hybrid hosts), a v1
/// pids folder holds the limit.
public final class RunCgroup: Sendable {
    /// The folders joined, v2 first.
    public let directories: [String]
    private let unified: String?

    /// Creates the run's cgroups below a `foredesk` folder of each writable hierarchy; nil when
    /// no hierarchy is writable here (not root, or no cgroup file system).
    public static func create(name: String) -> RunCgroup? {
        var directories: [String] = []
        var unified: String?
        if let root = Self.unifiedRoot, let dir = Self.makeChild(of: root, name: name) {
            directories.append(dir)
            unified = dir
        }
        let v2HasPids = unified.map { access($0 + "/pids.max", F_OK) == 0 } ?? false
        if !v2HasPids, access("/sys/fs/cgroup/pids/cgroup.procs", W_OK) == 0,
            let dir = Self.makeChild(of: "/sys/fs/cgroup/pids", name: name)
        {
            directories.append(dir)
        }
        return directories.isEmpty ? nil : RunCgroup(directories: directories, unified: unified)
    }

    private init(directories: [String], unified: String?) {
        self.directories = directories
        self.unified = unified
    }

    deinit {
        kill()
        remove()
    }

    /// The PIDs in the run's cgroups now.
    public func processIDs() -> [Int32] {
        var pids = Set<Int32>()
        for dir in directories {
            for line in TextFile.read(dir + "/cgroup.procs").split(separator: "\n") {
                if let pid = Int32(line) { pids.insert(pid) }
            }
        }
        return pids.sorted()
    }

    /// Kills every process of the run (cgroup.kill where the kernel has it, else SIGKILL per PID
    /// until the cgroups are empty).
    public func kill() {
        if let unified, Self.write("1", to: unified + "/cgroup.kill") {
            waitUntilEmpty()
            return
        }
        for _ in 0..<100 {
            let pids = processIDs()
            if pids.isEmpty { return }
            for pid in pids { Glibc.kill(pid, SIGKILL) }
            blockingSleep(.milliseconds(5))
        }
    }

    /// Pauses every process of the run; true once the kernel reports them frozen.
    @discardableResult
    public func freeze(timeout: Duration = .seconds(2)) -> Bool {
        guard let unified, Self.write("1", to: unified + "/cgroup.freeze") else { return false }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if TextFile.read(unified + "/cgroup.events").contains("frozen 1") { return true }
            blockingSleep(.milliseconds(2))
        }
        return false
    }

    /// Lets a frozen run go on.
    public func thaw() {
        if let unified { _ = Self.write("0", to: unified + "/cgroup.freeze") }
    }

    /// True when the run's cgroups can be frozen here (cgroup v2).
    public var canFreeze: Bool { unified.map { access($0 + "/cgroup.freeze", W_OK) == 0 } ?? false }

    /// Removes the (empty) cgroups; the kernel refuses while a process is still leaving.
    public func remove() {
        for dir in directories.reversed() {
            for _ in 0..<200 {
                if rmdir(dir) == 0 || errno == ENOENT { break }
                blockingSleep(.milliseconds(5))
            }
        }
    }

    private func waitUntilEmpty() {
        for _ in 0..<400 where !processIDs().isEmpty { blockingSleep(.milliseconds(5)) }
    }

    /// The cgroup v2 hierarchy: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one.
    static var unifiedRoot: String? {
        for root in ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]
        where access(root + "/cgroup.controllers", F_OK) == 0 && access(root + "/cgroup.procs", W_OK) == 0 {
            return root
        }
        return nil
    }

    /// `<root>/foredesk/<name>`, with the pids controller enabled on the way where v2 offers it.
    private static func makeChild(of root: String, name: String) -> String? {
        let parent = root + "/foredesk"
        if mkdir(parent, 0o755) != 0 && errno != EEXIST { return nil }
        removeAbandoned(in: parent)
        if TextFile.read(root + "/cgroup.controllers").contains("pids") {
            _ = write("+pids", to: root + "/cgroup.subtree_control")
            _ = write("+pids", to: parent + "/cgroup.subtree_control")
        }
        let dir = parent + "/" + name
        guard mkdir(dir, 0o755) == 0 else { return nil }
        return dir
    }

    /// Removes the empty cgroups of runs whose foredesk process is gone (one that crashed could
    /// not remove its own). Names carry that pid: `run-<pid>-<n>`, `check-<pid>`.
    private static func removeAbandoned(in parent: String) {
        guard let dir = opendir(parent) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let parts = name.split(separator: "-")
            guard parts.count >= 2, ["run", "check"].contains(parts[0]), let pid = Int32(parts[1]) else { continue }
            if Glibc.kill(pid, 0) != 0 && errno == ESRCH { rmdir(parent + "/" + name) }
        }
    }

    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return Glibc.write(fd, bytes, bytes.count) == bytes.count
    }
}
