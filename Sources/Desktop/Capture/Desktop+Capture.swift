public import Imaging
internal import CX11
import Logging

extension Desktop {
    /// Captures the screen, a region or a window, optionally with the pointer drawn in (XFixes).
    public func capture(_ area: CaptureArea = .screen, cursor: Bool = false, method: CaptureMethod = .automatic)
        throws(DesktopError) -> Frame
    {
        try withConnection { (connection) throws(DesktopError) -> Frame in
            let rect = try connection.rectangle(of: area)
            var frame = try connection.capture(rect, method: method)
            if cursor { connection.drawCursor(into: &frame, origin: rect.origin) }
            return frame
        }
    }

    /// The capture method automatic would use now (MIT-SHM unless it failed on this connection).
    public func effectiveCaptureMethod() throws(DesktopError) -> CaptureMethod {
        try withConnection { (connection) throws(DesktopError) -> CaptureMethod in
            connection.ensureSharedImage() != nil ? .sharedMemory : .getImage
        }
    }
}

extension X11Connection {
    /// The screen rectangle an area covers, clipped for windows, checked for regions.
    func rectangle(of area: CaptureArea) throws(DesktopError) -> Rect {
        let screen = Rect(x: 0, y: 0, width: screenSize.width, height: screenSize.height)
        switch area {
        case .screen:
            return screen
        case let .region(rect):
            guard !rect.isEmpty, screen.contains(rect) else { throw .regionOutside(rect, screenSize) }
            return rect
        case let .window(id):
            let frame = try windowFrame(id)
            guard let visible = frame.intersection(screen) else {
                throw .regionOutside(frame, screenSize)
            }
            return visible
        }
    }

    func ensureSharedImage() -> SharedImage? {
        if let sharedImage { return sharedImage }
        if sharedMemoryFailed { return nil }
        sharedImage = SharedImage(on: handle, width: screenSize.width, height: screenSize.height)
        if sharedImage == nil {
            sharedMemoryFailed = true
            Log.desktop.notice("MIT-SHM is unavailable on \(name); capturing with GetImage (about 20x slower)")
        }
        return sharedImage
    }

    func capture(_ rect: Rect, method: CaptureMethod) throws(DesktopError) -> Frame {
        let bpp = cx11_zpixmap_bits_per_pixel(handle)
        guard bpp == 32 else { throw .unsupportedVisual("\(bpp) bits per pixel") }
        let count = rect.width * rect.height
        if method != .getImage, let shm = ensureSharedImage() {
            let pixels = try trapped("XShmGetImage") { () throws(DesktopError) -> UnsafePointer<UInt8>? in
                shm.capture(on: handle, drawable: root, x: rect.x, y: rect.y, width: rect.width, height: rect.height)
            }
            if let pixels {
                return Frame(width: rect.width, height: rect.height) { out in
                    cx11_copy_opaque(out.baseAddress!.assumingMemoryBound(to: UInt8.self), pixels, count)
                }
            }
        }
        if method == .sharedMemory { throw .missingExtension("MIT-SHM (usable shared memory)") }
        var failed = false
        let frame = Frame(width: rect.width, height: rect.height) { out in
            failed =
                cx11_get_image(
                    handle, root, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height),
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self)) != 0
        }
        try checkAlive()
        if failed { throw .protocolError(request: "GetImage", message: "the server could not read \(rect)") }
        return frame
    }

    /// Blends the pointer image (premultiplied ARGB from XFixes) into frame.
    func drawCursor(into frame: inout Frame, origin: Point) {
        guard hasExtension("XFIXES"), let image = XFixesGetCursorImage(handle) else { return }
        defer { XFree(image) }
        let cursor = image.pointee
        let left = Int(cursor.x) - Int(cursor.xhot) - origin.x
        let top = Int(cursor.y) - Int(cursor.yhot) - origin.y
        for row in 0..<Int(cursor.height) {
            for col in 0..<Int(cursor.width) {
                let x = left + col
                let y = top + row
                guard x >= 0, y >= 0, x < frame.width, y < frame.height else { continue }
                let argb = UInt32(truncatingIfNeeded: cursor.pixels[row * Int(cursor.width) + col])
                let alpha = Int(argb >> 24)
                guard alpha > 0 else { continue }
                let under = frame[x, y]
                func blend(_ src: UInt32, _ dst: UInt8) -> UInt8 {
                    UInt8(min(255, Int(src & 0xFF) + Int(dst) * (255 - alpha) / 255))
                }
                frame[x, y] = Color(
                    red: blend(argb >> 16, under.red), green: blend(argb >> 8, under.green), blue: blend(argb, under.blue))
            }
        }
    }
}
