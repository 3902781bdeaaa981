public import Imaging

/// What went wrong while talking to the X server; each message says what happened and what to do.
public enum DesktopError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No display was given and DISPLAY is not set.
    case noDisplay
    /// The server named could not be reached or refused the connection.
    case cannotOpen(display: String)
    /// The connection broke (the server exited or was killed).
    case connectionLost(display: String)
    /// The server lacks an extension foredesk needs.
    case missingExtension(String)
    /// A point lies outside the screen.
    case outsideScreen(Point, Size)
    /// A region is empty or lies (partly) outside the screen.
    case regionOutside(Rect, Size)
    /// A window does not exist (any more).
    case windowGone(WindowID)
    /// A key name or combination that cannot be typed.
    case unknownKey(combo: String, reason: String)
    /// The server rejected a request.
    case protocolError(request: String, message: String)
    /// A wait ran out of time.
    case timeout(String)
    /// The window manager did not make a window active.
    case activationFailed(WindowID, String)
    /// The screen's pixel format is not the 32-bit TrueColor foredesk reads.
    case unsupportedVisual(String)
    /// A private X server could not be started or stopped, or an Xauthority file not written.
    case server(String)
    /// An image operation failed.
    case imaging(ImagingError)
    /// Input was stopped by `Desktop.interruptInput()` (SIGINT, SIGTERM) while an action was under way.
    case interrupted(String)

    public var description: String {
        switch self {
        case .noDisplay:
            "no X display: DISPLAY is not set — pass --display :N, or use `foredesk run`, which starts a private display"
        case let .cannotOpen(display):
            "cannot open X display \(display) — is an X server running there, and does XAUTHORITY grant access?"
        case let .connectionLost(display):
            "lost the connection to X display \(display) (the server exited or was killed)"
        case .missingExtension("SECURITY"):
            "the X server lacks the SECURITY extension, so it cannot issue untrusted cookies (apps that may show windows"
                + " but not capture the screen or inject input) — use a server that has it, such as Xvfb or Xorg"
                + " started without `-extension SECURITY`"
        case let .missingExtension(name):
            "the X server lacks the \(name) extension, which foredesk needs"
        case let .outsideScreen(point, size):
            "point \(point.x),\(point.y) is outside the \(size.width)x\(size.height) screen"
        case let .regionOutside(rect, size):
            "region \(rect.x),\(rect.y),\(rect.width),\(rect.height) is not inside the \(size.width)x\(size.height) screen"
        case let .windowGone(id):
            "window \(id) does not exist (it may have closed)"
        case let .unknownKey(combo, reason):
            "cannot press '\(combo)': \(reason)"
        case let .protocolError(request, message):
            "X server rejected \(request): \(message)"
        case let .timeout(what):
            what
        case let .activationFailed(id, reason):
            "could not activate window \(id): \(reason)"
        case let .unsupportedVisual(what):
            "unsupported screen format: \(what) (foredesk reads 24/32-bit TrueColor screens)"
        case let .server(message):
            message
        case let .imaging(error):
            error.description
        case let .interrupted(what):
            "\(what) was interrupted: foredesk stopped its input and released every key and button"
        }
    }
}
