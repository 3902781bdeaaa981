public import Policy

/// An app a scenario may launch (`apps:`): its command, the sandbox policy it runs under and the
/// window that shows it has started.
public struct ScenarioApp: Sendable, Equatable {
    /// `name:`, how steps and the policy's `input.apps` refer to the app.
    public var name: String
    /// `command:`.
    public var command: ScenarioCommand
    /// `policy:`, the policy file's path resolved against the scenario's folder; nil for the default policy.
    public var policy: String?
    /// `window:`, the window `launch` waits for; nil when launching waits for no window.
    public var window: WindowMatch?
    /// `window.timeout:`, how long `launch` waits for that window.
    public var windowTimeout: Duration
    /// Where the app is declared.
    public var location: SourceLocation

    /// An app from its parts.
    public init(
        name: String, command: ScenarioCommand, policy: String? = nil, window: WindowMatch? = nil,
        windowTimeout: Duration = Scenario.defaultTimeout, location: SourceLocation
    ) {
        self.name = name
        self.command = command
        self.policy = policy
        self.window = window
        self.windowTimeout = windowTimeout
        self.location = location
    }
}
