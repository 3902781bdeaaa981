public import Processes
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A command running under the confinement helper, in cgroups of its own.
///
/// Launching returns only once the helper has applied every layer (or refused): the helper's
/// report descriptor closes at exec, so end of file without a failure means the command runs.
public final class SandboxedProcess: Sendable {
    /// The helper's process (the command runs below it, in new namespaces).
    public let process: ChildProcess
    /// What the helper reported: layers this machine lacks that the confinement let go.
    public let report: ConfinementReport
    /// The run's cgroups, when this machine has writable ones.
    public let cgroup: RunCgroup?
    /// The confinement's wall-time limit.
    public let maxWallTime: Duration?

    /// Starts command confined; environment entries are added to the current environment.
    /// - Throws: `SandboxError.layerFailed` naming the step when a layer cannot be applied and the
    ///   confinement does not allow it to be missing.
    public init(
        _ command: [String], confinement: Confinement, environment: [String: String] = [:],
        output: ChildProcess.Output = .inherit, helper: String = HelperLocation.path
    ) throws(SandboxError) {
        let errors = confinement.validationErrors() + (command.isEmpty ? ["no command to run"] : [])
        guard errors.isEmpty else { throw .invalidConfinement(errors) }
        guard access(helper, X_OK) == 0 else { throw .helperMissing(helper) }
        let cgroup = RunCgroup.create(name: "run-\(getpid())-\(Self.counter.add(1, ordering: .relaxed).newValue)")
        if cgroup == nil && !confinement.allowDegraded.contains(.cgroup) {
            throw .cgroup(
                "refusing to run: cannot create the run's cgroup (needs root and a writable cgroup file system) — allow degrading cgroup to run without it")
        }

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .helperFailed(status: -1, detail: "pipe: \(String(cString: strerror(errno)))") }
        // Above 10 and close-on-exec, so only the dup2 onto fd 3 reaches the helper.
        let readEnd = fcntl(fds[0], F_DUPFD_CLOEXEC, 10)
        let writeEnd = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
        close(fds[0])
        close(fds[1])
        defer { close(readEnd) }
        let arguments = confinement.revealing(program: command[0])
            .helperArguments(command: command, cgroups: cgroup?.directories ?? [], reportFD: 3)
        let process: ChildProcess
        do {
            process = try ChildProcess(
                helper, arguments, environment: environment, output: output, passing: (parent: writeEnd, child: 3))
        } catch {
            close(writeEnd)
            throw .launch(error)
        }
        close(writeEnd)
        let report = ConfinementReport(parsing: TextFile.readAll(readEnd))
        if let failure = report.failure {
            _ = process.wait(timeout: .seconds(5))
            if failure.step == "exec" { throw .cannotExecute(command: command[0], name: failure.errnoName) }
            throw .layerFailed(step: failure.step, errno: failure.errno, name: failure.errnoName)
        }
        self.process = process
        self.report = report
        self.cgroup = cgroup
        self.maxWallTime = confinement.maxWallTime
    }

    /// Waits for the command to end, ending it (and everything it started) once the wall-time
    /// limit passes; its exit status, and whether the limit ended it.
    public func waitForExit() -> (status: Int32, timedOut: Bool) {
        if let status = process.wait(timeout: maxWallTime ?? .seconds(100 * 365 * 24 * 3600)) { return (status, false) }
        terminate()
        return (process.exitStatus() ?? 137, true)
    }

    deinit {
        terminate()
    }

    /// Waits up to timeout for the command to end; its exit status (128 + N for signal N), or nil.
    public func wait(timeout: Duration) -> Int32? {
        process.wait(timeout: timeout)
    }

    /// Ends the command and everything it started (thawed first, if frozen): SIGTERM to the helper,
    /// then the cgroup kill.
    public func terminate(grace: Duration = .seconds(2)) {
        // A frozen command would not see its SIGTERM until thawed.
        cgroup?.thaw()
        if process.exitStatus() == nil {
            process.signal(SIGTERM)
            _ = process.wait(timeout: grace)
        }
        cgroup?.kill()
        process.terminate(grace: .milliseconds(100))
    }

    private static let counter = Atomic<Int>(0)
}

/// Where foredesk finds its confinement helper.
public enum HelperLocation {
    /// `FOREDESK_CONFINE` when set, else `foredesk-confine` beside the running executable
    /// (SwiftPM builds every product into one folder).
    public static var path: String {
        if let override = getenv("FOREDESK_CONFINE"), override.pointee != 0 { return String(cString: override) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "foredesk-confine" }
        let own = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var folder = String(own[..<(own.lastIndex(of: "/") ?? own.endIndex)])
        // A test bundle sits one folder further down (foredeskPackageTests.xctest/…).
        while !folder.isEmpty && access(folder + "/foredesk-confine", X_OK) != 0 {
            guard let slash = folder.lastIndex(of: "/") else { break }
            folder = String(folder[..<slash])
        }
        return folder + "/foredesk-confine"
    }
}
