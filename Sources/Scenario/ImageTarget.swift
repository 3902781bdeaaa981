public import Imaging

/// A template image to find on the screen, and how closely a place must resemble it.
public struct ImageTarget: Sendable, Equatable {
    /// The PNG's path, resolved against the scenario's folder.
    public var path: String
    /// `tolerance:` and `min_score:`.
    public var search: SearchOptions

    /// A target from its parts.
    public init(path: String, search: SearchOptions = SearchOptions()) {
        self.path = path
        self.search = search
    }
}
