public import Imaging
internal import CX11
import Synchronization

/// Captures only what changed on the screen, for continuous recording, on a connection of its own.
///
/// XDamage reports once when the screen goes from unchanged to changed (`XDamageReportNonEmpty`); taking the
/// damage empties the server's damaged region and returns its rectangles, which `captureAtlas` grabs with
/// MIT-SHM where it works. An idle screen costs nothing: no event, no request. Meant for one thread at a time.
public final class DamageCapture: Sendable {
    /// The display name in use (":99").
    public let displayName: String
    /// The size of the default screen in pixels.
    public let screenSize: Size
    private let state: Mutex<State>

    private final class State {
        let connection: X11Connection
        let damage: UInt
        let region: UInt
        let eventBase: Int32
        /// A notify arrived that no take has answered yet.
        var notified = false

        init(connection: X11Connection, damage: UInt, region: UInt, eventBase: Int32) {
            self.connection = connection
            self.damage = damage
            self.region = region
            self.eventBase = eventBase
        }

        deinit {
            guard !connection.isLost else { return }
            XDamageDestroy(connection.handle, damage)
            XFixesDestroyRegion(connection.handle, region)
        }

        func readEvents() {
            if cx11_damage_notifies(connection.handle, eventBase, damage) > 0 { notified = true }
        }
    }

    /// Starts watching the whole screen of display (":99", or DISPLAY when nil).
    /// - Throws: `.missingExtension("DAMAGE")` or `("XFIXES")` when the server lacks one, `.cannotOpen`.
    public init(display: String?) throws(DesktopError) {
        let connection = try X11Connection(name: display)
        let eventBase = cx11_damage_event_base(connection.handle)
        guard eventBase >= 0 else { throw .missingExtension("DAMAGE") }
        var fixesEvent: Int32 = 0
        var fixesError: Int32 = 0
        guard XFixesQueryExtension(connection.handle, &fixesEvent, &fixesError) != 0 else {
            throw .missingExtension("XFIXES")
        }
        let bpp = cx11_zpixmap_bits_per_pixel(connection.handle)
        guard bpp == 32 else { throw .unsupportedVisual("\(bpp) bits per pixel") }
        let (damage, region) = try connection.trapped("XDamageCreate") { () -> (UInt, UInt) in
            (
                XDamageCreate(connection.handle, connection.root, Int32(XDamageReportNonEmpty)),
                XFixesCreateRegion(connection.handle, nil, 0)
            )
        }
        displayName = connection.name
        screenSize = connection.screenSize
        state = Mutex(State(connection: connection, damage: damage, region: region, eventBase: eventBase))
    }

    /// Waits up to timeout until the screen has changed since the last take; true when it has.
    public func waitForDamage(timeout: Duration) throws(DesktopError) -> Bool {
        let deadline = ContinuousClock.now + timeout
        return try state.withLock { (state) throws(DesktopError) -> Bool in
            while true {
                try state.connection.checkAlive()
                state.readEvents()
                if state.notified { return true }
                let left = deadline - .now
                if left <= .zero { return false }
                let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                _ = cx11_wait_for_event(state.connection.handle, Int32(max(1, min(ms + 1, 60_000))))
            }
        }
    }

    /// Makes the server report everything drawn so far (a round trip), then says whether the screen changed
    /// since the last take: what a recording checks once more before it stops.
    public func syncDamage() throws(DesktopError) -> Bool {
        try state.withLock { (state) throws(DesktopError) -> Bool in
            XSync(state.connection.handle, 0)
            try state.connection.checkAlive()
            state.readEvents()
            return state.notified
        }
    }

    /// Empties the server's damaged region and returns it as at most limit rectangles (`Rect.coalesce`);
    /// empty when nothing changed. What is drawn from now on is reported afresh.
    public func takeDamage(limit: Int = 16) throws(DesktopError) -> [Rect] {
        try state.withLock { (state) throws(DesktopError) -> [Rect] in
            state.readEvents()
            state.notified = false
            let capacity = 256
            var raw = [Int32](repeating: 0, count: capacity * 4)
            var bounds: [Int32] = [0, 0, 0, 0]
            let count = try state.connection.trapped("XDamageSubtract") { () -> Int32 in
                cx11_damage_take(state.connection.handle, state.damage, state.region, &raw, Int32(capacity), &bounds)
            }
            guard count >= 0 else {
                throw .protocolError(request: "XFixesFetchRegion", message: "the damaged region could not be read")
            }
            func rect(_ numbers: ArraySlice<Int32>) -> Rect {
                let n = numbers.map(Int.init)
                return Rect(x: n[0], y: n[1], width: n[2], height: n[3])
            }
            var rects: [Rect] = []
            if Int(count) > capacity {
                rects = [rect(bounds[...])]
            } else {
                for i in 0..<Int(count) { rects.append(rect(raw[(4 * i)..<(4 * i + 4)])) }
            }
            let screen = Rect(x: 0, y: 0, width: screenSize.width, height: screenSize.height)
            return Rect.coalesce(rects, within: screen, limit: limit)
        }
    }

    /// Captures rects, which must lie inside the screen, stacked top to bottom in one frame as wide as the
    /// widest (each at x 0; the rest of a narrower one's rows is black): a video atlas.
    public func captureAtlas(_ rects: [Rect]) throws(DesktopError) -> Frame {
        let screen = Rect(x: 0, y: 0, width: screenSize.width, height: screenSize.height)
        for rect in rects where rect.isEmpty || !screen.contains(rect) { throw .regionOutside(rect, screenSize) }
        return try state.withLock { (state) throws(DesktopError) -> Frame in
            let connection = state.connection
            let width = rects.map(\.width).max() ?? 0
            let height = rects.reduce(0) { $0 + $1.height }
            let stride = width * 4
            var failed: Rect?
            /// Fills the atlas; copy puts one rectangle's pixels at a destination with the atlas's stride.
            func fill(_ copy: (Rect, UnsafeMutablePointer<UInt8>) -> Bool) -> Frame {
                Frame(width: width, height: height) { out in
                    guard let base = out.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
                    if rects.contains(where: { $0.width < width }) { base.initialize(repeating: 0, count: out.count) }
                    var top = 0
                    for rect in rects {
                        if failed == nil, !copy(rect, base + top * stride) { failed = rect }
                        top += rect.height
                    }
                }
            }
            func place(_ pixels: UnsafePointer<UInt8>, _ rect: Rect, _ destination: UnsafeMutablePointer<UInt8>) {
                cx11_copy_opaque_rows(destination, stride, pixels, rect.width * 4, Int32(rect.width), Int32(rect.height))
            }
            let atlas: Frame
            if let shm = connection.ensureSharedImage() {
                // One trap (one sync) for every rectangle: each XShmGetImage already waits for its reply.
                atlas = try connection.trapped("XShmGetImage") { () -> Frame in
                    fill { rect, destination in
                        guard let pixels = shm.capture(
                            on: connection.handle, drawable: connection.root, x: rect.x, y: rect.y, width: rect.width,
                            height: rect.height)
                        else { return false }
                        place(pixels, rect, destination)
                        return true
                    }
                }
            } else {
                atlas = fill { rect, destination in
                    var block = [UInt8](repeating: 0, count: rect.width * rect.height * 4)
                    return block.withUnsafeMutableBufferPointer { buffer in
                        guard let pixels = buffer.baseAddress,
                            cx11_get_image(
                                connection.handle, connection.root, Int32(rect.x), Int32(rect.y), Int32(rect.width),
                                Int32(rect.height), pixels) == 0
                        else { return false }
                        place(pixels, rect, destination)
                        return true
                    }
                }
                try connection.checkAlive()
            }
            if let failed {
                throw .protocolError(request: "GetImage", message: "the server could not read \(failed)")
            }
            return atlas
        }
    }
}
