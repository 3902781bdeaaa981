internal import CX11
import Imaging

extension X11Connection {
    /// Top-level windows bottom to top: the application windows, not window-manager frames.
    func topLevelWindows() throws(DesktopError) -> [WindowInfo] {
        let managed = windowManagerRunning()
        // The window manager's own check window (EWMH) is no application window.
        let checkWindow = managed ? cardinals(root, "_NET_SUPPORTING_WM_CHECK")?.first : nil
        var result: [WindowInfo] = []
        for (index, child) in children(of: root).enumerated() where child != checkWindow {
            guard let attributes = attributes(of: child), attributes.`class` == InputOutput else { continue }
            let client = clientWindow(of: child)
            // Under a window manager, root children without a client are its frames and helpers.
            if managed && client == nil && attributes.override_redirect == 0 { continue }
            guard let info = describe(client ?? child, topLevel: child, stackingIndex: index) else { continue }
            result.append(info)
        }
        return result
    }

    /// The top-level window a click at point would reach, in one XTranslateCoordinates plus the
    /// description of that one window: `.desktop` over the bare root, `.unknown` when the root child
    /// there is no window an application owns (an input-only helper, or it vanished meanwhile).
    func topLevelWindow(at point: Point) -> WindowHit {
        var x: Int32 = 0
        var y: Int32 = 0
        var child: UInt = 0
        cx11_trap_begin()
        let ok = XTranslateCoordinates(handle, root, root, Int32(point.x), Int32(point.y), &x, &y, &child)
        let errors = cx11_trap_end_after_reply(nil)
        guard ok != 0, errors == 0 else { return .unknown }
        if child == 0 { return .desktop }
        guard let attributes = attributes(of: child), attributes.`class` == InputOutput else { return .unknown }
        guard let info = describe(clientWindow(of: child) ?? child, topLevel: child, stackingIndex: -1) else {
            return .unknown
        }
        return .window(info)
    }

    /// One window's description; nil when it vanished meanwhile.
    func describe(_ window: UInt, topLevel: UInt, stackingIndex: Int) -> WindowInfo? {
        guard let attributes = attributes(of: window), let frame = screenFrame(of: window, attributes) else {
            return nil
        }
        let topAttributes = topLevel == window ? attributes : self.attributes(of: topLevel)
        let hint = classHint(window)
        let pid = cx11_window_pid(handle, window)
        let mapped = attributes.map_state != IsUnmapped && (topAttributes?.map_state ?? IsUnmapped) != IsUnmapped
        return WindowInfo(
            id: WindowID(rawValue: window),
            title: utf8Property(window, "_NET_WM_NAME") ?? legacyTitle(window) ?? "",
            className: hint.className, instanceName: hint.instance, pid: pid > 0 ? pid : nil, frame: frame,
            isMapped: mapped, isViewable: attributes.map_state == IsViewable, stackingIndex: stackingIndex,
            isOverrideRedirect: (topAttributes?.override_redirect ?? 0) != 0,
            // A root child's position is in screen coordinates already; its border lies outside it.
            outerFrame: topLevel == window ? frame : topAttributes.map { top in
                let border = Int(top.border_width)
                return Rect(
                    x: Int(top.x), y: Int(top.y), width: Int(top.width) + 2 * border,
                    height: Int(top.height) + 2 * border)
            })
    }

    /// The client area of a window in screen coordinates.
    func windowFrame(_ id: WindowID) throws(DesktopError) -> Rect {
        guard let attributes = attributes(of: id.rawValue), let frame = screenFrame(of: id.rawValue, attributes) else {
            throw .windowGone(id)
        }
        return frame
    }

    /// The active window: `_NET_ACTIVE_WINDOW` when a window manager keeps it, else the input
    /// focus's top-level window (or, with focus PointerRoot, the top-level under the pointer).
    func activeWindow() throws(DesktopError) -> WindowInfo? {
        guard let id = activeWindowID() else { return nil }
        return try info(forTopLevelOf: id.rawValue)
    }

    /// The active window's id in as few round trips as possible: one when a window manager keeps
    /// `_NET_ACTIVE_WINDOW` (EWMH names the client window there, so no search is needed).
    func activeWindowID() -> WindowID? {
        if let active = cardinals(root, "_NET_ACTIVE_WINDOW")?.first, active != 0 {
            return WindowID(rawValue: active)
        }
        var focus: UInt = 0
        var revert: Int32 = 0
        XGetInputFocus(handle, &focus, &revert)
        if focus == 0 { return nil }  // None: keys go nowhere
        if focus == 1 {  // PointerRoot: keys go to the window under the pointer
            let child = queryPointer().child
            return child == 0 ? nil : topLevelClient(of: child)
        }
        return topLevelClient(of: focus)
    }

    /// The client window of the top-level window that contains window.
    private func topLevelClient(of window: UInt) -> WindowID? {
        guard let top = topLevel(of: window) else { return nil }
        return WindowID(rawValue: clientWindow(of: top) ?? top)
    }

    /// The child of the root that contains window (window itself when it is one).
    func topLevel(of window: UInt) -> UInt? {
        var current = window
        while true {
            guard let parent = parent(of: current) else { return nil }
            if parent == root || parent == 0 { return current }
            current = parent
        }
    }

    /// The described top-level (client) window containing window.
    func info(forTopLevelOf window: UInt) throws(DesktopError) -> WindowInfo? {
        guard let top = topLevel(of: window) else { return nil }
        // A window carrying WM_STATE is the client already; otherwise look inside the frame.
        let client = hasWMState(window) ? window : (clientWindow(of: top) ?? top)
        return describe(client, topLevel: top, stackingIndex: children(of: root).firstIndex(of: top) ?? -1)
    }

    /// True when an EWMH window manager announces itself (`_NET_SUPPORTING_WM_CHECK` on the root,
    /// pointing at a window that points at itself).
    func windowManagerRunning() -> Bool {
        guard let check = cardinals(root, "_NET_SUPPORTING_WM_CHECK")?.first, check != 0,
            cardinals(check, "_NET_SUPPORTING_WM_CHECK")?.first == check
        else { return false }
        return true
    }

    /// True when the window manager lists atom name in `_NET_SUPPORTED`.
    func windowManagerSupports(_ name: String) -> Bool {
        guard windowManagerRunning() else { return false }
        let wanted = atom(name, onlyIfExists: true)
        return wanted != 0 && (cardinals(root, "_NET_SUPPORTED")?.contains(wanted) ?? false)
    }

    /// The application window inside a top-level (frame) window: the first one carrying WM_STATE,
    /// breadth first, as window managers reparent clients one or two levels down (XmuClientWindow).
    func clientWindow(of topLevel: UInt) -> UInt? {
        let wmState = atom("WM_STATE", onlyIfExists: true)
        guard wmState != 0 else { return nil }
        var queue = [topLevel]
        var depth = 0
        while !queue.isEmpty && depth < 4 {
            var next: [UInt] = []
            for window in queue {
                if hasProperty(window, wmState) { return window }
                next += children(of: window)
            }
            queue = next
            depth += 1
        }
        return nil
    }

    func children(of window: UInt) -> [UInt] {
        queryTree(window)?.children ?? []
    }

    func parent(of window: UInt) -> UInt? {
        queryTree(window)?.parent
    }

    /// XQueryTree: the parent and the children, bottom of the stack first; nil when the window is gone.
    private func queryTree(_ window: UInt) -> (parent: UInt, children: [UInt])? {
        var rootReturn: UInt = 0
        var parent: UInt = 0
        var list: UnsafeMutablePointer<UInt>?
        var count: UInt32 = 0
        cx11_trap_begin()
        let status = XQueryTree(handle, window, &rootReturn, &parent, &list, &count)
        let errors = cx11_trap_end_after_reply(nil)
        defer { if let list { XFree(list) } }
        guard status != 0, errors == 0 else { return nil }
        return (parent, list.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? [])
    }

    func attributes(of window: UInt) -> XWindowAttributes? {
        var attributes = XWindowAttributes()
        cx11_trap_begin()
        let status = XGetWindowAttributes(handle, window, &attributes)
        let errors = cx11_trap_end_after_reply(nil)
        return status != 0 && errors == 0 ? attributes : nil
    }

    /// True when the window carries WM_STATE, which window managers put on client windows (ICCCM 4.1.3.1).
    func hasWMState(_ window: UInt) -> Bool {
        let wmState = atom("WM_STATE", onlyIfExists: true)
        return wmState != 0 && hasProperty(window, wmState)
    }

    private func hasProperty(_ window: UInt, _ atom: UInt) -> Bool {
        var count: Int32 = 0
        cx11_trap_begin()
        let list = XListProperties(handle, window, &count)
        _ = cx11_trap_end_after_reply(nil)
        guard let list else { return false }
        defer { XFree(list) }
        return UnsafeBufferPointer(start: list, count: Int(count)).contains(atom)
    }

    private func screenFrame(of window: UInt, _ attributes: XWindowAttributes) -> Rect? {
        var x: Int32 = 0
        var y: Int32 = 0
        var child: UInt = 0
        cx11_trap_begin()
        let ok = XTranslateCoordinates(handle, window, root, 0, 0, &x, &y, &child)
        let errors = cx11_trap_end_after_reply(nil)
        guard ok != 0, errors == 0 else { return nil }
        return Rect(x: Int(x), y: Int(y), width: Int(attributes.width), height: Int(attributes.height))
    }
}
