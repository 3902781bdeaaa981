import Desktop
import Imaging
import Session

/// JSON for command output, through the Session layer's codec (objects keep their key order).
enum JSON {
    static func window(_ window: WindowInfo) -> JSONValue {
        .object([
            .init("id", .int(Int(window.id.rawValue))),
            .init("title", .string(window.title)),
            .init("class", .string(window.className)),
            .init("instance", .string(window.instanceName)),
            .init("pid", window.pid.map { .int(Int($0)) } ?? .null),
            .init("x", .int(window.frame.x)),
            .init("y", .int(window.frame.y)),
            .init("width", .int(window.frame.width)),
            .init("height", .int(window.frame.height)),
            .init("mapped", .bool(window.isMapped)),
            .init("viewable", .bool(window.isViewable)),
            .init("stacking", .int(window.stackingIndex)),
        ])
    }
}
