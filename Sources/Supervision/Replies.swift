import Foundation
import Hummingbird

/// Responses the routes give: text, JSON, PNG and HTML with their content types.
enum Replies {
    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        bytes(status, Array((text + "\n").utf8), type: "text/plain; charset=utf-8")
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return bytes(status, Array(data), type: "application/json")
    }

    static func bytes(_ status: HTTPResponse.Status, _ bytes: [UInt8], type: String) -> Response {
        Response(
            status: status, headers: [.contentType: type],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
