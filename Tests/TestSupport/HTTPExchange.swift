public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 request to a server on 127.0.0.1 over a plain socket.
///
/// Enough for chromedriver and foredesk's own servers in tests. FoundationNetworking's URLSession failed on
/// every chromedriver reply here ("Failed writing header" from libcurl), and chromedriver answers
/// `Connection: close` yet keeps the socket open, so a reply is read up to its `Content-Length`.
public enum HTTPExchange {
    /// A request that failed before a reply: connecting, writing, reading or a reply that is not HTTP.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, closed).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw Failure(description: "bind: \(String(cString: strerror(errno)))") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "getsockname: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A reply: its status, header fields (names lowercased; repeated ones joined with ", ") and body.
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends method path with body (JSON when not empty) to 127.0.0.1:port; the status and the reply's body.
    public static func send(
        method: String, port: Int, path: String, body: Data = Data(), timeout: TimeInterval = 30
    ) throws -> (status: Int, body: Data) {
        let reply = try request(method: method, port: port, path: path, body: body, timeout: timeout)
        return (reply.status, reply.body)
    }

    /// A TCP socket connected to 127.0.0.1:port, with send and receive timeouts; the caller closes it.
    public static func connect(port: Int, timeout: TimeInterval) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let problem = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(problem)")
        }
        return fd
    }

    /// Sends method path with extra header fields and body (JSON when not empty) to 127.0.0.1:port; the whole reply.
    public static func request(
        method: String, port: Int, path: String, headers: [String: String] = [:], body: Data = Data(),
        timeout: TimeInterval = 30
    ) throws -> Reply {
        let fd = try connect(port: port, timeout: timeout)
        defer { close(fd) }
        var head = "\(method) \(path.isEmpty ? "/" : path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if !body.isEmpty { head += "Content-Type: application/json; charset=utf-8\r\n" }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        var request = Data(head.utf8)
        request.append(body)
        try request.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw Failure(description: "write: \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
        // chromedriver says `Connection: close` but keeps the socket open: read until the body is complete.
        var reply = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let whole = try complete(reply) { return whole }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw Failure(description: "read: \(String(cString: strerror(errno)))") }
            if n == 0 {
                guard let whole = try complete(reply, closed: true) else {
                    throw Failure(description: "the server closed the connection after \(reply.count) bytes")
                }
                return whole
            }
            reply.append(contentsOf: chunk[0..<n])
        }
    }

    /// The status and body once reply holds the whole answer (by `Content-Length`, the last chunk, or the end
    /// of the stream when closed); nil while more is to come.
    static func complete(_ reply: Data, closed: Bool = false) throws -> Reply? {
        guard let end = reply.range(of: Data("\r\n\r\n".utf8)) else {
            if closed { throw Failure(description: "no HTTP reply header in \(reply.count) bytes") }
            return nil
        }
        let header = String(decoding: reply[..<end.lowerBound], as: UTF8.self).lowercased()
        let lines = header.components(separatedBy: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failure(description: "not an HTTP status line: \(lines.first ?? "")")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        // Values keep their case (a cookie's); the header was lowercased only to find the fields.
        let original = String(decoding: reply[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        var exact: [String: String] = [:]
        for line in original.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            exact[name] = exact[name].map { $0 + ", " + value } ?? value
        }
        let body = Data(reply[end.upperBound...])
        if fields["transfer-encoding"] == "chunked" {
            return try unchunk(body).map { Reply(status: status, headers: exact, body: $0) }
                ?? (closed ? Reply(status: status, headers: exact, body: body) : nil)
        }
        if let length = fields["content-length"].flatMap({ Int($0) }) {
            return body.count >= length ? Reply(status: status, headers: exact, body: body.prefix(length)) : nil
        }
        return closed ? Reply(status: status, headers: exact, body: body) : nil
    }

    /// The joined body once the last (empty) chunk has arrived; nil before.
    private static func unchunk(_ data: Data) throws -> Data? {
        var out = Data()
        var rest = data[...]
        while let line = rest.range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<line.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw Failure(description: "bad chunk size '\(sizeText)'")
            }
            if size == 0 { return out }
            let start = line.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else { return nil }
            let stop = rest.index(start, offsetBy: size)
            out.append(rest[start..<stop])
            rest = rest[rest.index(stop, offsetBy: 2)...]
        }
        return nil
    }
}
