/// What a click at a point would land in (`Desktop.topWindow(at:)`).
public enum WindowHit: Sendable, Equatable {
    /// The topmost top-level window there, described by its application window.
    case window(WindowInfo)
    /// No window: the bare desktop (the root window).
    case desktop
    /// Something that is no application's window (an input-only helper), or it vanished meanwhile.
    case unknown
}
