public import Imaging

/// What must never reach disk (`redact:`): windows by class and/or title, and fixed screen regions,
/// blacked out in every frame a run saves.
public struct RedactPolicy: Sendable, Equatable {
    /// A window to black out: every field given must match.
    public struct WindowRule: Sendable, Equatable {
        /// WM_CLASS class or instance name (any case); nil matches any.
        public var windowClass: String?
        /// A regular expression searched anywhere in the title; nil matches any.
        public var title: CommandPattern?

        /// A rule from its parts; at least one should be given, or every window matches.
        public init(windowClass: String? = nil, title: CommandPattern? = nil) {
            self.windowClass = windowClass
            self.title = title
        }

        /// True when a window of this class, instance name and title is to be blacked out.
        public func matches(className: String, instanceName: String, title windowTitle: String) -> Bool {
            if let wanted = windowClass?.lowercased(),
                className.lowercased() != wanted, instanceName.lowercased() != wanted
            {
                return false
            }
            if let title, !title.matches(windowTitle) { return false }
            return true
        }
    }

    /// `redact.windows`, in file order.
    public var windows: [WindowRule]
    /// `redact.regions`, screen rectangles.
    public var regions: [Rect]

    /// A redaction from its parts; the default redacts nothing.
    public init(windows: [WindowRule] = [], regions: [Rect] = []) {
        self.windows = windows
        self.regions = regions
    }

    /// Nothing is redacted.
    public var isEmpty: Bool { windows.isEmpty && regions.isEmpty }

    /// Both policies' windows and regions: what several apps' policies ask to hide together.
    public func merged(with other: RedactPolicy) -> RedactPolicy {
        RedactPolicy(
            windows: windows + other.windows.filter { !windows.contains($0) },
            regions: regions + other.regions.filter { !regions.contains($0) })
    }
}
