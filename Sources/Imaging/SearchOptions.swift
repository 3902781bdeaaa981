/// Where to look for a template and how closely a place must resemble it to count as a match.
public struct SearchOptions: Sendable, Equatable {
    /// The largest difference on any of red, green and blue at which a pixel still matches; 0 is exact.
    public var tolerance: Int
    /// The fraction of the template's pixels that must match, 0...1; 1 demands every pixel.
    ///
    /// Search time grows with the pixels allowed to miss, because a wrong place is only rejected
    /// once one more than that many have missed: prefer a tolerance over a low score.
    public var minScore: Double
    /// Search only inside this part of the frame; nil searches the whole frame.
    public var region: Rect?
    /// The most matches returned, best first.
    public var maxMatches: Int

    /// Options from their parts; tolerance is clamped to 0...255, minScore to 0...1, maxMatches to at least 0.
    public init(tolerance: Int = 0, minScore: Double = 1.0, region: Rect? = nil, maxMatches: Int = 100) {
        self.tolerance = min(max(tolerance, 0), 255)
        self.minScore = minScore.isNaN ? 1 : min(max(minScore, 0), 1)
        self.region = region
        self.maxMatches = max(maxMatches, 0)
    }
}
