import Foundation
import Hummingbird
import Logging
import Scenario
import Synchronization

/// Why the supervision server could not start.
public struct SupervisionError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The review and approval server: a paired phone or browser watches the run (`Supervisor`), answers its
/// approvals and opens past sessions' reports; it never touches the X connection.
///
/// Bound to 127.0.0.1:8765 unless told otherwise. Every route but `/pair/TOKEN` needs the session cookie
/// that pairing gives; see `SessionGate`.
public final class SupervisionServer: Sendable {
    /// The live run (idle for `foredesk serve`).
    public let supervisor: Supervisor
    /// Who is paired, and the token that pairs.
    public let pairing: Pairing
    /// The address it binds to.
    public let host: String
    /// The secret a local `foredesk serve --revoke` sends to revoke without a session.
    public let control: String
    private let port: Int
    private let sessions: SessionFiles
    private let onRevoke: @Sendable (String) -> Void
    private let running = Mutex<(task: Task<Void, Never>?, port: Int?)>((nil, nil))

    /// The default port.
    public static let defaultPort = 8765

    /// A server for supervisor on host:port (port 0: any free port) serving the past sessions in sessions;
    /// onRevoke hears the new pairing URL whenever sessions are revoked.
    public init(
        supervisor: Supervisor = Supervisor(), sessions: String?, host: String = "127.0.0.1",
        port: Int = SupervisionServer.defaultPort, pairing: Pairing = Pairing(),
        onRevoke: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.supervisor = supervisor
        self.sessions = SessionFiles(root: sessions)
        self.host = host
        self.port = port
        self.pairing = pairing
        self.control = RandomToken.make()
        self.onRevoke = onRevoke
    }

    /// The port it listens on, once started.
    public var boundPort: Int? { running.withLock { $0.port } }

    /// `http://HOST:PORT/pair/TOKEN` while a pairing token is unused; nil once it was used, or before start.
    public var pairingURL: String? {
        guard let port = boundPort, let token = pairing.token else { return nil }
        return "http://\(Self.urlHost(host)):\(port)/pair/\(token)"
    }

    /// Starts listening; returns the port once bound.
    /// - Throws: `SupervisionError` when the address cannot be bound.
    @discardableResult
    public func start() async throws(SupervisionError) -> Int {
        let outcome = StartOutcome()
        var logger = Logger(label: "foredesk.supervision", factory: { StreamLogHandler.standardError(label: $0) })
        // Stopping cancels the server, which Hummingbird logs as an error; nothing below critical is news here.
        logger.logLevel = .critical
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { [self] channel in
                let bound = channel.localAddress?.port ?? 0
                running.withLock { $0.port = bound }
                outcome.finish(.success(bound))
            },
            logger: logger)
        let supervisor = self.supervisor
        do {
            return try await withCheckedThrowingContinuation { continuation in
                outcome.wait(continuation)
                let task = Task {
                    // Output of a running command grows without a feed call: poll it for the page.
                    let ticker = Task {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .milliseconds(500))
                            supervisor.tick()
                        }
                    }
                    do {
                        try await app.run()
                    } catch {
                        outcome.finish(.failure(error))
                    }
                    ticker.cancel()
                    outcome.finish(.failure(SupervisionError("the server stopped before it listened")))
                }
                running.withLock { $0.task = task }
            }
        } catch {
            throw SupervisionError("cannot listen on \(Self.urlHost(host)):\(port): \(error)")
        }
    }

    /// Closes the event streams and stops listening.
    public func stop() async {
        supervisor.changes.close()
        let task = running.withLock { $0.task }
        task?.cancel()
        await task?.value
    }

    /// Ends every session and makes a new pairing token; the new pairing URL.
    @discardableResult
    public func revoke() -> String {
        let token = pairing.revoke()
        let url = "http://\(Self.urlHost(host)):\(boundPort ?? port)/pair/\(token)"
        onRevoke(url)
        return url
    }

    /// host as it goes in a URL (IPv6 in brackets).
    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// Whether host is a loopback address (no warning needed).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    // MARK: Routes

    private func router() -> Router<SupervisionContext> {
        let router = Router(context: SupervisionContext.self)
        router.add(middleware: SessionGate(pairing: pairing, control: control))
        let supervisor = self.supervisor
        let pairing = self.pairing
        let sessions = self.sessions

        router.get("/pair/{token}") { request, context -> Response in
            let token = context.parameters.get("token") ?? ""
            let label = DeviceLabel.make(
                label: request.uri.queryParameters.get("label"), userAgent: request.headers[.userAgent])
            switch pairing.pair(token: token, peer: context.peer, label: label) {
            case let .paired(cookie, _):
                var response = Response(status: .seeOther, headers: [.location: "/"])
                response.headers[.setCookie] = "\(SessionGate.cookie)=\(cookie); Path=/; HttpOnly; SameSite=Strict"
                return response
            case .refused:
                return Replies.text(
                    .forbidden, "this pairing link is wrong or was used already: foredesk serve --revoke makes a new one")
            case .limited:
                var response = Replies.text(.tooManyRequests, "too many failed pairing attempts: wait a minute")
                response.headers[.retryAfter] = "60"
                return response
            }
        }
        router.get("/") { _, context -> Response in
            let nonce = RandomToken.make()
            let page = ReviewPage.html(
                csrf: context.device?.csrf ?? "", device: context.device?.label ?? "", nonce: nonce)
            var response = Replies.bytes(.ok, Array(page.utf8), type: "text/html; charset=utf-8")
            response.headers[.contentSecurityPolicy] = ReviewPage.contentSecurityPolicy(nonce: nonce)
            return response
        }
        router.get("/api/state") { _, _ -> Response in
            Replies.json(supervisor.current)
        }
        router.get("/api/events") { _, _ -> Response in
            let changes = supervisor.changes.listen()
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                    var screen = -1
                    var version = -1
                    try await Self.send(supervisor, &writer, screen: &screen, version: &version)
                    for await _ in changes {
                        // At most four updates a second a client: changes in between are folded into the next
                        // (each send carries the latest state), so watchers cannot slow the run down.
                        try await Task.sleep(for: Self.updateInterval)
                        try await Self.send(supervisor, &writer, screen: &screen, version: &version)
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/api/screen.png") { _, _ -> Response in
            guard let png = supervisor.screenPNG() else { return Replies.text(.notFound, "no screenshot yet") }
            return Replies.bytes(.ok, png, type: "image/png")
        }
        router.get("/api/approvals/{id}/screen.png") { _, context -> Response in
            guard let id = context.parameters.get("id", as: Int.self), let png = supervisor.approvalPNG(id) else {
                return Replies.text(.notFound, "no such approval, or no screenshot for it")
            }
            return Replies.bytes(.ok, png, type: "image/png")
        }
        router.post("/api/approvals/{id}") { request, context -> Response in
            struct Body: Decodable { var answer: String }
            var request = request
            guard let id = context.parameters.get("id", as: Int.self) else {
                return Replies.text(.notFound, "no such approval")
            }
            let buffer = try await request.collectBody(upTo: 4096)
            guard let body = try? JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView)),
                let answer = ApprovalAnswer(rawValue: body.answer)
            else {
                return Replies.text(.badRequest, "expected {\"answer\": \"approve\" | \"deny\" | \"always\"}")
            }
            switch supervisor.answer(id, answer, device: context.device?.label ?? "unknown device") {
            case .accepted: return Replies.json(["answer": answer.rawValue])
            case .unknown: return Replies.text(.notFound, "no such approval")
            case .alreadySettled: return Replies.text(.conflict, "approval \(id) was settled already")
            }
        }
        router.post("/api/revoke") { [self] _, _ -> Response in
            // The new link goes to the terminal (onRevoke) and to a local `serve --revoke`, which sent the secret.
            Replies.json(["pairing": revoke()])
        }
        router.get("/api/sessions") { _, _ -> Response in
            Replies.json(sessions.list())
        }
        router.get("/api/diff") { [supervisor] _, _ -> Response in
            guard let changes = supervisor.workspaceChanges() else {
                return Replies.text(.notFound, "no run is being supervised, so there is no workspace to compare")
            }
            return Replies.json(changes.map(WorkspaceChange.init))
        }
        router.get("/sessions/**") { request, _ -> Response in
            let path = request.uri.path.dropFirst("/sessions/".count)
            guard let file = sessions.file(path), let data = FileManager.default.contents(atPath: file) else {
                return Replies.text(.notFound, "no such session file")
            }
            return Replies.bytes(.ok, Array(data), type: SessionFiles.contentType(file))
        }
        return router
    }

    /// The shortest time between two updates on one event stream.
    static let updateInterval = Duration.milliseconds(250)

    /// Sends the state when it changed and a `screen` event when the screenshot did.
    private static func send(
        _ supervisor: Supervisor, _ writer: inout any ResponseBodyWriter, screen: inout Int, version: inout Int
    ) async throws {
        let state = supervisor.snapshot()
        guard state.version != version else { return }
        version = state.version
        var text = ""
        if state.screen != screen {
            screen = state.screen
            text += "event: screen\ndata: \(screen)\n\n"
        }
        text += "event: state\ndata: \(state.json)\n\n"
        try await writer.write(ByteBuffer(string: text))
    }
}

/// The first outcome of starting (bound, or failed), handed to the one waiting for it.
private final class StartOutcome: Sendable {
    private let waiting = Mutex<CheckedContinuation<Int, any Error>?>(nil)

    func wait(_ continuation: CheckedContinuation<Int, any Error>) {
        waiting.withLock { $0 = continuation }
    }

    func finish(_ result: Result<Int, any Error>) {
        waiting.withLock { waiting in
            waiting?.resume(with: result)
            waiting = nil
        }
    }
}
