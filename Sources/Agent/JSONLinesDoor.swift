import Foundation
import Imaging
public import Session

/// `foredesk agent --jsonl`: one JSON request a line on stdin, one JSON response a line on stdout.
///
/// Request: `{"id": 1, "tool": "click", "arguments": {"x": 10, "y": 20}}` (`list_tools` lists the tools).
/// Response: `{"id": 1, "ok": true, "text": "…", "decision": {…}, "result": …, "image": {…}}`, or
/// `{"id": 1, "ok": false, "error": {"code": "denied", "message": "…"}}`. A line that is not a request
/// is answered with a protocol error (`parse_error`, `invalid_request`, `unknown_tool`,
/// `invalid_arguments`) and the door keeps serving.
public enum JSONLinesDoor {
    /// The response to one request line; the second value says the session ended with it.
    public static func respond(to line: String, session: AgentSession) -> (response: JSONValue, ends: Bool) {
        let request: JSONValue
        do throws(JSONSyntaxError) {
            request = try JSONValue(parsing: line)
        } catch {
            return (failure(id: .null, code: "parse_error", message: "not JSON: \(error)"), false)
        }
        guard case .object = request else {
            return (failure(id: .null, code: "invalid_request", message: "a request is a JSON object with \"tool\""), false)
        }
        let id = request["id"] ?? .null
        guard let tool = (request["tool"] ?? request["op"])?.stringValue else {
            return (failure(id: id, code: "invalid_request", message: "the request has no \"tool\" string"), false)
        }
        if tool == "list_tools" {
            let tools = AgentTool.catalog.map { tool in
                JSONValue.object([
                    .init("name", .string(tool.name)), .init("description", .string(tool.summary)),
                    .init("input_schema", tool.inputSchema),
                ])
            }
            return (.object([.init("id", id), .init("ok", .bool(true)), .init("result", .array(tools))]), false)
        }
        let call: AgentCall
        do throws(AgentProtocolError) {
            call = try AgentCall(tool: tool, arguments: request["arguments"])
        } catch {
            let code = if case .unknownTool = error { "unknown_tool" } else { "invalid_arguments" }
            return (failure(id: id, code: code, message: error.description), false)
        }
        let reply = session.call(call)
        return (response(id: id, reply), reply.endsSession)
    }

    static func response(id: JSONValue, _ reply: AgentReply) -> JSONValue {
        var members: [JSONValue.Member] = [.init("id", id), .init("ok", .bool(reply.failure == nil))]
        if let failure = reply.failure {
            members.append(.init("error", .object([.init("code", .string(failure.rawValue)), .init("message", .string(reply.text))])))
        } else {
            members.append(.init("text", .string(reply.text)))
        }
        if let decision = reply.decision {
            members.append(
                .init(
                    "decision",
                    .object([
                        .init("verdict", .string(decision.verdict)), .init("rule", .string(decision.rule)),
                        .init("message", .string(decision.message)),
                    ])))
        }
        if let data = reply.data { members.append(.init("result", data)) }
        if let image = reply.image {
            members.append(
                .init(
                    "image",
                    .object([
                        .init("mime_type", .string("image/png")), .init("width", .int(image.size.width)),
                        .init("height", .int(image.size.height)), .init("scale", .double(image.scale)),
                        .init("png_base64", .string(Data(image.png).base64EncodedString())),
                    ])))
        }
        if reply.endsSession { members.append(.init("session_ended", .bool(true))) }
        return .object(members)
    }

    static func failure(id: JSONValue, code: String, message: String) -> JSONValue {
        .object([
            .init("id", id), .init("ok", .bool(false)),
            .init("error", .object([.init("code", .string(code)), .init("message", .string(message))])),
        ])
    }

    /// Serves requests from stdin until it closes or the session ends; each response is one flushed line.
    public static func serve(_ session: AgentSession) {
        while let line = readLine(strippingNewline: true) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let (response, ends) = respond(to: line, session: session)
            FileHandle.standardOutput.write(Data((response.rendered + "\n").utf8))
            if ends { return }
        }
    }
}
