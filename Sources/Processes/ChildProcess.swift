import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// Why a process could not be started.
public enum ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// posix_spawn failed: the program is missing, not executable, or resources ran out.
    case cannotStart(executable: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotStart(executable, reason): "cannot start \(executable): \(reason)"
        }
    }
}

/// A process started with `posix_spawn`: the X server, the window manager, the confinement helper,
/// test fixtures.
///
/// The child starts with an empty signal mask and default handlers: posix_spawn would otherwise
/// pass on the spawning thread's mask, and Swift's worker threads block SIGTERM, which left an
/// Xvfb unkillable here.
public final class ChildProcess: Sendable {
    /// Where the child's standard output and error go.
    public enum Output: Sendable {
        case inherit
        case discard
        /// Both appended to one file (created if missing).
        case file(String)
        /// Standard output and standard error appended to a file each.
        case files(stdout: String, stderr: String)
    }

    public let pid: Int32
    public let executable: String
    private let status = Mutex<Int32?>(nil)

    /// Starts executable (looked up in PATH) with arguments; environment entries are added to or
    /// replace the current ones. passing maps a parent fd onto a child fd number (e.g. 3).
    /// - Throws: `ProcessError.cannotStart` with the reason, e.g. that the program is not installed.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], output: Output = .inherit,
        passing: (parent: Int32, child: Int32)? = nil
    ) throws(ProcessError) {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch output {
        case .inherit: break
        case .discard:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        case let .file(path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case let .files(stdout, stderr):
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        if let passing { posix_spawn_file_actions_adddup2(&actions, passing.parent, passing.child) }

        var merged: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { merged[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            cursor += 1
        }
        for (key, value) in environment { merged[key] = value }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            let reason = rc == ENOENT ? "it is not installed (run tools/setup)" : String(cString: strerror(rc))
            throw .cannotStart(executable: executable, reason: reason)
        }
        self.pid = pid
        self.executable = executable
    }

    deinit {
        _ = terminate(grace: .seconds(2))
    }

    /// The exit status if the process has ended (reaping it), nil while it runs.
    public func exitStatus() -> Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let rc = waitpid(pid, &raw, WNOHANG)
            if rc == pid || (rc < 0 && errno == ECHILD) {
                status = rc == pid ? Self.decode(raw) : -1
            }
            return status
        }
    }

    /// Waits up to timeout for the process to end; its status, or nil if it still runs.
    public func wait(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus() { return status }
            if ContinuousClock.now >= deadline { return nil }
            blockingSleep(.milliseconds(2))
        }
    }

    /// Sends SIGTERM, waits up to grace, then SIGKILL; returns the exit status.
    @discardableResult
    public func terminate(grace: Duration = .seconds(5)) -> Int32 {
        if let status = exitStatus() { return status }
        kill(pid, SIGTERM)
        if let status = wait(timeout: grace) { return status }
        kill(pid, SIGKILL)
        return wait(timeout: .seconds(5)) ?? -1
    }

    /// Sends a signal.
    public func signal(_ number: Int32) {
        if exitStatus() == nil { kill(pid, number) }
    }

    /// Exit code for a normal exit, 128 + signal for a killed process (as shells report it).
    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
    }
}
