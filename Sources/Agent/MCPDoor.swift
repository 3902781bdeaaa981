import Dispatch
import Foundation
import MCP
import Session

/// `foredesk mcp`: an MCP server on stdio whose tools are the agent catalog.
///
/// A denied or failed call is a tool result with `isError: true` and the reason; an unknown tool or
/// bad arguments are JSON-RPC errors (invalid params); malformed JSON is answered by the SDK with a
/// parse error. The server keeps serving after each of them, until stdin closes or a budget runs out.
public enum MCPDoor {
    /// Serves session over stdin/stdout until the client leaves or the session ends.
    public static func serve(_ session: AgentSession, version: String) async throws {
        let server = Server(
            name: "foredesk", version: version,
            instructions: "Drive this desktop through foredesk's policy gate: look with screenshot, act with click, type and key. "
                + "Every call is recorded; denied calls say why.",
            capabilities: .init(tools: .init(listChanged: false)))
        let queue = DispatchQueue(label: "foredesk.agent")  // one call at a time, off the cooperative pool
        let ended = Ended()
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(
                tools: AgentTool.catalog.map { tool in
                    Tool(name: tool.name, description: tool.summary, inputSchema: value(tool.inputSchema))
                })
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            let call: AgentCall
            do throws(AgentProtocolError) {
                call = try AgentCall(tool: parameters.name, arguments: parameters.arguments.map { json(.object($0)) })
            } catch {
                throw MCPError.invalidParams(error.description)
            }
            let reply = await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: session.call(call)) }
            }
            if reply.endsSession { ended.signal() }
            return result(reply)
        }
        try await server.start(transport: StdioTransport())
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await server.waitUntilCompleted() }
            group.addTask { await ended.wait() }
            await group.next()
            group.cancelAll()
        }
        // Give the last response a moment to leave before the server goes.
        try? await Task.sleep(for: .milliseconds(200))
        await server.stop()
    }

    static func result(_ reply: AgentReply) -> CallTool.Result {
        var content: [Tool.Content] = []
        if let image = reply.image {
            content.append(.image(data: Data(image.png).base64EncodedString(), mimeType: "image/png", annotations: nil, _meta: nil))
        }
        var text = reply.failure.map { "\($0.rawValue): \(reply.text)" } ?? reply.text
        if let decision = reply.decision { text += "\ngate: \(decision.verdict) (\(decision.rule)): \(decision.message)" }
        if let data = reply.data { text += "\n" + data.rendered }
        content.append(.text(text: text, annotations: nil, _meta: nil))
        return CallTool.Result(content: content, structuredContent: reply.data.map(value), isError: reply.failure != nil)
    }

    /// Session JSON as the SDK's value.
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case let .string(text): .string(text)
        case let .int(number): .int(number)
        case let .double(number): .double(number)
        case let .bool(flag): .bool(flag)
        case .null: .null
        case let .array(items): .array(items.map(value))
        case let .object(members): .object(Dictionary(members.map { ($0.name, value($0.value)) }, uniquingKeysWith: { $1 }))
        }
    }

    /// The SDK's value as session JSON (keys sorted: a dictionary has no order).
    static func json(_ value: Value) -> JSONValue {
        switch value {
        case let .string(text): .string(text)
        case let .int(number): .int(number)
        case let .double(number): .double(number)
        case let .bool(flag): .bool(flag)
        case .null: .null
        case let .data(_, bytes): .string(bytes.base64EncodedString())
        case let .array(items): .array(items.map(json))
        case let .object(members): .object(members.sorted { $0.key < $1.key }.map { .init($0.key, json($0.value)) })
        }
    }
}

/// A one-time signal an async task can wait for: the session ended.
private final class Ended: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    func signal() {
        continuation.yield()
        continuation.finish()
    }

    func wait() async {
        for await _ in stream { return }
    }
}
