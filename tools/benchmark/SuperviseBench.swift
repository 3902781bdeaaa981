import Desktop
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What watching a run costs it: `foredesk run` of the runner bench's scenario, per input step (the time
/// between its progress lines on stderr), unsupervised, with `--supervise` and nobody watching, and with
/// 20 browser-like clients on the event stream, each fetching the screenshot whenever the stream says it
/// changed. Rounds alternate the three.
enum SuperviseBench {
    static let clients = 20

    static func run(_ context: BenchContext) throws {
        try context.show(.flat)
        let report = context.report
        let relative = context.shotsDirectory + "/supervise"
        let directory = relative.hasPrefix("/") ? relative : FileManager.default.currentDirectoryPath + "/" + relative
        try BenchMain.makeDirectories(directory)
        let file = directory + "/bench.yaml"
        try RunnerBench.scenarioText(frames: "none").write(toFile: file, atomically: true, encoding: .utf8)
        var plain: [Double] = []
        var idle: [Double] = []
        var watched: [Double] = []
        var events = 0
        for _ in 0..<max(2, min(context.options.processRuns, 5)) {
            plain += try steps(context, file: file, out: directory, supervise: false, clients: 0).times
            idle += try steps(context, file: file, out: directory, supervise: true, clients: 0).times
            let loaded = try steps(context, file: file, out: directory, supervise: true, clients: clients)
            watched += loaded.times
            events += loaded.events
        }
        report.record(.supervise, "foredesk run step, unsupervised", plain)
        report.record(.supervise, "foredesk run step, supervised, 0 clients", idle)
        report.record(.supervise, "foredesk run step, supervised, \(clients) clients", watched)
        guard let base = Summary(plain), let quiet = Summary(idle), let loaded = Summary(watched) else { return }
        report.add(Row(
            group: .supervise,
            measurement: "input step of foredesk run --supervise, nobody watching (settle \(RunnerBench.quiet) ms)",
            foredesk: Format.spread(quiet), other: "unsupervised \(Format.spread(base))",
            ratio: Format.ratio(quiet.median / base.median), target: "", verdict: .info))
        let ratio = loaded.median / quiet.median
        report.add(Row(
            group: .supervise,
            measurement: "input step with \(clients) clients on the event stream (\(events) events received)",
            foredesk: Format.spread(loaded), other: "0 clients \(Format.spread(quiet))",
            ratio: Format.ratio(ratio), target: "≤ 1.10x (slower)", verdict: Verdict(ratio <= 1.10, events > 0)))
    }

    /// Runs foredesk on the scenario; the wall time of each input step (ms) and the events clients received.
    private static func steps(
        _ context: BenchContext, file: String, out: String, supervise: Bool, clients: Int
    ) throws -> (times: [Double], events: Int) {
        var arguments = [
            "run", file, "--display", context.lab.display.name, "--out", out + "/sessions", "--workspace", out,
            "--frames", "none",
        ]
        let port = try HTTPClient.freePort()
        if supervise { arguments += ["--supervise", "--listen", "127.0.0.1:\(port)"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: context.options.foredesk)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let lines = Mutex<[(UInt64, String)]>([])
        let reader = Thread {
            var pending = ""
            while true {
                let data = errors.fileHandleForReading.availableData
                guard !data.isEmpty else { return }
                let now = Timing.now()
                pending += String(decoding: data, as: UTF8.self)
                while let end = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<end])
                    pending = String(pending[pending.index(after: end)...])
                    lines.withLock { $0.append((now, line)) }
                }
            }
        }
        try process.run()
        reader.start()
        var streams: [Int32] = []
        let received = Mutex(0)
        if clients > 0 {
            let deadline = Timing.now() + 30_000_000_000
            var link: String?
            while link == nil && Timing.now() < deadline && process.isRunning {
                link = lines.withLock { $0.lazy.compactMap { $0.1.firstMatch(of: /\/pair\/[0-9a-f]+/) }.first }
                    .map { String($0.output) }
                if link == nil { Timing.sleep(milliseconds: 5) }
            }
            guard let link else { throw BenchError.check("foredesk run --supervise printed no pairing link") }
            let reply = try HTTPClient.get(port: port, path: link)
            guard let cookie = reply.firstMatch(of: /foredesk_session=([0-9a-f]+)/)?.output.1.description else {
                throw BenchError.check("pairing gave no cookie: \(reply.prefix(200))")
            }
            streams = try (0..<clients).map { _ in try HTTPClient.open(port: port, path: "/api/events", cookie: cookie) }
            for fd in streams {
                Thread {
                    // A browser: read the stream; on every screen event fetch the screenshot.
                    var chunk = [UInt8](repeating: 0, count: 65536)
                    while true {
                        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                        guard count > 0 else { return }
                        let text = String(decoding: chunk[0..<count], as: UTF8.self)
                        let screens = text.components(separatedBy: "event: screen").count - 1
                        received.withLock { $0 += screens + text.components(separatedBy: "event: state").count - 1 }
                        for _ in 0..<screens {
                            _ = try? HTTPClient.get(port: port, path: "/api/screen.png", cookie: cookie)
                        }
                    }
                }.start()
            }
        }
        process.waitUntilExit()
        for fd in streams { shutdown(fd, Int32(SHUT_RDWR)) }
        Timing.sleep(milliseconds: 50)
        for fd in streams { close(fd) }
        guard process.terminationStatus == 0 else {
            let last = lines.withLock { $0.suffix(8).map(\.1) }.joined(separator: " | ")
            throw BenchError.check(
                "foredesk run (supervise \(supervise), \(clients) clients) exited \(process.terminationStatus): \(last)")
        }
        // One progress line per step (`bench.yaml:12:5 click: allow`); the first two are launch and activate.
        let marks = lines.withLock { $0 }.filter { $0.1.contains("bench.yaml:") }.map(\.0)
        let times = (3..<max(3, marks.count)).map { Double(marks[$0] - marks[$0 - 1]) / 1_000_000 }
        return (times, received.withLock { $0 })
    }
}

/// Just enough HTTP/1.1 over a socket to 127.0.0.1 for the bench's clients.
private enum HTTPClient {
    /// A port of 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound else { throw BenchError.check("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A connected socket that has sent GET path (with the session cookie).
    static func open(port: Int, path: String, cookie: String? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else {
            close(fd)
            throw BenchError.check("cannot connect to 127.0.0.1:\(port)")
        }
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let cookie { head += "Cookie: foredesk_session=\(cookie)\r\n" }
        head += "\r\n"
        _ = head.withCString { write(fd, $0, strlen($0)) }
        return fd
    }

    /// The whole reply to GET path, as text (headers and body).
    static func get(port: Int, path: String, cookie: String? = nil) throws -> String {
        let fd = try open(port: port, path: path, cookie: cookie)
        defer { close(fd) }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            reply += chunk[0..<count]
        }
        return String(decoding: reply, as: UTF8.self)
    }
}
