public import Imaging
internal import CX11
import Processes

extension Desktop {
    /// Moves the pointer to point in screen coordinates. The corresponding X call is `XTestFakeMotionEvent`.
    public func move(to point: Point) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            try connection.checkOnScreen(point)
            try connection.trapped("XTestFakeMotionEvent") { connection.fakeMotion(point) }
        }
    }

    /// Clicks button count times (2 = double click), first moving to point when one is given.
    public func click(at point: Point? = nil, button: MouseButton = .left, count: Int = 1) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            if let point { try connection.checkOnScreen(point) }
            try connection.trapped("XTestFakeButtonEvent") {
                if let point { connection.fakeMotion(point) }
                for _ in 0..<max(count, 1) {
                    connection.fakeButton(button.number, down: true)
                    connection.fakeButton(button.number, down: false)
                }
            }
        }
    }

    /// Presses button and keeps it down until `release(_:)` (or until the desktop is released).
    public func press(_ button: MouseButton) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            try connection.trapped("XTestFakeButtonEvent") { connection.fakeButton(button.number, down: true) }
        }
    }

    /// Releases a button pressed with `press(_:)`.
    public func release(_ button: MouseButton) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            try connection.trapped("XTestFakeButtonEvent") { connection.fakeButton(button.number, down: false) }
        }
    }

    /// Presses button at start, moves in steps to end and releases there, as a hand would.
    ///
    /// With a duration the moves are spread over that time (a step about every 16 ms), and the
    /// connection is free between them, so `interruptInput(patience:)` can release the button mid-drag.
    /// - Throws: `.interrupted` when input was interrupted during a slow drag.
    public func drag(
        from start: Point, to end: Point, button: MouseButton = .left, steps: Int = 10, duration: Duration = .zero
    ) throws(DesktopError) {
        let frames = duration / .milliseconds(16)
        let n = max(steps, duration > .zero ? min(Int(frames), 2000) : 1, 1)
        func position(_ i: Int) -> Point {
            Point(x: start.x + (end.x - start.x) * i / n, y: start.y + (end.y - start.y) * i / n)
        }
        guard duration > .zero else {
            try withConnection { (connection) throws(DesktopError) in
                try connection.checkOnScreen(start)
                try connection.checkOnScreen(end)
                try connection.trapped("drag") {
                    connection.fakeMotion(start)
                    connection.fakeButton(button.number, down: true)
                    for i in 1...n { connection.fakeMotion(position(i)) }
                    connection.fakeButton(button.number, down: false)
                }
            }
            return
        }
        try withConnection { (connection) throws(DesktopError) in
            try connection.checkOnScreen(start)
            try connection.checkOnScreen(end)
            try connection.trapped("drag") {
                connection.fakeMotion(start)
                connection.fakeButton(button.number, down: true)
            }
        }
        let pause = duration / n
        for i in 1...n {
            blockingSleep(pause)
            if ledger.isStopped { throw .interrupted("the drag from \(start) to \(end)") }
            try withConnection { (connection) throws(DesktopError) in
                try connection.trapped("drag") { connection.fakeMotion(position(i)) }
            }
        }
        try withConnection { (connection) throws(DesktopError) in
            try connection.trapped("drag") { connection.fakeButton(button.number, down: false) }
        }
    }

    /// Scrolls by wheel clicks: dy > 0 down, dy < 0 up, dx > 0 right, dx < 0 left (buttons 5, 4, 7, 6).
    public func scroll(dx: Int = 0, dy: Int, at point: Point? = nil) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            if let point { try connection.checkOnScreen(point) }
            try connection.trapped("scroll") {
                if let point { connection.fakeMotion(point) }
                for (amount, negative, positive) in [(dy, UInt32(4), UInt32(5)), (dx, UInt32(6), UInt32(7))] {
                    for _ in 0..<abs(amount) {
                        let button = amount < 0 ? negative : positive
                        connection.fakeButton(button, down: true)
                        connection.fakeButton(button, down: false)
                    }
                }
            }
        }
    }

    /// Where the pointer is now, in screen coordinates.
    public func pointerPosition() throws(DesktopError) -> Point {
        try withConnection { (connection) throws(DesktopError) -> Point in
            try connection.trapped("XQueryPointer") { connection.queryPointer().point }
        }
    }
}

extension X11Connection {
    func checkOnScreen(_ point: Point) throws(DesktopError) {
        guard point.x >= 0, point.y >= 0, point.x < screenSize.width, point.y < screenSize.height else {
            throw .outsideScreen(point, screenSize)
        }
    }

    func fakeMotion(_ point: Point) {
        guard !ledger.isStopped else { return }
        XTestFakeMotionEvent(handle, -1, Int32(point.x), Int32(point.y), 0)
    }

    /// The pointer position, the top-level window under it (0 when none) and the button and
    /// modifier mask.
    func queryPointer() -> (point: Point, child: UInt, mask: UInt32) {
        var rootReturn: UInt = 0
        var child: UInt = 0
        var rootX: Int32 = 0
        var rootY: Int32 = 0
        var winX: Int32 = 0
        var winY: Int32 = 0
        var mask: UInt32 = 0
        XQueryPointer(handle, root, &rootReturn, &child, &rootX, &rootY, &winX, &winY, &mask)
        return (Point(x: Int(rootX), y: Int(rootY)), child, mask)
    }
}
