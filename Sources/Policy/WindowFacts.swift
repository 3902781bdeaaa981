public import Imaging

/// What the runner found out about one top-level window, copied from Desktop's `WindowInfo`.
public struct WindowFacts: Sendable, Equatable, CustomStringConvertible {
    /// The X window id (Desktop's `WindowID.rawValue`).
    public var id: UInt
    /// The window's title.
    public var title: String
    /// The class part of `WM_CLASS`, such as "XTerm".
    public var className: String
    /// The instance part of `WM_CLASS`, such as "xterm".
    public var instanceName: String
    /// The owning client's PID from the X-Resource extension (not `_NET_WM_PID`); nil when unknown.
    public var pid: Int32?
    /// The client area in screen coordinates.
    public var frame: Rect
    /// The window is mapped.
    public var isMapped: Bool
    /// The window and all its ancestors are mapped.
    public var isViewable: Bool
    /// The window bypasses the window manager (menus, tooltips).
    public var isOverrideRedirect: Bool

    /// Window facts from their parts.
    public init(
        id: UInt, title: String = "", className: String = "", instanceName: String = "", pid: Int32?,
        frame: Rect, isMapped: Bool = true, isViewable: Bool = true, isOverrideRedirect: Bool = false
    ) {
        self.id = id
        self.title = title
        self.className = className
        self.instanceName = instanceName
        self.pid = pid
        self.frame = frame
        self.isMapped = isMapped
        self.isViewable = isViewable
        self.isOverrideRedirect = isOverrideRedirect
    }

    /// `0x400009 'Title' (class XTerm)`, the way reasons name windows.
    public var description: String {
        "0x\(String(id, radix: 16)) '\(title)' (class \(className.isEmpty ? "unknown" : className))"
    }

    /// True when name is this window's class or instance, without regard to case.
    func hasClass(_ name: String) -> Bool {
        let wanted = name.lowercased()
        return className.lowercased() == wanted || instanceName.lowercased() == wanted
    }
}
