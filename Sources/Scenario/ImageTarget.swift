public import Imaging

/// A template image to find on the screen, and how closely a place must resemble it.
public struct ImageTarget: Sendable, Equatable {
    /// The PNG's path, resolved against the scenario's folder.
    public var path: String
    /// `tolerance:` and `min_score:`.
    public var search: SearchOptions
    /// `offset: [dx, dy]`: where a pointer step acts, from the match's centre (pointer steps only).
    public var offset: Point

    /// A target from its parts.
    public init(path: String, search: SearchOptions = SearchOptions(), offset: Point = Point(x: 0, y: 0)) {
        self.path = path
        self.search = search
        self.offset = offset
    }

    /// Where a pointer step acts on match: its centre moved by `offset`.
    public func point(in match: TemplateMatch) -> Point {
        Point(x: match.center.x + offset.x, y: match.center.y + offset.y)
    }
}
