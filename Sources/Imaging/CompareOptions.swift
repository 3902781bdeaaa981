/// What a frame comparison looks at and how close two pixels must be to count as equal.
public struct CompareOptions: Sendable, Equatable {
    /// The largest difference on any of red, green and blue that still counts as equal; 0 is exact.
    public var tolerance: Int
    /// Rectangles left out of the comparison (clocks, cursors, animations).
    public var masks: [Rect]
    /// Compare only this part of both frames; nil compares the whole frames.
    public var region: Rect?

    /// Options from their parts; tolerance is clamped to 0...255.
    public init(tolerance: Int = 0, masks: [Rect] = [], region: Rect? = nil) {
        self.tolerance = min(max(tolerance, 0), 255)
        self.masks = masks
        self.region = region
    }
}
