import Foundation
import Testing
import TestSupport

/// `foredesk serve`: past sessions only, the pairing link on stderr, `--revoke` from another process,
/// and the warning for an address other than loopback.
@Suite(.timeLimit(.minutes(2)), .serialized)
struct ServeCommandTests {
    func serve(_ arguments: [String], in dir: String) throws -> Process {
        try BuiltProducts.startForedesk(["serve"] + arguments, in: dir)
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func link(_ process: Process, in dir: String) throws -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let match = text(dir + "/stderr").firstMatch(of: /(http:\/\/[0-9.]+:[0-9]+\/pair\/[0-9a-f]+)/) {
                return String(match.output.1)
            }
            try #require(process.isRunning, "foredesk serve exited: \(text(dir + "/stderr"))")
            try #require(ContinuousClock.now < deadline, "no pairing link: \(text(dir + "/stderr"))")
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func stop(_ process: Process) throws {
        process.interrupt()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning {
            try #require(ContinuousClock.now < deadline, "foredesk serve did not stop on SIGINT")
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.terminationStatus == 0)
    }

    /// Pairs through link's path; the session cookie.
    func pair(_ link: String, port: Int) throws -> String {
        let path = String(link[try #require(link.range(of: "/pair/")).lowerBound...])
        let reply = try HTTPExchange.request(method: "GET", port: port, path: path)
        #expect(reply.status == 303)
        let cookie = try #require(reply.headers["set-cookie"]?.firstMatch(of: /foredesk_session=([0-9a-f]+)/)?.output.1)
        return String(cookie)
    }

    @Test func servesPastSessionsAndRevokesFromAnotherProcess() throws {
        try withTemporaryDirectory { dir in
            let past = dir + "/out/20260101-000000-past"
            try FileManager.default.createDirectory(atPath: past, withIntermediateDirectories: true)
            try """
            {"scenario":"past","policy_digest":"x","display":":9","screen":{"width":10,"height":10},"version":"1",\
            "start":"2026-01-01T00:00:00.000Z","verdict":"failed"}
            """.write(toFile: past + "/session.json", atomically: true, encoding: .utf8)
            try "<html>the report</html>".write(toFile: past + "/report.html", atomically: true, encoding: .utf8)
            let port = try HTTPExchange.freePort()
            let process = try serve(["--sessions", dir + "/out", "--listen", "127.0.0.1:\(port)"], in: dir)
            defer { if process.isRunning { process.terminate() } }
            let first = try link(process, in: dir)
            #expect(first.hasPrefix("http://127.0.0.1:\(port)/pair/"))
            #expect(!text(dir + "/stderr").contains("warning"))
            let cookie = try pair(first, port: port)
            let headers = ["Cookie": "foredesk_session=\(cookie)"]
            let sessions = try HTTPExchange.request(method: "GET", port: port, path: "/api/sessions", headers: headers)
            #expect(sessions.text.contains(#""verdict":"failed""#), "\(sessions.text)")
            let report = try HTTPExchange.request(
                method: "GET", port: port, path: "/sessions/20260101-000000-past/report.html", headers: headers)
            #expect(report.text.contains("the report"))
            let state = try HTTPExchange.request(method: "GET", port: port, path: "/api/state", headers: headers)
            #expect(state.text.contains(#""status":"idle""#))

            let revoke = Process()
            revoke.executableURL = URL(fileURLWithPath: BuiltProducts.path("foredesk"))
            revoke.arguments = ["serve", "--revoke", "--listen", "127.0.0.1:\(port)"]
            let out = Pipe()
            revoke.standardOutput = out
            try revoke.run()
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            revoke.waitUntilExit()
            #expect(revoke.terminationStatus == 0)
            let second = printed.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(second.hasPrefix("http://127.0.0.1:\(port)/pair/") && second != first, "\(printed)")
            #expect(try HTTPExchange.request(method: "GET", port: port, path: "/api/state", headers: headers).status == 401)
            #expect(text(dir + "/stderr").contains("every session was revoked"))
            _ = try pair(second, port: port)
            try stop(process)
        }
    }

    @Test func anAddressOtherThanLoopbackIsWarnedAbout() throws {
        try withTemporaryDirectory { dir in
            let port = try HTTPExchange.freePort()
            let process = try serve(["--sessions", dir, "--listen", "0.0.0.0:\(port)"], in: dir)
            defer { if process.isRunning { process.terminate() } }
            _ = try link(process, in: dir)
            #expect(text(dir + "/stderr").contains("warning: the supervision server listens on 0.0.0.0"))
            try stop(process)
        }
    }

    @Test func aBadListenAddressIsAUsageError() throws {
        try withTemporaryDirectory { dir in
            let process = try serve(["--listen", "127.0.0.1:http"], in: dir)
            process.waitUntilExit()
            #expect(process.terminationStatus == 64)
            #expect(text(dir + "/stderr").contains("--listen takes ADDR:PORT"))
        }
    }
}
