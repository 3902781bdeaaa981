public import Imaging
internal import CX11
import Processes

extension Desktop {
    /// Top-level application windows, bottom of the stack first; hidden (unmapped) ones only when asked.
    public func windows(includeHidden: Bool = false) throws(DesktopError) -> [WindowInfo] {
        try withConnection { (connection) throws(DesktopError) -> [WindowInfo] in
            try connection.topLevelWindows().filter { includeHidden || $0.isViewable }
        }
    }

    /// What a click at point would land in now: the topmost top-level window there (its application
    /// window described), the bare desktop, or unknown (then ask `windows()`). A few round trips
    /// instead of describing every window.
    public func topWindow(at point: Point) throws(DesktopError) -> WindowHit {
        try withConnection { (connection) throws(DesktopError) -> WindowHit in connection.topLevelWindow(at: point) }
    }

    /// The window that receives keyboard input now; nil when none does.
    public func activeWindow() throws(DesktopError) -> WindowInfo? {
        try withConnection { (connection) throws(DesktopError) -> WindowInfo? in try connection.activeWindow() }
    }

    /// The id of the window that receives keyboard input now, in one round trip when a window
    /// manager keeps `_NET_ACTIVE_WINDOW`: the cheap check to run before every action.
    public func activeWindowID() throws(DesktopError) -> WindowID? {
        try withConnection { (connection) throws(DesktopError) -> WindowID? in connection.activeWindowID() }
    }

    /// The description of one window.
    /// - Throws: `.windowGone` when it does not exist.
    public func window(_ id: WindowID) throws(DesktopError) -> WindowInfo {
        try withConnection { (connection) throws(DesktopError) -> WindowInfo in
            guard let info = try connection.info(forTopLevelOf: id.rawValue) else { throw .windowGone(id) }
            return info
        }
    }

    /// The topmost window matching query now, or nil.
    public func findWindow(matching query: WindowQuery) throws(DesktopError) -> WindowInfo? {
        try windows(includeHidden: !query.viewableOnly).last(where: query.matches)
    }

    /// Waits until a window matching query exists and returns the topmost one.
    /// - Throws: `.timeout` naming the query when none appears in time.
    public func waitForWindow(matching query: WindowQuery, timeout: Duration = .seconds(10)) throws(DesktopError)
        -> WindowInfo
    {
        if let problem = query.validationError() { throw .timeout(problem) }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let window = try findWindow(matching: query) { return window }
            if ContinuousClock.now >= deadline {
                let seen = try windows().map { "'\($0.title)' (\($0.className.isEmpty ? "no class" : $0.className), pid \($0.pid.map(String.init) ?? "?"))" }
                throw .timeout(
                    "no window matching \(query) appeared within \(timeout.formattedSeconds); visible: "
                        + (seen.isEmpty ? "none" : seen.joined(separator: ", ")))
            }
            // Listing windows costs a few round trips per window; 10 ms keeps the server nearly idle.
            blockingSleep(.milliseconds(10))
        }
    }

    /// Makes window the active one and raises it: the EWMH request when a window manager runs,
    /// else raise and focus directly; then waits until it really is active.
    /// - Throws: `.activationFailed` when it is still not active after timeout.
    public func activate(_ id: WindowID, timeout: Duration = .seconds(2)) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            guard connection.attributes(of: id.rawValue) != nil else { throw .windowGone(id) }
            if connection.windowManagerSupports("_NET_ACTIVE_WINDOW") {
                try connection.trapped("_NET_ACTIVE_WINDOW", window: id) {
                    // Source indication 2 (a pager): the user asked for it, so focus-stealing prevention stays out.
                    cx11_send_root_message(
                        connection.handle, id.rawValue, connection.atom("_NET_ACTIVE_WINDOW"), 2, 0, 0, 0, 0)
                }
            } else {
                try connection.trapped("XSetInputFocus", window: id) {
                    XMapRaised(connection.handle, id.rawValue)
                    XSetInputFocus(connection.handle, id.rawValue, RevertToParent, 0)
                }
            }
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if try activeWindow()?.id == id { return }
            if ContinuousClock.now >= deadline {
                throw .activationFailed(id, "it was not the active window after \(timeout.formattedSeconds)")
            }
            blockingSleep(.milliseconds(5))
        }
    }

    /// The screen's monitors (XRandR), or the whole screen when RandR reports none.
    public func monitors() throws(DesktopError) -> [Rect] {
        try withConnection { (connection) throws(DesktopError) -> [Rect] in
            var count: Int32 = 0
            guard let list = XRRGetMonitors(connection.handle, connection.root, 1, &count), count > 0 else {
                return [Rect(origin: Point(x: 0, y: 0), size: connection.screenSize)]
            }
            defer { XRRFreeMonitors(list) }
            return (0..<Int(count)).map {
                Rect(x: Int(list[$0].x), y: Int(list[$0].y), width: Int(list[$0].width), height: Int(list[$0].height))
            }
        }
    }
}

extension Duration {
    /// "2.5 s", for messages.
    var formattedSeconds: String {
        let ms = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(Double(ms) / 1000) s"
    }
}
