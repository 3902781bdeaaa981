public import Imaging

/// What part of the screen to capture.
public enum CaptureArea: Sendable, Equatable {
    /// The whole screen.
    case screen
    /// A rectangle in screen coordinates; it must lie inside the screen.
    case region(Rect)
    /// What is visible of a window's client area (other windows on top of it show too).
    case window(WindowID)
}

/// How pixels travel from the server.
public enum CaptureMethod: String, Sendable, CaseIterable {
    /// MIT-SHM when the server offers it and the segment attaches, else GetImage.
    case automatic
    /// MIT-SHM only; fails when it is unavailable.
    case sharedMemory = "shm"
    /// The core GetImage request through the socket (about 20x slower at 1080p).
    case getImage = "get-image"
}
