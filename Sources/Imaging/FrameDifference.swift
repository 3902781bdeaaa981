/// The outcome of comparing two frames: how many pixels differ and where.
public struct FrameDifference: Sendable, Equatable, CustomStringConvertible {
    /// Pixels whose colour differs by more than the tolerance.
    public let differingPixels: Int
    /// Pixels looked at: the region minus the masks.
    public let comparedPixels: Int
    /// The smallest rectangle holding every differing pixel; nil when none differ.
    public let boundingBox: Rect?

    /// A difference from its parts.
    public init(differingPixels: Int, comparedPixels: Int, boundingBox: Rect?) {
        self.differingPixels = differingPixels
        self.comparedPixels = comparedPixels
        self.boundingBox = boundingBox
    }

    /// True when no compared pixel differs.
    public var matches: Bool { differingPixels == 0 }

    /// The fraction of compared pixels that differ, 0 when nothing was compared.
    public var ratio: Double {
        comparedPixels == 0 ? 0 : Double(differingPixels) / Double(comparedPixels)
    }

    /// A one-line summary for logs and reports.
    public var description: String {
        guard let boundingBox else { return "no difference in \(comparedPixels) pixels" }
        return "\(differingPixels) of \(comparedPixels) pixels differ, within \(boundingBox)"
    }
}
