public import Imaging
import Logging
import Processes
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A private X server (Xvfb) on a free display number, with its own auth cookie and no TCP
/// listener, optionally with a window manager (openbox) for EWMH. Stopped by `stop()` or deinit.
public final class VirtualDisplay: Sendable {
    /// How to start the server.
    public struct Options: Sendable {
        /// Screen size; depth is always 24 (32 bits per pixel).
        public var size: Size
        /// Offer MIT-SHM (turn off to exercise the GetImage path).
        public var sharedMemory: Bool
        /// Start openbox so `_NET_ACTIVE_WINDOW` and window activation work as on a desktop.
        public var windowManager: Bool
        /// How long to wait for the server (and window manager) to come up.
        public var startTimeout: Duration

        /// Options with the embedded defaults: 1280x800, MIT-SHM, no window manager.
        public init(
            size: Size = Size(width: 1280, height: 800), sharedMemory: Bool = true, windowManager: Bool = false,
            startTimeout: Duration = .seconds(20)
        ) {
            self.size = size
            self.sharedMemory = sharedMemory
            self.windowManager = windowManager
            self.startTimeout = startTimeout
        }
    }

    /// The display name (":5").
    public let name: String
    public let options: Options
    /// Where Xvfb and openbox write their messages.
    public let logFile: String
    private let processes: Mutex<[ChildProcess]>

    /// Starts Xvfb with `-displayfd` so the server picks a free number (no lock-file races) and
    /// reports it once it is ready for connections.
    public init(_ options: Options = Options()) throws(DesktopError) {
        guard options.size.width >= 1, options.size.height >= 1 else {
            throw .server("a virtual display needs a positive size, not \(options.size)")
        }
        let auth = try XAuthority.shared.get()
        self.options = options
        self.logFile = auth.directory + "/xvfb-\(UInt32.random(in: 0...UInt32.max)).log"

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .server("cannot create a pipe: \(String(cString: strerror(errno)))") }
        // Move both ends above 10: dup2 onto fd 3 must not find the write end already sitting at 3.
        let readEnd = fcntl(fds[0], F_DUPFD_CLOEXEC, 10)
        let writeEnd = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
        close(fds[0])
        close(fds[1])
        defer { close(readEnd) }
        var arguments = [
            "-displayfd", "3", "-screen", "0", "\(options.size.width)x\(options.size.height)x24",
            "-nolisten", "tcp", "-noreset", "-auth", auth.serverFile,
            // No blanking: after 10 idle minutes Xvfb would start its screensaver, and a run waiting on a
            // person (a pause) would find the private display "screensaver active" and pause again.
            "-s", "0", "-dpms",
        ]
        if !options.sharedMemory { arguments += ["-extension", "MIT-SHM"] }
        let server: ChildProcess
        do {
            server = try ChildProcess(
                "Xvfb", arguments, output: .file(logFile), passing: (parent: writeEnd, child: 3))
        } catch {
            close(writeEnd)
            throw .server(error.description)
        }
        close(writeEnd)
        guard let number = Self.readDisplayNumber(readEnd, timeout: options.startTimeout) else {
            server.terminate(grace: .seconds(1))
            throw .server("Xvfb did not start within \(options.startTimeout.formattedSeconds); see \(logFile)")
        }
        self.name = ":\(number)"
        do {
            try auth.register(display: number)
        } catch {
            server.terminate(grace: .seconds(1))
            throw error
        }
        var started = [server]
        if options.windowManager {
            do throws(DesktopError) {
                // openbox runs its --startup command once it has set up and entered its event loop;
                // its EWMH check window appears earlier, and windows mapped in between were lost.
                let ready = logFile + ".wm-ready"
                let manager: ChildProcess
                do {
                    manager = try ChildProcess(
                        "openbox", ["--sm-disable", "--startup", "touch \(ready)"], environment: ["DISPLAY": name],
                        output: .file(logFile))
                } catch {
                    throw .server(error.description)
                }
                started.append(manager)
                try Self.waitForWindowManager(on: name, readyFile: ready, process: manager, timeout: options.startTimeout)
            } catch {
                started.reversed().forEach { $0.terminate(grace: .seconds(1)) }
                throw error
            }
        }
        processes = Mutex(started)
        Log.server.debug(
            "started Xvfb \(name) (\(options.size), pid \(server.pid))\(options.windowManager ? " with openbox" : ""); log \(logFile)")
    }

    deinit {
        stop()
    }

    /// Stops the window manager and the server (SIGTERM, then SIGKILL after 5 s). Idempotent.
    public func stop() {
        let running = processes.withLock { processes in
            defer { processes = [] }
            return processes
        }
        for process in running.reversed() { process.terminate(grace: .seconds(5)) }
        // The log matters only when starting fails (the error names it); a clean stop removes it,
        // so the authority folder is empty and removed when the process exits.
        if !running.isEmpty { unlink(logFile) }
    }

    /// Xvfb writes the number and the newline in two writes: read until the newline.
    private static func readDisplayNumber(_ fd: Int32, timeout: Duration) -> Int? {
        let deadline = ContinuousClock.now + timeout
        var text = ""
        while !text.hasSuffix("\n") {
            let left = deadline - .now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1
            guard poll(&poller, 1, ms) > 0 else { continue }
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            if n <= 0 { return nil }  // the server exited before reporting
            text.append(Character(Unicode.Scalar(byte)))
        }
        return Int(text.dropLast())
    }

    private static func waitForWindowManager(
        on name: String, readyFile: String, process: ChildProcess, timeout: Duration
    ) throws(DesktopError) {
        let connection = try X11Connection(name: name)
        let deadline = ContinuousClock.now + timeout
        while !(access(readyFile, F_OK) == 0 && connection.windowManagerRunning()) {
            if let status = process.exitStatus() {
                throw .server("openbox exited with status \(status) on \(name); see its log")
            }
            guard ContinuousClock.now < deadline else {
                throw .server("openbox did not start on \(name) within \(timeout.formattedSeconds)")
            }
            blockingSleep(.milliseconds(5))
        }
        unlink(readyFile)
    }
}
