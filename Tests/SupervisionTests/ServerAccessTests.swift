import Foundation
import Imaging
import Scenario
import Session
import Supervision
import Testing
import TestSupport

/// The supervision server over real TCP: nothing without a paired session, pairing tokens used once and
/// rate-limited, POSTs only with the CSRF token, cookies valid for one server instance only.
@Suite(.timeLimit(.minutes(2)), .serialized)
struct ServerAccessTests {
    /// Every GET route of the server (with a session these answer 200 in `aPairedSessionReachesEveryRoute`).
    static let routes = [
        "/", "/api/state", "/api/events", "/api/screen.png", "/api/approvals/1/screen.png", "/api/sessions",
        "/api/diff", "/sessions/20260101-000000-past/report.html", "/sessions/20260101-000000-past/session.json",
    ]

    /// A sessions folder with one past session (session.json and report.html).
    func sessionsFolder(_ dir: String) throws -> String {
        let folder = dir + "/sessions/20260101-000000-past"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        {"scenario":"past","policy_digest":"x","display":":9","screen":{"width":10,"height":10},"version":"1",\
        "start":"2026-01-01T00:00:00.000Z","verdict":"passed"}
        """.write(toFile: folder + "/session.json", atomically: true, encoding: .utf8)
        try "<html>report</html>".write(toFile: folder + "/report.html", atomically: true, encoding: .utf8)
        try "secret".write(toFile: dir + "/outside.txt", atomically: true, encoding: .utf8)
        return dir + "/sessions"
    }

    @Test func everyRouteRefusesWithoutASession() async throws {
        try await withTemporaryDirectoryAsync { dir in
            let harness = try await ServerHarness.start(sessions: try sessionsFolder(dir))
            _ = harness.feedARunWaitingForApproval()
            for route in Self.routes {
                for cookie in [nil, "0123456789abcdef", String(repeating: "a", count: 64)] {
                    let reply = try await harness.get(route, cookie: cookie)
                    #expect(reply.status == 401, "\(route) with cookie \(cookie ?? "none"): \(reply.status)")
                    #expect(!reply.text.contains("report") && reply.headers["content-type"] != "image/png")
                }
            }
            for route in ["/api/approvals/1", "/api/revoke"] {
                #expect(try await harness.post(route, #"{"answer":"approve"}"#).status == 401, "\(route)")
            }
            #expect(harness.supervisor.current.pending.count == 1, "nothing was answered")
            await harness.stop()
        }
    }

    @Test func aPairedSessionReachesEveryRoute() async throws {
        try await withTemporaryDirectoryAsync { dir in
            let harness = try await ServerHarness.start(sessions: try sessionsFolder(dir))
            _ = harness.feedARunWaitingForApproval()
            let (cookie, _) = try await harness.pair()
            for route in Self.routes where route != "/api/events" && route != "/api/diff" {
                let reply = try await harness.get(route, cookie: cookie)
                #expect(reply.status == 200, "\(route): \(reply.status) \(reply.text.prefix(200))")
            }
            #expect(try await harness.get("/api/diff", cookie: cookie).status == 404, "no run has watched a workspace")
            let png = try await harness.get("/api/approvals/1/screen.png", cookie: cookie)
            #expect(png.headers["content-type"] == "image/png")
            #expect(png.body.starts(with: [0x89, 0x50, 0x4e, 0x47]))
            let state = try JSONDecoder().decode(LiveState.self, from: try await harness.get("/api/state", cookie: cookie).body)
            #expect(state.status == "running" && state.pending.first?.action == "click x=20 y=20")
            #expect(state.pending.first?.target == [20, 20])
            let sessions = try await harness.get("/api/sessions", cookie: cookie).text
            #expect(sessions.contains("/sessions/20260101-000000-past/report.html"), "\(sessions)")
            // The sessions folder is the only thing files come from.
            for escape in [
                "/sessions/../outside.txt", "/sessions/%2e%2e/outside.txt", "/sessions/20260101-000000-past/..%2f..%2foutside.txt",
                "/sessions/20260101-000000-past/%2e%2e/%2e%2e/outside.txt", "/sessions/.%2e/outside.txt", "/sessions/",
                "/sessions/20260101-000000-past",
            ] {
                let reply = try await harness.get(escape, cookie: cookie)
                #expect(reply.status == 404 || reply.status == 400, "\(escape): \(reply.status)")
                #expect(!reply.text.contains("secret"), "\(escape)")
            }
            await harness.stop()
        }
    }

    @Test func theWorkspaceDiffShowsWhatChangedSinceTheRunBegan() async throws {
        try await withTemporaryDirectoryAsync { dir in
            let harness = try await ServerHarness.start(sessions: try sessionsFolder(dir))
            let workspace = dir + "/ws"
            try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
            try "first\nsecond\n".write(toFile: workspace + "/notes.txt", atomically: true, encoding: .utf8)
            try Data([0, 1, 2, 3]).write(to: URL(fileURLWithPath: workspace + "/blob.bin"))
            harness.supervisor.workspaceWatched(WorkspaceSnapshot.take(roots: [workspace]), excluding: [])
            try "first\nsecond\nthird from the run\n".write(toFile: workspace + "/notes.txt", atomically: true, encoding: .utf8)
            try Data([0, 9, 9, 3]).write(to: URL(fileURLWithPath: workspace + "/blob.bin"))
            let (cookie, _) = try await harness.pair()
            let reply = try await harness.get("/api/diff", cookie: cookie)
            #expect(reply.status == 200, "\(reply.text)")
            let changes = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [[String: Any]])
            let notes = try #require(changes.first { $0["name"] as? String == "notes.txt" })
            #expect(notes["kind"] as? String == "modified")
            #expect((notes["diff"] as? String ?? "").contains("+third from the run"), "\(notes)")
            let blob = try #require(changes.first { $0["name"] as? String == "blob.bin" })
            #expect(blob["binary"] as? Bool == true && blob["diff"] as? String == "", "a binary file is named only")
            #expect(try await harness.get("/api/diff", cookie: nil).status == 401)
            await harness.stop()
        }
    }

    @Test func pairingSetsAStrictHttpOnlyCookieAndTheTokenWorksOnce() async throws {
        let harness = try await ServerHarness.start()
        let token = try #require(harness.server.pairing.token)
        #expect(token.count >= 32, "at least 128 bits")
        #expect(try await harness.get("/pair/" + String(repeating: "0", count: 64)).status == 403, "a wrong token")
        let paired = try await harness.get("/pair/\(token)")
        #expect(paired.status == 303)
        let setCookie = try #require(paired.headers["set-cookie"])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
        let cookie = try #require(ServerHarness.cookie(paired))
        #expect(cookie != token, "the cookie is not the token")
        let reused = try await harness.get("/pair/\(token)")
        #expect(reused.status == 403, "the token was used")
        #expect(ServerHarness.cookie(reused) == nil)
        #expect(try await harness.get("/api/state", cookie: cookie).status == 200)
        await harness.stop()
    }

    @Test func failedPairingsAreRateLimitedPerAddress() async throws {
        let harness = try await ServerHarness.start(pairing: Pairing(allowedFailures: 5, window: .seconds(60)))
        let token = try #require(harness.server.pairing.token)
        for attempt in 1...5 {
            #expect(try await harness.get("/pair/wrong\(attempt)").status == 403, "attempt \(attempt)")
        }
        let limited = try await harness.get("/pair/wrong6")
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "60")
        #expect(try await harness.get("/pair/\(token)").status == 429, "even the right token, while limited")
        #expect(harness.server.pairing.token == token, "the token was not spent")
        await harness.stop()
    }

    @Test func aPostWithoutTheCSRFTokenIsRefused() async throws {
        let harness = try await ServerHarness.start()
        let request = harness.feedARunWaitingForApproval()
        let (cookie, csrf) = try await harness.pair(label: "Pixel 7")
        #expect(try await harness.post("/api/approvals/1", #"{"answer":"approve"}"#, cookie: cookie).status == 403)
        #expect(
            try await harness.post("/api/approvals/1", #"{"answer":"approve"}"#, cookie: cookie, csrf: String(repeating: "f", count: 64))
                .status == 403)
        #expect(try await harness.post("/api/revoke", cookie: cookie).status == 403)
        #expect(harness.supervisor.current.pending.count == 1, "nothing was answered")
        #expect(try await harness.post("/api/approvals/1", #"{"answer":"maybe"}"#, cookie: cookie, csrf: csrf).status == 400)
        #expect(try await harness.post("/api/approvals/7", #"{"answer":"deny"}"#, cookie: cookie, csrf: csrf).status == 404)
        #expect(try await harness.post("/api/approvals/1", #"{"answer":"deny"}"#, cookie: cookie, csrf: csrf).status == 200)
        let response = harness.supervisor.ask(request, cancelled: { false })
        #expect(response?.answer == .deny)
        #expect(response?.by == "reviewer (Pixel 7)")
        harness.supervisor.settled(request, by: response)
        #expect(try await harness.post("/api/approvals/1", #"{"answer":"approve"}"#, cookie: cookie, csrf: csrf).status == 409)
        await harness.stop()
    }

    @Test func aSessionCookieFromAnotherServerInstanceIsRefused() async throws {
        let first = try await ServerHarness.start()
        let second = try await ServerHarness.start()
        let (cookie, _) = try await first.pair()
        #expect(try await first.get("/api/state", cookie: cookie).status == 200)
        #expect(try await second.get("/api/state", cookie: cookie).status == 401)
        #expect(try await second.get("/", cookie: cookie).status == 401)
        await first.stop()
        await second.stop()
    }

    @Test func revokingEndsEverySessionAndMakesANewToken() async throws {
        let harness = try await ServerHarness.start()
        let (cookie, csrf) = try await harness.pair()
        let revoked = try await harness.post("/api/revoke", cookie: cookie, csrf: csrf)
        #expect(revoked.status == 200)
        #expect(try await harness.get("/api/state", cookie: cookie).status == 401)
        let (again, _) = try await harness.pair()
        // A local `foredesk serve --revoke` comes with the control secret instead of a session.
        let (port, control) = (harness.port, harness.server.control)
        let link = try await ServerHarness.offPool {
            try SupervisionServer.requestRevoke(host: "127.0.0.1", port: port, control: control)
        }
        #expect(link.hasPrefix("http://127.0.0.1:\(harness.port)/pair/"))
        #expect(try await harness.get("/api/state", cookie: again).status == 401)
        await #expect(throws: SupervisionError.self) {
            try await ServerHarness.offPool {
                try SupervisionServer.requestRevoke(host: "127.0.0.1", port: port, control: "wrong")
            }
        }
        await harness.stop()
    }

    @Test func theEventStreamPushesStateAndScreenChanges() async throws {
        let harness = try await ServerHarness.start()
        let (cookie, _) = try await harness.pair()
        let stream = try EventStreamReader(port: harness.port, path: "/api/events", cookie: cookie)
        let first = try await stream.next(until: "event: state")
        #expect(first.contains("text/event-stream"), "\(first)")
        _ = harness.feedARunWaitingForApproval()
        let next = try await stream.next(until: "click x=20 y=20")
        #expect(next.contains("event: state") && next.contains("\"pending\":[{"), "\(next)")
        harness.supervisor.screen(.init(width: 8, height: 8))
        #expect(try await stream.next(until: "event: screen").contains("event: screen"))
        await harness.stop()
    }
}

/// A temporary directory for an async body, removed afterwards.
func withTemporaryDirectoryAsync(_ body: (String) async throws -> Void) async throws {
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try await body(dir)
}
