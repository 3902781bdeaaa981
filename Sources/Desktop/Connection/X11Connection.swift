internal import CX11
import Imaging

#if canImport(Glibc)
    import Glibc
#endif

/// The one owner of an Xlib `Display*`. Not thread-safe: `Desktop` serializes every use behind a lock.
///
/// No Xlib pointer leaves this type's module; Xlib-owned memory is freed right where it is allocated.
final class X11Connection {
    /// The `Display*`; valid until deinit.
    let handle: OpaquePointer
    /// The display name as given or taken from DISPLAY (":99").
    let name: String
    let root: UInt
    let screenSize: Size
    /// Set by the C I/O-error handler instead of exiting the process.
    private let lost: UnsafeMutablePointer<Int32>
    private var atoms: [String: UInt] = [:]
    /// The MIT-SHM segment for captures; created on first use, nil after it failed once.
    var sharedImage: SharedImage?
    var sharedMemoryFailed = false
    /// Keyboard state: spare keycodes bound to keysyms for typing, and keys/buttons held down.
    var keyboard = KeyboardState()
    /// A copy of what is held, for an interrupt that cannot wait for this connection's lock.
    let ledger = InputLedger()

    /// Opens name, or DISPLAY when name is nil.
    init(name requested: String?) throws(DesktopError) {
        let resolved: String
        if let requested, !requested.isEmpty {
            resolved = requested
        } else if let env = getenv("DISPLAY"), env.pointee != 0 {
            resolved = String(cString: env)
        } else {
            throw .noDisplay
        }
        let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        flag.initialize(to: 0)
        guard let handle = cx11_open_display(resolved, flag) else {
            flag.deallocate()
            throw .cannotOpen(display: resolved)
        }
        self.handle = handle
        self.lost = flag
        self.name = resolved
        let screen = XDefaultScreen(handle)
        self.root = XRootWindow(handle, screen)
        self.screenSize = Size(width: Int(XDisplayWidth(handle, screen)), height: Int(XDisplayHeight(handle, screen)))
    }

    deinit {
        if let shm = sharedImage { shm.destroy(on: handle) }
        XCloseDisplay(handle)
        lost.deallocate()
    }

    /// True once the server has gone away.
    var isLost: Bool { lost.pointee != 0 }

    /// Throws when the connection has been lost.
    func checkAlive() throws(DesktopError) {
        if isLost { throw .connectionLost(display: name) }
    }

    /// Runs body, then syncs with the server and turns the first X error into a thrown DesktopError.
    /// Every action goes through here, so it has reached the server when the call returns.
    func trapped<T>(_ request: String, window: WindowID? = nil, _ body: () throws(DesktopError) -> T) throws(DesktopError) -> T {
        try checkAlive()
        cx11_trap_begin()
        let value: T
        do {
            value = try body()
        } catch {
            _ = cx11_trap_end(handle, nil)
            throw error
        }
        var first = cx11_error()
        let count = cx11_trap_end(handle, &first)
        try checkAlive()
        guard count == 0 else {
            if first.error_code == BadWindow, let window { throw .windowGone(window) }
            if first.error_code == BadWindow { throw .windowGone(WindowID(rawValue: first.resource_id)) }
            throw .protocolError(request: request, message: errorText(Int32(first.error_code)))
        }
        return value
    }

    /// Xlib's text for an error code.
    func errorText(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        cx11_error_text(handle, code, &buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The atom named name; 0 when onlyIfExists and the server has never seen it.
    func atom(_ name: String, onlyIfExists: Bool = false) -> UInt {
        if let atom = atoms[name] { return atom }
        let atom = XInternAtom(handle, name, onlyIfExists ? 1 : 0)
        if atom != 0 { atoms[name] = atom }
        return atom
    }

    /// True when the server offers the named extension.
    func hasExtension(_ name: String) -> Bool {
        var opcode: Int32 = 0
        var event: Int32 = 0
        var error: Int32 = 0
        return XQueryExtension(handle, name, &opcode, &event, &error) != 0
    }
}
