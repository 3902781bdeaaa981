import Foundation
import Imaging
import MCP
import SystemPackage
import Testing
import TestSupport

/// `foredesk mcp` driven by a scripted client built on the official MCP Swift SDK: the tools, a
/// screenshot, clicks, typing, an allowed and a denied command, and what the session recorded.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct MCPDoorTests {
    func connect(_ harness: AgentHarness) async throws -> Client {
        let transport = StdioTransport(
            input: FileDescriptor(rawValue: harness.fromServer.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: harness.toServer.fileHandleForWriting.fileDescriptor))
        let client = Client(name: "foredesk-test", version: "1.0")
        _ = try await client.connect(transport: transport)
        return client
    }

    func text(_ content: [Tool.Content]) -> String {
        content.compactMap { if case let .text(text, _, _) = $0 { text } else { nil } }.joined(separator: "\n")
    }

    func image(_ content: [Tool.Content]) throws -> Frame {
        let data = try #require(content.compactMap { item -> String? in
            if case let .image(data, mimeType, _, _) = item, mimeType == "image/png" { return data }
            return nil
        }.first, "the screenshot result holds a PNG")
        return try Frame(pngData: [UInt8](try #require(Data(base64Encoded: data))))
    }

    @Test func aScriptedClientUsesEveryKindOfToolAndTheSessionRecordsEachCall() async throws {
        let harness = try AgentHarness(["mcp"])
        let client = try await connect(harness)

        let (tools, _) = try await client.listTools()
        #expect(
            tools.map(\.name) == [
                "screenshot", "click", "double_click", "move", "drag", "scroll", "type", "key", "windows", "active_window",
                "wait", "run_command", "find_image",
            ])

        let (shot, shotError) = try await client.callTool(name: "screenshot")
        #expect(shotError != true)
        let screen = try image(shot)
        #expect(screen.size == Size(width: 1024, height: 768))
        let ok = try #require(AgentHarness.box(of: FixtureApp.Layout.okColor, in: screen), "the OK button is on the screenshot")

        let (clicked, clickError) = try await client.callTool(
            name: "click", arguments: ["x": .int(ok.center.x), "y": .int(ok.center.y)])
        #expect(clickError != true, "\(text(clicked))")
        #expect(text(clicked).contains("gate: allow"))
        let (typed, typeError) = try await client.callTool(name: "type", arguments: ["text": .string("héllo agent")])
        #expect(typeError != true, "\(text(typed))")

        let (ran, runError) = try await client.callTool(name: "run_command", arguments: ["command": .string("echo made-by-agent; exit 3")])
        #expect(runError != true, "\(text(ran))")
        #expect(text(ran).contains("exited with status 3") && text(ran).contains("made-by-agent"), "\(text(ran))")
        let (denied, deniedError) = try await client.callTool(name: "run_command", arguments: ["command": .string("rm -rf /tmp/x")])
        #expect(deniedError == true, "a denied command is an error result")
        #expect(text(denied).contains("denied"), "\(text(denied))")

        let (key, keyError) = try await client.callTool(name: "key", arguments: ["keys": .string("ctrl+alt+BackSpace")])
        #expect(keyError == true)
        #expect(text(key).contains("keys.leave_app"), "\(text(key))")

        await client.disconnect()
        let (status, stderr) = harness.finish()
        #expect(status == 0, "stderr: \(stderr)")
        let fixture = harness.fixtureEvents
        #expect(fixture.contains { $0.event == "button_release" && $0.target == "ok" }, "the click reached OK")
        #expect(fixture.filter { $0.event == "key_press" }.compactMap(\.text).joined().contains("héllo agent"))

        let session = try #require(AgentHarness.sessionPath(in: stderr), "stderr names the session: \(stderr)")
        let events = try AgentHarness.events(session)
        let calls = events.compactMap { event in AgentHarness.kind(event).map { ($0, AgentHarness.verdict(event)) } }
        #expect(calls.map(\.0) == ["launch", "activate", "screenshot", "click", "type", "run", "run", "key"], "\(calls)")
        #expect(calls.map(\.1) == ["allow", "allow", nil, "allow", "allow", "allow", "deny", "deny"], "\(calls)")
        #expect(FileManager.default.fileExists(atPath: session + "/report.html"))
    }

    @Test func atHalfScaleAPointReadOffTheScreenshotLandsOnThePixelItCovers() async throws {
        let harness = try AgentHarness(["mcp"], flags: ["--scale", "0.5"])
        let client = try await connect(harness)
        let (shot, _) = try await client.callTool(name: "screenshot")
        let screen = try image(shot)
        #expect(screen.size == Size(width: 512, height: 384), "the screenshot is half size")
        // The OK button's corner pixel in the scaled image: its full-size footprint is 2x2 pixels.
        let ok = try #require(AgentHarness.box(of: FixtureApp.Layout.okColor, in: screen))
        let target = Point(x: ok.x + 1, y: ok.y + 1)
        let (clicked, clickError) = try await client.callTool(name: "click", arguments: ["x": .int(target.x), "y": .int(target.y)])
        #expect(clickError != true, "\(text(clicked))")
        await client.disconnect()
        let (status, stderr) = harness.finish()
        #expect(status == 0, "stderr: \(stderr)")
        let press = try #require(harness.fixtureEvents.first { $0.event == "button_press" })
        #expect(press.target == "ok")
        let x = try #require(press.rootX), y = try #require(press.rootY)
        #expect(x / 2 == target.x && y / 2 == target.y, "the click at \(x),\(y) lies in the scaled pixel \(target)")
    }

    @Test func malformedRequestsGetProtocolErrorsAndTheServerKeepsServing() async throws {
        let harness = try AgentHarness(["mcp"])
        let input = harness.toServer.fileHandleForWriting
        let output = LineReader(harness.fromServer.fileHandleForReading)
        func send(_ line: String) { input.write(Data((line + "\n").utf8)) }
        var seen: [[String: Any]] = []
        func response(_ id: Int) throws -> [String: Any] {
            if let earlier = seen.first(where: { $0["id"] as? Int == id }) { return earlier }
            while let line = output.next() {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                seen.append(object)
                if object["id"] as? Int == id { return object }
            }
            throw CancellationError()
        }
        send(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#)
        _ = try response(1)
        send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        send("this is not json")
        send(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"teleport","arguments":{}}}"#)
        send(#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"click","arguments":{"x":10}}}"#)
        send(#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"click","arguments":{"x":"ten","y":5}}}"#)
        send(#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"windows","arguments":{}}}"#)
        let cases: [(Int, String)] = [(2, "unknown tool 'teleport'"), (3, "missing argument 'y'"), (4, "x must be a whole number")]
        for (id, message) in cases {
            let error = try #require(try response(id)["error"] as? [String: Any], "request \(id) is a protocol error")
            #expect(error["code"] as? Int == -32602)
            #expect((error["message"] as? String ?? "").contains(message), "\(error)")
        }
        let windows = try #require(try response(5)["result"] as? [String: Any], "the server still serves")
        let parseErrors = seen.compactMap { ($0["error"] as? [String: Any])?["code"] as? Int }.filter { $0 == -32700 }
        #expect(parseErrors.count == 1, "the line that is not JSON got a parse error: \(seen)")
        #expect(windows["isError"] as? Bool != true)
        #expect("\(windows)".contains("agent fixture"))
        let (status, stderr) = harness.finish()
        #expect(status == 0, "stderr: \(stderr)")
    }
}

/// Lines from a pipe, read as they come.
final class LineReader: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return String(decoding: line, as: UTF8.self)
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}
