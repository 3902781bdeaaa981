public import Desktop
import Imaging
public import Session

/// A window as JSON, the same for `foredesk windows --json` and the agent door.
public enum WindowJSON {
    /// id, title, class, instance, pid, geometry, mapped, viewable and stacking, in that order.
    public static func object(_ window: WindowInfo) -> JSONValue {
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
