import Foundation
import Imaging
import Scenario
import Supervision
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A supervision server in this process on a free port of 127.0.0.1, spoken to over real TCP.
struct ServerHarness {
    let server: SupervisionServer
    let port: Int

    /// Starts a server serving the sessions in sessions (if any).
    static func start(sessions: String? = nil, pairing: Pairing = Pairing()) async throws -> ServerHarness {
        let server = SupervisionServer(sessions: sessions, port: 0, pairing: pairing)
        let port = try await server.start()
        return ServerHarness(server: server, port: port)
    }

    func stop() async { await server.stop() }

    var supervisor: Supervisor { server.supervisor }

    /// Runs a blocking call on a thread of its own: the server's handlers need the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    func get(_ path: String, cookie: String? = nil, headers: [String: String] = [:]) async throws -> HTTPExchange.Reply {
        var fields = headers
        if let cookie { fields["Cookie"] = "foredesk_session=\(cookie)" }
        let port = port
        return try await Self.offPool { [fields] in
            try HTTPExchange.request(method: "GET", port: port, path: path, headers: fields, timeout: 20)
        }
    }

    func post(
        _ path: String, _ json: String = "", cookie: String? = nil, csrf: String? = nil
    ) async throws -> HTTPExchange.Reply {
        var fields: [String: String] = [:]
        if let cookie { fields["Cookie"] = "foredesk_session=\(cookie)" }
        if let csrf { fields["X-CSRF-Token"] = csrf }
        let port = port
        return try await Self.offPool { [fields] in
            try HTTPExchange.request(
                method: "POST", port: port, path: path, headers: fields, body: Data(json.utf8), timeout: 20)
        }
    }

    /// Pairs with the current token; the session cookie and the CSRF token the page carries.
    func pair(label: String = "test phone") async throws -> (cookie: String, csrf: String) {
        let token = try #require(server.pairing.token)
        let reply = try await get("/pair/\(token)?label=\(label.replacing(" ", with: "%20"))")
        #expect(reply.status == 303)
        #expect(reply.headers["location"] == "/")
        let cookie = try #require(Self.cookie(reply))
        let page = try await get("/", cookie: cookie)
        #expect(page.status == 200)
        let csrf = try #require(page.text.firstMatch(of: /<meta name="csrf" content="([0-9a-f]+)">/)?.output.1)
        return (cookie, String(csrf))
    }

    /// The session cookie's value in a reply's Set-Cookie.
    static func cookie(_ reply: HTTPExchange.Reply) -> String? {
        guard let header = reply.headers["set-cookie"],
            let match = header.firstMatch(of: /foredesk_session=([0-9a-f]+)/)
        else { return nil }
        return String(match.output.1)
    }

    /// A run in the supervisor: two steps, a screenshot and approval 1 waiting to click at 20,20.
    func feedARunWaitingForApproval() -> ApprovalRequest {
        let feed = supervisor
        feed.runStarted(session: "/tmp/out/20260101-000000-test", scenario: "test", steps: ["s.yaml:1:3 launch", "s.yaml:2:3 click"])
        feed.stepStarted(0, "s.yaml:1:3 launch")
        feed.screen(Frame(width: 64, height: 48, color: Color(red: 0x20, green: 0x40, blue: 0x80)))
        let request = ApprovalRequest(
            id: 1, kind: .action, step: "s.yaml:2:3 click", action: "click x=20 y=20", window: "0x200001 'fixture'",
            reason: "click needs approval", rule: "ask")
        feed.approvalPending(request, target: Point(x: 20, y: 20))
        return request
    }
}

/// Reads server-sent events from a GET over a plain socket, for the event stream's tests and the bench.
final class EventStreamReader: @unchecked Sendable {
    private let fd: Int32
    private var buffer = Data()

    init(port: Int, path: String, cookie: String?) throws {
        do {
            fd = try HTTPExchange.connect(port: port, timeout: 10)
        } catch {
            throw ConnectFailure(port: port)
        }
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n"
        if let cookie { head += "Cookie: foredesk_session=\(cookie)\r\n" }
        head += "\r\n"
        _ = head.withCString { write(fd, $0, strlen($0)) }
    }

    deinit { close(fd) }

    /// Everything read until text appears, off the cooperative pool.
    func next(until text: String) async throws -> String {
        try await ServerHarness.offPool { self.read(until: text) }
    }

    /// Everything read until text appears (or the stream ends, or 10 s pass without data).
    func read(until text: String) -> String {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while !String(decoding: buffer, as: UTF8.self).contains(text) {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.append(contentsOf: chunk[0..<count])
        }
        let all = String(decoding: buffer, as: UTF8.self)
        buffer = Data()
        return all
    }
}

/// The event stream's socket did not connect.
struct ConnectFailure: Error {
    let port: Int
}
