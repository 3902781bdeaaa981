public import Policy
import Imaging

/// An action as the session records it: its kind and parameters, with secret text already replaced.
///
/// The event log takes only this type, never `Policy.Action`, so secret text cannot reach a file: the
/// initialisers drop it before the value exists.
public struct RecordedAction: Sendable, Equatable, CustomStringConvertible {
    /// What stands in for secret text in every file.
    public static let secretPlaceholder = "[secret]"

    /// The step or action kind as written in scenarios (`click`, `type`, `expect_screen`).
    public var kind: String
    /// The parameters in a fixed order (`x`, `y`, `text`, `keys`, …).
    public var parameters: [JSONValue.Member]

    /// A recorded action from a kind and parameters that hold no secrets; use `init(_:)` for typed text.
    public init(kind: String, parameters: [JSONValue.Member] = []) {
        self.kind = kind
        self.parameters = parameters
    }

    /// The record of a gated action; a secret `type` text becomes `secretPlaceholder`.
    public init(_ action: Action) {
        var parameters: [JSONValue.Member] = []
        if let point = action.point {
            parameters += [.init("x", .int(point.x)), .init("y", .int(point.y))]
        }
        if let end = action.endPoint {
            parameters += [.init("to_x", .int(end.x)), .init("to_y", .int(end.y))]
        }
        if let keys = action.keys { parameters.append(.init("keys", .string(keys))) }
        if let text = action.text {
            parameters.append(.init("text", .string(action.isSecret ? Self.secretPlaceholder : text)))
            if action.isSecret { parameters.append(.init("secret", .bool(true))) }
        }
        if let app = action.app { parameters.append(.init("app", .string(app))) }
        if let command = action.command { parameters.append(.init("command", .string(command))) }
        self.init(kind: action.kind.rawValue, parameters: parameters)
    }

    /// `click x=10 y=20`, for reports.
    public var description: String {
        ([kind] + parameters.map { "\($0.name)=\(Self.plain($0.value))" }).joined(separator: " ")
    }

    static func plain(_ value: JSONValue) -> String {
        if case let .string(text) = value { return text }
        return value.rendered
    }

    var json: JSONValue {
        .object([.init("kind", .string(kind))] + parameters)
    }

    init(json: JSONValue) throws(DecodingProblem) {
        guard case let .object(members) = json else { throw DecodingProblem("action is not an object") }
        guard let kind = json["kind"]?.stringValue else { throw DecodingProblem("action has no kind") }
        self.init(kind: kind, parameters: members.filter { $0.name != "kind" })
    }
}

/// Why a JSON value is not the session record it should be.
struct DecodingProblem: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
