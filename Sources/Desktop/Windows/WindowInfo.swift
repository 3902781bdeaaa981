public import Imaging

/// What foredesk knows about one top-level window.
public struct WindowInfo: Sendable, Equatable {
    /// The application's own (client) window, not the window manager's frame around it.
    public var id: WindowID
    /// `_NET_WM_NAME` (UTF-8), else `WM_NAME`; empty when the window has neither.
    public var title: String
    /// The class part of `WM_CLASS` (e.g. "XTerm").
    public var className: String
    /// The instance part of `WM_CLASS` (e.g. "xterm").
    public var instanceName: String
    /// The PID of the client that created the window, from the X-Resource extension; nil when unknown.
    public var pid: Int32?
    /// The client area in screen coordinates.
    public var frame: Rect
    /// The window is mapped (it may still be hidden by an unmapped ancestor).
    public var isMapped: Bool
    /// The window and all its ancestors are mapped, so it can be seen.
    public var isViewable: Bool
    /// Position in the stacking order: 0 is the bottom-most top-level window.
    public var stackingIndex: Int
    /// The window bypasses the window manager (menus, tooltips).
    public var isOverrideRedirect: Bool
    /// The whole top-level window in screen coordinates: the client area with the window manager's
    /// frame (title bar, borders) around it; the client area itself when there is no frame.
    public var outerFrame: Rect

    /// A window description from its parts.
    public init(
        id: WindowID, title: String, className: String, instanceName: String, pid: Int32?, frame: Rect,
        isMapped: Bool, isViewable: Bool, stackingIndex: Int, isOverrideRedirect: Bool, outerFrame: Rect? = nil
    ) {
        self.id = id
        self.title = title
        self.className = className
        self.instanceName = instanceName
        self.pid = pid
        self.frame = frame
        self.isMapped = isMapped
        self.isViewable = isViewable
        self.stackingIndex = stackingIndex
        self.isOverrideRedirect = isOverrideRedirect
        self.outerFrame = outerFrame ?? frame
    }
}
