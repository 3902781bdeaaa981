internal import CX11

/// The owner of one MIT-SHM segment the server writes screen captures into.
///
/// The segment is marked for removal as soon as it is attached, so a crash leaks nothing.
final class SharedImage {
    private let segment: OpaquePointer

    /// Attaches a segment large enough for width x height; nil when MIT-SHM is missing or unusable
    /// (a server in another IPC namespace fails the attach only at XSync).
    init?(on display: OpaquePointer, width: Int, height: Int) {
        guard let segment = cx11_shm_create(display, Int32(width), Int32(height)) else { return nil }
        self.segment = segment
    }

    /// Captures a rectangle of drawable; the bytes are valid until the next capture.
    func capture(on display: OpaquePointer, drawable: UInt, x: Int, y: Int, width: Int, height: Int)
        -> UnsafePointer<UInt8>?
    {
        cx11_shm_capture(display, segment, drawable, Int32(x), Int32(y), Int32(width), Int32(height))
    }

    /// Detaches the segment; called by the connection before it closes the display.
    func destroy(on display: OpaquePointer) {
        cx11_shm_destroy(display, segment)
    }
}
