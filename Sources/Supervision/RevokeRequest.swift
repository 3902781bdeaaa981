import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension SupervisionServer {
    /// Asks the server on host:port to revoke every session, with its control secret (from its control file);
    /// the new pairing link.
    /// - Throws: `SupervisionError` when the server cannot be reached or refuses.
    public static func requestRevoke(host: String, port: Int, control: String) throws(SupervisionError) -> String {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else {
            throw SupervisionError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw SupervisionError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var limit = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            throw SupervisionError("cannot reach the supervision server on \(urlHost(host)):\(port): \(String(cString: strerror(errno)))")
        }
        let request =
            "POST /api/revoke HTTP/1.1\r\nHost: \(urlHost(host)):\(port)\r\nX-Foredesk-Control: \(control.trimmingCharacters(in: .whitespacesAndNewlines))\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n"
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw SupervisionError("could not send the revoke request")
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            reply += chunk[0..<count]
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 200"), let start = text.range(of: "\r\n\r\n"),
            let body = try? JSONDecoder().decode([String: String].self, from: Data(text[start.upperBound...].utf8)),
            let link = body["pairing"]
        else {
            throw SupervisionError("the supervision server refused to revoke: \(text.prefix(200))")
        }
        return link
    }
}
