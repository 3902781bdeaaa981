import Foundation
import Glibc
import TestSupport

/// A scratch layout on the host for one test: `ws/` is the writable root (with a `.git`), and
/// `outside/` lies next to it, outside every root, with a file and a FIFO in it.
struct Workspace {
    let base: String
    var root: String { base + "/ws" }
    var outside: String { base + "/outside" }
    var git: String { root + "/.git" }

    /// The options that make ws/ the only writable root and protect its .git.
    var options: [String] { ["--rw", root, "--protect", git] }
}

/// Makes a workspace, runs body, and removes it; owner, when given, receives every file (for runs
/// as another user).
func withWorkspace(owner: uid_t? = nil, _ body: (Workspace) throws -> Void) throws {
    try withTemporaryDirectory { base in
        let workspace = Workspace(base: base)
        let files = FileManager.default
        try files.createDirectory(atPath: workspace.git + "/hooks", withIntermediateDirectories: true)
        try files.createDirectory(atPath: workspace.outside, withIntermediateDirectories: true)
        try "[core]\n".write(toFile: workspace.git + "/config", atomically: false, encoding: .utf8)
        try "inside\n".write(toFile: workspace.root + "/file", atomically: false, encoding: .utf8)
        try "outside\n".write(toFile: workspace.outside + "/secret", atomically: false, encoding: .utf8)
        guard mkfifo(workspace.outside + "/fifo", 0o666) == 0 else { throw SpawnError.failed("mkfifo", errno) }
        if let owner {
            for path in [base, workspace.root, workspace.git, workspace.git + "/hooks", workspace.git + "/config",
                         workspace.root + "/file", workspace.outside, workspace.outside + "/fifo"] {
                chown(path, owner, gid_t(owner))
            }
            chmod(base, 0o755)
        }
        try body(workspace)
    }
}

/// A listening socket on the host's loopback, for the network-off tests to aim at.
final class HostListener {
    let fd: Int32
    let port: UInt16

    /// Binds type (SOCK_STREAM or SOCK_DGRAM) to address ("127.0.0.1" or "::1") on a free port.
    init(_ type: Int32, _ address: String) throws {
        let family = address.contains(":") ? AF_INET6 : AF_INET
        let fd = socket(family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SpawnError.failed("socket", errno) }
        self.fd = fd
        var storage = sockaddr_storage()
        var length: socklen_t
        if family == AF_INET {
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, address, &v4.sin_addr)
            withUnsafeBytes(of: v4) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            inet_pton(AF_INET6, address, &v6.sin6_addr)
            withUnsafeBytes(of: v6) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, type != Int32(SOCK_STREAM.rawValue) || listen(fd, 16) == 0 else {
            close(fd)
            throw SpawnError.failed("bind", errno)
        }
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw SpawnError.failed("getsockname", errno) }
        // The port sits at the same offset in sockaddr_in and sockaddr_in6, in network byte order.
        port = withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
    }

    /// A datagram that reached this socket, if any (without waiting).
    func receivedDatagram() -> String? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
    }

    deinit { close(fd) }
}

/// A listening Unix socket at path, removed when released.
final class UnixListener {
    let fd: Int32
    let path: String

    init(_ path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw SpawnError.failed("unix listener", errno) }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}
