import Foundation
import Glibc
import Synchronization
import TestSupport

/// What a run of foredesk-confine (or of the probe) left behind.
struct Outcome: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    /// The lines foredesk-confine wrote to its report descriptor.
    let report: String

    /// The probe's answer: "OK" or an errno name.
    var result: String { stdout.split(separator: "\n").first.map(String.init) ?? "" }

    var description: String { "status \(status), stdout \(stdout.debugDescription), stderr \(stderr.debugDescription), report \(report.debugDescription)" }
}

enum Built {
    static var confine: String { BuiltProducts.path("foredesk-confine") }
    static var probe: String { BuiltProducts.path("sandbox-probe") }
}

enum SpawnError: Error {
    case failed(String, Int32)
}

/// Runs argv with posix_spawn, the way the Sandbox layer will: stdin from /dev/null, stdout and
/// stderr captured, a report pipe on descriptor 3. started receives the pid before the outputs are
/// read. A run that outlives deadline is killed.
func spawn(
    _ argv: [String], in directory: String? = nil, deadline: Double = 60, started: (pid_t) -> Void = { _ in }
) throws -> Outcome {
    let out = try makePipe()
    let err = try makePipe()
    let report = try makePipe()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out.write, 1)
    posix_spawn_file_actions_adddup2(&actions, err.write, 2)
    posix_spawn_file_actions_adddup2(&actions, report.write, 3)
    // Default dispositions and an empty mask: the test runner's ignored signals stay here.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t()
    sigfillset(&all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    // posix_spawn_file_actions_addchdir_np is hidden from Swift's Glibc module: a shell changes
    // directory and then execs (no process in between).
    let argv = directory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0] + argv } ?? argv
    let arguments = argv.map { strdup($0) } + [nil]
    let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        arguments.forEach { free($0) }
        environment.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, &attributes, arguments, environment)
    for fd in [out.write, err.write, report.write] { close(fd) }
    guard rc == 0 else {
        for fd in [out.read, err.read, report.read] { close(fd) }
        throw SpawnError.failed(argv[0], rc)
    }
    let finished = Mutex(false)
    let child = pid
    DispatchQueue.global().asyncAfter(deadline: .now() + deadline) {
        finished.withLock { done in if !done { kill(child, SIGKILL) } }
    }
    started(pid)
    // Outputs are small: reading them one after the other cannot fill a pipe.
    let stdout = readAll(out.read)
    let stderr = readAll(err.read)
    let reportText = readAll(report.read)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    finished.withLock { $0 = true }
    let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Outcome(status: code, stdout: stdout, stderr: stderr, report: reportText)
}

/// Runs the probe's attempt under foredesk-confine with options.
func attempt(_ options: [String], _ probeArguments: String..., in directory: String? = nil) throws -> Outcome {
    try spawn([Built.confine] + options + ["--report-fd", "3", "--", Built.probe] + probeArguments, in: directory)
}

/// Runs the probe's attempt unconfined, as the control that shows the attempt works at all.
func unconfined(_ probeArguments: String...) throws -> Outcome {
    try spawn([Built.probe] + probeArguments)
}

/// A one-way channel that is close-on-exec from its creation, so that a test spawning at the same
/// time on another thread cannot inherit it (pipe2 is hidden from Swift's Glibc module; a socket
/// pair reaches end of file the same way a pipe does).
private func makePipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
        throw SpawnError.failed("socketpair", errno)
    }
    shutdown(fds[0], Int32(SHUT_WR))
    shutdown(fds[1], Int32(SHUT_RD))
    return (fds[0], fds[1])
}

private func readAll(_ fd: Int32) -> String {
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
}
