public import Imaging
internal import CX11
import Synchronization

/// Watches the screen for drawing through XDamage on a connection of its own: an idle screen
/// costs nothing, and a change is seen as soon as the server applies it (no polling).
///
/// Create the watch before the action whose effect you wait for: damage is reported from then on.
public final class ScreenWatch: Sendable {
    private let state: Mutex<State>

    private final class State {
        let connection: X11Connection
        let damage: UInt
        let eventBase: Int32
        /// How many reads found damage: grows with every change seen, by any wait or reset.
        var changes: UInt64 = 0

        init(connection: X11Connection, damage: UInt, eventBase: Int32) {
            self.connection = connection
            self.damage = damage
            self.eventBase = eventBase
        }

        deinit {
            if !connection.isLost { XDamageDestroy(connection.handle, damage) }
        }

        /// Reads pending damage; the union of the damaged areas, nil when there was none.
        func drain() -> Rect? {
            var box: [Int32] = [0, 0, 0, 0]
            let seen = cx11_drain_damage(connection.handle, eventBase, damage, &box)
            if seen > 0 { changes += 1 }
            return seen > 0 ? Rect(x: Int(box[0]), y: Int(box[1]), width: Int(box[2]), height: Int(box[3])) : nil
        }

        /// Waits up to timeout for damage; nil on timeout.
        func next(until deadline: ContinuousClock.Instant) throws(DesktopError) -> Rect? {
            while true {
                try connection.checkAlive()
                if let area = drain() { return area }
                let left = deadline - .now
                if left <= .zero { return nil }
                let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                _ = cx11_wait_for_event(connection.handle, Int32(max(1, min(ms + 1, 60_000))))
            }
        }
    }

    /// Starts watching the whole screen of display (":99", or DISPLAY when nil).
    /// - Throws: `.missingExtension("DAMAGE")` when the server lacks XDamage.
    public init(display: String?) throws(DesktopError) {
        let connection = try X11Connection(name: display)
        let eventBase = cx11_damage_event_base(connection.handle)
        guard eventBase >= 0 else { throw .missingExtension("DAMAGE") }
        // Raw rectangles: every drawing operation is reported with its area.
        let damage = try connection.trapped("XDamageCreate") {
            XDamageCreate(connection.handle, connection.root, Int32(XDamageReportRawRectangles))
        }
        state = Mutex(State(connection: connection, damage: damage, eventBase: eventBase))
    }

    /// Forgets damage reported so far, so the next wait sees only what happens after this call.
    public func reset() throws(DesktopError) {
        try state.withLock { (state) throws(DesktopError) in
            XSync(state.connection.handle, 0)
            _ = state.drain()
            try state.connection.checkAlive()
        }
    }

    /// A count that grows whenever drawing is seen, by any wait or reset, after a round trip that makes
    /// the server report everything drawn so far: the same count at two moments means nothing was drawn
    /// between them (whatever waited meanwhile).
    public func changeCount() throws(DesktopError) -> UInt64 {
        try state.withLock { (state) throws(DesktopError) -> UInt64 in
            XSync(state.connection.handle, 0)
            _ = state.drain()
            try state.connection.checkAlive()
            return state.changes
        }
    }

    /// Waits until something on screen changes; returns the changed area, or nil after timeout.
    public func waitForChange(timeout: Duration) throws(DesktopError) -> Rect? {
        let deadline = ContinuousClock.now + timeout
        return try state.withLock { (state) throws(DesktopError) -> Rect? in try state.next(until: deadline) }
    }

    /// Waits until the screen has not changed for quiet (default 150 ms), at most timeout.
    public func waitUntilSettled(quiet: Duration = .milliseconds(150), timeout: Duration = .seconds(10))
        throws(DesktopError) -> Settling
    {
        let start = ContinuousClock.now
        let deadline = start + timeout
        return try state.withLock { (state) throws(DesktopError) -> Settling in
            var changed: Rect?
            var lastChange = start
            while true {
                let quietEnd = lastChange + quiet
                let until = quietEnd < deadline ? quietEnd : deadline
                if let area = try state.next(until: until) {
                    changed = changed.map { $0.union(area) } ?? area
                    lastChange = .now
                    if lastChange >= deadline {
                        return Settling(settled: false, elapsed: lastChange - start, changed: changed)
                    }
                    continue
                }
                let now = ContinuousClock.now
                return Settling(settled: now >= quietEnd, elapsed: lastChange - start, changed: changed)
            }
        }
    }
}

/// The outcome of waiting for the screen to settle.
public struct Settling: Sendable, Equatable {
    /// The screen was quiet for the whole quiet period before the timeout.
    public let settled: Bool
    /// From the start of the wait to the last change seen (zero when nothing changed).
    public let elapsed: Duration
    /// The union of every area that changed meanwhile.
    public let changed: Rect?
}

extension Desktop {
    /// A watch for screen changes on this desktop's display (its own connection).
    public func watchScreen() throws(DesktopError) -> ScreenWatch {
        try ScreenWatch(display: displayName)
    }
}
