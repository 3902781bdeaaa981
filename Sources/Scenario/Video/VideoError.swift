public import Desktop
public import Session

/// Why continuous recording (`--video`) could not start.
public enum VideoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A frame rate outside `VideoRecorder.fpsRange`.
    case badFrameRate(Int)
    /// The display could not be watched or captured.
    case desktop(DesktopError)
    /// `video/` could not be created in the session folder.
    case session(SessionError)

    /// What happened and what to do.
    public var description: String {
        switch self {
        case let .badFrameRate(fps):
            "--fps: found \(fps), expected a whole number of frames a second from"
                + " \(VideoRecorder.fpsRange.lowerBound) to \(VideoRecorder.fpsRange.upperBound)"
        case let .desktop(error): "cannot record video: \(error)"
        case let .session(error): "cannot record video: \(error)"
        }
    }
}
