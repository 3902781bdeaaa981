/// Which window to wait for or find: every given criterion must hold.
public struct WindowQuery: Sendable, CustomStringConvertible {
    /// A regular expression searched for in the title.
    public var titlePattern: String?
    /// The WM_CLASS class or instance name, compared exactly.
    public var className: String?
    /// The owning process.
    public var pid: Int32?
    /// Match only windows that can be seen (the default), or mapped-but-hidden ones too.
    public var viewableOnly: Bool

    /// A query from its criteria; all nil matches any viewable window.
    public init(titlePattern: String? = nil, className: String? = nil, pid: Int32? = nil, viewableOnly: Bool = true) {
        self.titlePattern = titlePattern
        self.className = className
        self.pid = pid
        self.viewableOnly = viewableOnly
    }

    /// Checks the regular expression; nil when it compiles.
    public func validationError() -> String? {
        guard let titlePattern else { return nil }
        do {
            _ = try Regex(titlePattern)
            return nil
        } catch {
            return "invalid title pattern /\(titlePattern)/: \(error)"
        }
    }

    /// True when window satisfies every criterion.
    public func matches(_ window: WindowInfo) -> Bool {
        if viewableOnly && !window.isViewable { return false }
        if let className, window.className != className && window.instanceName != className { return false }
        if let pid, window.pid != pid { return false }
        if let titlePattern {
            guard let regex = try? Regex(titlePattern), window.title.contains(regex) else { return false }
        }
        return true
    }

    public var description: String {
        var parts: [String] = []
        if let titlePattern { parts.append("title /\(titlePattern)/") }
        if let className { parts.append("class \(className)") }
        if let pid { parts.append("pid \(pid)") }
        return parts.isEmpty ? "any window" : parts.joined(separator: ", ")
    }
}
