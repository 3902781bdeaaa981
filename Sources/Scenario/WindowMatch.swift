/// Which window a step means: a title pattern, a WM_CLASS name, or both (then both must match).
public struct WindowMatch: Sendable, Equatable {
    /// `title:`, a regular expression found anywhere in the window title.
    public var title: TextPattern?
    /// `class:`, the WM_CLASS class or instance name (any case).
    public var windowClass: String?

    /// A match from its parts; give at least one.
    public init(title: TextPattern? = nil, windowClass: String? = nil) {
        self.title = title
        self.windowClass = windowClass
    }
}
