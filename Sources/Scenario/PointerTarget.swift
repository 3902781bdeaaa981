public import Imaging

/// Where a pointer step acts: a point in the active window, a point on the screen, or the centre
/// of a template image found on the screen.
public enum PointerTarget: Sendable, Equatable {
    /// `at: [x, y]`, relative to the active window's top-left corner.
    case window(Point)
    /// `screen: [x, y]`, absolute screen coordinates.
    case screen(Point)
    /// `image: ok.png`: the centre of the best match, waited for up to timeout.
    case image(ImageTarget, timeout: Duration)
}

/// Where a drag ends.
public enum DragEnd: Sendable, Equatable {
    /// `to: [x, y]`, relative to the active window.
    case window(Point)
    /// `to_screen: [x, y]`, absolute screen coordinates.
    case screen(Point)
    /// `by: [dx, dy]`, relative to where the drag starts.
    case offset(dx: Int, dy: Int)
}

/// Which way a `scroll` step turns the wheel.
public enum ScrollDirection: String, Sendable, CaseIterable, Equatable {
    case up, down, left, right
}
