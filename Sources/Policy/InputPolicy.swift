/// Which launched apps may receive input (`input:`).
///
/// The window must belong to a process the session launched whatever this says (DESIGN rule 2);
/// this narrows it further.
public struct InputPolicy: Sendable, Equatable {
    /// The scenario's names of the apps whose windows may receive input; nil for every launched app.
    public var apps: [String]?
    /// WM_CLASS class or instance names (any case) that may receive input; nil for any.
    public var windowClasses: [String]?

    /// An input policy from its parts; both nil lets every launched app's windows receive input.
    public init(apps: [String]? = nil, windowClasses: [String]? = nil) {
        self.apps = apps
        self.windowClasses = windowClasses
    }
}
