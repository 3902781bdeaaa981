public import Policy

/// The foreground window at the time of an event.
public struct WindowRecord: Sendable, Equatable {
    /// The X window id.
    public var id: UInt
    /// The window's title.
    public var title: String
    /// The class part of `WM_CLASS`.
    public var className: String
    /// The owning client's PID, when known.
    public var pid: Int32?

    /// A record from its parts.
    public init(id: UInt, title: String, className: String, pid: Int32?) {
        self.id = id
        self.title = title
        self.className = className
        self.pid = pid
    }

    /// The record of the window the gate saw.
    public init(_ facts: WindowFacts) {
        self.init(id: facts.id, title: facts.title, className: facts.className, pid: facts.pid)
    }

    var json: JSONValue {
        .object([
            .init("id", .int(Int(bitPattern: id))), .init("title", .string(title)),
            .init("class", .string(className)), .init("pid", pid.map { .int(Int($0)) } ?? .null),
        ])
    }

    init(json: JSONValue) throws(DecodingProblem) {
        guard let id = json["id"]?.intValue else { throw DecodingProblem("foreground window has no id") }
        self.init(
            id: UInt(bitPattern: id), title: json["title"]?.stringValue ?? "",
            className: json["class"]?.stringValue ?? "", pid: json["pid"]?.intValue.flatMap { Int32(exactly: $0) })
    }
}
