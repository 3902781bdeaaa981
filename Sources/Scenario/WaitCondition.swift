public import Imaging

/// What a `wait` step waits for.
public enum WaitCondition: Sendable, Equatable {
    /// `window:`, a window matching to exist.
    case window(WindowMatch)
    /// `image:`, a template image to appear on the screen.
    case imageAppears(ImageTarget)
    /// `image_gone:`, a template image to vanish from the screen.
    case imageVanishes(ImageTarget)
    /// `change:`, the screen (region nil) or a region of it to change.
    case change(region: Rect?)
    /// `settle:`, the screen or a region to receive no damage for quiet.
    case settle(region: Rect?, quiet: Duration)

    /// How long a screen must stay undamaged to count as settled, when `quiet:` is not given.
    public static let defaultQuiet = Duration.milliseconds(150)
}
