import Desktop
import Imaging

/// Minimal JSON writing for command output: objects keep their key order, which JSONEncoder does not.
enum JSON {
    /// A JSON value.
    indirect enum Value {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case null
        case object([(String, Value)])
        case array([Value])
    }

    static func render(_ value: Value) -> String {
        switch value {
        case let .string(text): quote(text)
        case let .int(number): String(number)
        case let .double(number): String(number)
        case let .bool(flag): flag ? "true" : "false"
        case .null: "null"
        case let .object(pairs): "{" + pairs.map { quote($0.0) + ":" + render($0.1) }.joined(separator: ",") + "}"
        case let .array(items): "[" + items.map(render).joined(separator: ",") + "]"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func window(_ window: WindowInfo) -> Value {
        .object([
            ("id", .int(Int(window.id.rawValue))),
            ("title", .string(window.title)),
            ("class", .string(window.className)),
            ("instance", .string(window.instanceName)),
            ("pid", window.pid.map { .int(Int($0)) } ?? .null),
            ("x", .int(window.frame.x)),
            ("y", .int(window.frame.y)),
            ("width", .int(window.frame.width)),
            ("height", .int(window.frame.height)),
            ("mapped", .bool(window.isMapped)),
            ("viewable", .bool(window.isViewable)),
            ("stacking", .int(window.stackingIndex)),
        ])
    }
}
