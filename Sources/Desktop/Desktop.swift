public import Imaging
internal import CX11
import Synchronization

/// A connection to one X display: see the screen, move the pointer, click, type, list windows.
///
/// Every call is synchronous and has reached the server when it returns. One lock serializes the
/// Xlib connection, so a `Desktop` can be shared between threads and tasks.
public final class Desktop: Sendable {
    private let connection: Mutex<X11Connection>
    /// What the connection holds, readable while another thread is inside a call.
    let ledger: InputLedger
    /// The display name in use (":99").
    public let displayName: String
    /// The size of the default screen in pixels.
    public let screenSize: Size

    /// Connects to display (":99"), or to DISPLAY when nil; XAUTHORITY is honoured by Xlib.
    /// - Throws: `.noDisplay`, `.cannotOpen`, or `.missingExtension("XTEST")`.
    public init(display: String? = nil) throws(DesktopError) {
        let connection = try X11Connection(name: display)
        var major: Int32 = 0
        var minor: Int32 = 0
        var event: Int32 = 0
        var error: Int32 = 0
        guard XTestQueryExtension(connection.handle, &event, &error, &major, &minor) != 0 else {
            throw .missingExtension("XTEST")
        }
        self.displayName = connection.name
        self.screenSize = connection.screenSize
        self.ledger = connection.ledger
        self.connection = Mutex(connection)
    }

    deinit {
        connection.withLock { connection in
            connection.releaseHeldInput()
            connection.restoreKeyboard()
        }
    }

    /// The whole screen as a rectangle.
    public var screenBounds: Rect { Rect(x: 0, y: 0, width: screenSize.width, height: screenSize.height) }

    /// Runs body with the connection under the lock.
    func withConnection<T: Sendable>(_ body: (X11Connection) throws(DesktopError) -> T) throws(DesktopError) -> T {
        try connection.withLock { (connection: inout X11Connection) throws(DesktopError) -> T in
            try connection.checkAlive()
            return try body(connection)
        }
    }

    /// Runs body with the connection if no other thread holds it now; nil when it is busy.
    func withConnectionIfAvailable(_ body: (X11Connection) -> Void) -> Bool {
        connection.withLockIfAvailable { connection in
            body(connection)
            return true
        } ?? false
    }

    /// Releases every key and button foredesk still holds and gives back spare keycodes it bound.
    /// Called automatically when the desktop is released; call it to stop cleanly before that.
    public func releaseAll() throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            connection.releaseHeldInput()
            connection.restoreKeyboard()
            try connection.trapped("XSync") {}
        }
    }
}
