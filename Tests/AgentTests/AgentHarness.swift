import Foundation
import Imaging
import Testing
import TestSupport

/// Starts `foredesk mcp` or `foredesk agent --jsonl` around the sandboxed fixture app on a private
/// display, with pipes for the protocol; the test talks to it as an agent would.
final class AgentHarness: @unchecked Sendable {
    let dir: String
    let process = Process()
    let toServer = Pipe()
    let fromServer = Pipe()
    /// What foredesk writes on stderr, readable while it runs.
    var stderr: String { (try? String(contentsOfFile: dir + "/stderr", encoding: .utf8)) ?? "" }

    static let policy = """
        sandbox:
          writable: ["${workspace}", "${out}"]
          network: off
        input:
          apps: [fixture]
        ask:
          - command: "rm *"
        approval: never
        """

    /// The fixture's own log of what reached it.
    var fixtureEvents: [FixtureEvent] {
        guard let data = FileManager.default.contents(atPath: dir + "/ws/fixture.jsonl") else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONDecoder().decode(FixtureEvent.self, from: Data($0)) }
    }

    init(_ door: [String], policy: String = AgentHarness.policy, flags: [String] = []) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("foredesk-agent-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/ws", withIntermediateDirectories: true)
        try policy.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("foredesk"))
        process.arguments =
            door + [
                "--policy", dir + "/policy.yaml", "--launch", "fixture-app --title 'agent fixture' --events \(dir)/ws/fixture.jsonl",
                "--app-name", "fixture", "--virtual", "1024x768", "--out", dir + "/out", "--workspace", dir + "/ws",
            ] + flags
        process.standardInput = toServer
        process.standardOutput = fromServer
        _ = FileManager.default.createFile(atPath: dir + "/stderr", contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/stderr"))
        try process.run()
    }

    /// Closes stdin, waits for the process and returns its status and stderr.
    func finish() -> (status: Int32, stderr: String) {
        try? toServer.fileHandleForWriting.close()
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    /// The session folder named on stderr ("session: PATH").
    static func sessionPath(in stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.hasPrefix("session: ") }.map { String($0.dropFirst("session: ".count)) }
    }

    /// The session's events as JSON objects.
    static func events(_ session: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: session + "/events.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func kind(_ event: [String: Any]) -> String? {
        (event["action"] as? [String: Any])?["kind"] as? String
    }

    static func verdict(_ event: [String: Any]) -> String? {
        (event["decision"] as? [String: Any])?["verdict"] as? String
    }

    /// The smallest rectangle holding every pixel of colour in frame.
    static func box(of color: Color, in frame: Frame) -> Rect? {
        var box: Rect?
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                let pixel = frame[x, y]
                guard pixel.red == color.red, pixel.green == color.green, pixel.blue == color.blue else { continue }
                let one = Rect(x: x, y: y, width: 1, height: 1)
                box = box.map { $0.union(one) } ?? one
            }
        }
        return box
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: dir)
    }
}
