#if canImport(Glibc)
    import Glibc
#endif

/// An external command prepared for timing: its argument and environment arrays are built once, so
/// a run costs exactly `posix_spawnp` + the program + a blocking `waitpid` (no polling).
final class ToolCommand {
    let arguments: [String]
    /// The text shown in the report, e.g. "xdotool key --delay 0 shift".
    let label: String
    private let argv: [UnsafeMutablePointer<CChar>?]
    private let envp: [UnsafeMutablePointer<CChar>?]
    private let errorLog: String

    /// arguments[0] is looked up in PATH. environment entries are added to this process's own
    /// (which already carries DISPLAY and XAUTHORITY for the private display).
    /// label defaults to the command line.
    init(_ arguments: [String], environment: [String: String] = [:], label: String? = nil, errorLog: String) {
        precondition(!arguments.isEmpty, "a command needs a program")
        self.arguments = arguments
        self.label = label ?? arguments.map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
        self.errorLog = errorLog
        argv = arguments.map { strdup($0) } + [nil]
        var merged: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if environment[key] == nil { merged.append(text) }
            cursor += 1
        }
        for (key, value) in environment { merged.append("\(key)=\(value)") }
        envp = merged.map { strdup($0) } + [nil]
    }

    deinit {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }

    /// The program name, for messages.
    var program: String { arguments[0] }

    /// Runs the command to completion: wall milliseconds from spawn to exit, and its exit status
    /// (127 when it could not start, 128 + n when killed by signal n). Output goes to /dev/null,
    /// errors to the run's tool log.
    func run() -> (milliseconds: Double, status: Int32) {
        let start = Timing.now()
        guard let pid = spawn() else { return (Timing.milliseconds(since: start), 127) }
        let (status, _) = Self.wait(for: pid)
        return (Timing.milliseconds(since: start), status)
    }

    /// A command started with `start()` and not yet waited for.
    struct Running {
        let pid: pid_t
        let started: UInt64
    }

    /// Starts the command without waiting (stderr to errorLog, or to path when given); nil when it
    /// could not start.
    func start(stderr path: String? = nil) -> Running? {
        let started = Timing.now()
        return spawn(stderr: path).map { Running(pid: $0, started: started) }
    }

    /// Waits for a started command: wall and CPU (user + system, from wait4's rusage) milliseconds,
    /// and its exit status.
    static func finish(_ running: Running) -> (milliseconds: Double, cpuMilliseconds: Double, status: Int32) {
        let (status, usage) = wait(for: running.pid)
        func ms(_ time: timeval) -> Double { Double(time.tv_sec) * 1000 + Double(time.tv_usec) / 1000 }
        return (Timing.milliseconds(since: running.started), ms(usage.ru_utime) + ms(usage.ru_stime), status)
    }

    private func spawn(stderr path: String? = nil) -> pid_t? {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The bench blocks SIGINT/SIGTERM in every thread (one thread waits for them); children must
        // start with an empty mask and default handlers.
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
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, path ?? errorLog, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var pid: pid_t = 0
        let rc = argv.withUnsafeBufferPointer { args in
            envp.withUnsafeBufferPointer { env in
                posix_spawnp(&pid, args[0]!, &actions, &attributes, args.baseAddress!, env.baseAddress!)
            }
        }
        return rc == 0 ? pid : nil
    }

    /// Blocks until pid exits; its status as run() reports it, and its resource usage.
    private static func wait(for pid: pid_t) -> (status: Int32, usage: rusage) {
        var raw: Int32 = 0
        var usage = rusage()
        while wait4(pid, &raw, 0, &usage) < 0 && errno == EINTR {}
        let signal = raw & 0x7F
        return (signal == 0 ? (raw >> 8) & 0xFF : 128 + signal, usage)
    }

    /// True when program is an executable in PATH.
    static func isInstalled(_ program: String) -> Bool {
        guard let path = getenv("PATH").map({ String(cString: $0) }) else { return false }
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}

/// Why the bench (or one of its groups) could not go on.
enum BenchError: Error, CustomStringConvertible {
    /// The bench cannot start (no CLI to time, cannot write the output).
    case setup(String)
    /// Something a measurement relies on did not hold (focus lost, a tool failed).
    case check(String)

    var description: String {
        switch self {
        case let .setup(message): message
        case let .check(message): message
        }
    }
}
