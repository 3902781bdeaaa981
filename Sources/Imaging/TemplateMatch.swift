/// A place in a frame where a template was found.
public struct TemplateMatch: Sendable, Equatable, CustomStringConvertible {
    /// Where the template lies in the frame.
    public let rect: Rect
    /// The fraction of the template's pixels within tolerance there; 1 means all of them.
    public let score: Double

    /// A match from its parts.
    public init(rect: Rect, score: Double) {
        self.rect = rect
        self.score = score
    }

    /// The centre of the match, where a click on the found thing would go.
    public var center: Point { rect.center }

    /// The rectangle and score, for logs and reports.
    public var description: String { "\(rect) (score \(score))" }
}
