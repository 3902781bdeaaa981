import Foundation
import Supervision
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Starting and stopping the supervision server for `run --supervise` and `serve`: the address, the
/// warning for a non-loopback one, the pairing link (and QR code) on stderr, the revoke control file.
enum Supervising {
    /// `ADDR:PORT`, `ADDR` or `:PORT` (IPv6 in brackets) as host and port; 127.0.0.1:8765 for what is missing.
    static func address(_ text: String?) throws -> (host: String, port: Int) {
        guard let text, !text.isEmpty else { return ("127.0.0.1", SupervisionServer.defaultPort) }
        var host = text
        var port = SupervisionServer.defaultPort
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let number = Int(rest.dropFirst()) else { throw badAddress(text) }
                port = number
            } else if !rest.isEmpty {
                throw badAddress(text)
            }
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = String(text[..<colon])
            guard let number = Int(text[text.index(after: colon)...]) else { throw badAddress(text) }
            port = number
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard (0...65535).contains(port) else { throw badAddress(text) }
        return (host, port)
    }

    private static func badAddress(_ text: String) -> CommandFailure {
        .usage("--listen takes ADDR:PORT such as 127.0.0.1:8765 or [::1]:9000, not '\(text)'")
    }

    /// Starts a server for supervisor on listen, serving the sessions in sessions; prints the pairing link.
    /// - Throws: a usage failure for a bad address, an unavailable one when it cannot listen.
    static func start(supervisor: Supervisor, sessions: String?, listen: String?) throws -> SupervisionServer {
        let (host, port) = try address(listen)
        if !SupervisionServer.isLoopback(host) {
            RunSetup.stderrLine(
                "foredesk: warning: the supervision server listens on \(host), not only on this machine: anyone who "
                    + "can reach it and gets the pairing link can watch the run and answer its approvals")
        }
        let server = SupervisionServer(
            supervisor: supervisor, sessions: sessions, host: host, port: port,
            onRevoke: { url in
                RunSetup.stderrLine("supervision: every session was revoked; pair again with \(url)")
                showQRCode(url)
            })
        let started = Started()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(SupervisionError) {
                let bound = try await server.start()
                started.result.withLock { $0 = .success(bound) }
            } catch {
                started.result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        switch started.result.withLock({ $0 }) {
        case let .failure(error)?: throw CommandFailure(message: error.description, code: Exit.unavailable)
        case .success(let bound)?: writeControlFile(server, port: bound)
        case nil: throw CommandFailure(message: "the supervision server did not start", code: Exit.unavailable)
        }
        if let url = server.pairingURL {
            RunSetup.stderrLine("supervision: open \(url) on your phone to pair (once; it then sets a session cookie)")
            showQRCode(url)
        }
        return server
    }

    /// Stops server and removes its control file.
    static func stop(_ server: SupervisionServer) {
        if let port = server.boundPort { unlink(controlPath(port: port)) }
        let done = DispatchSemaphore(value: 0)
        Task {
            await server.stop()
            done.signal()
        }
        _ = done.wait(timeout: .now() + .seconds(5))
    }

    /// Asks the server on listen (of this user) to revoke every session; its new pairing link.
    static func revoke(listen: String?) throws -> String {
        let (host, port) = try address(listen)
        guard let secret = try? String(contentsOfFile: controlPath(port: port), encoding: .utf8) else {
            throw CommandFailure(
                message: "no supervision server of yours listens on port \(port) (no \(controlPath(port: port))): "
                    + "a new server has a new pairing token anyway", code: Exit.unavailable)
        }
        let connectHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        do throws(SupervisionError) {
            return try SupervisionServer.requestRevoke(host: connectHost, port: port, control: secret)
        } catch {
            throw CommandFailure(message: error.description, code: Exit.unavailable)
        }
    }

    /// Where the server keeps the secret that lets this user's `serve --revoke` in (mode 0600).
    static func controlPath(port: Int) -> String {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? NSTemporaryDirectory()
        return (base as NSString).appendingPathComponent("foredesk-supervise-\(getuid())-\(port).control")
    }

    private static func writeControlFile(_ server: SupervisionServer, port: Int) {
        let path = controlPath(port: port)
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = server.control
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    /// The link as a QR code on stderr when qrencode is installed (`qrencode -t ANSIUTF8`).
    static func showQRCode(_ url: String) {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let qrencode = paths.map({ "\($0)/qrencode" }).first(where: FileManager.default.isExecutableFile) else {
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: qrencode)
        process.arguments = ["-t", "ANSIUTF8", url]
        process.standardOutput = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return }
        process.waitUntilExit()
    }
}

/// How starting the server went, from its task to the command's thread.
private final class Started: Sendable {
    let result = Mutex<Result<Int, SupervisionError>?>(nil)
}
