public import Imaging

/// Where a scenario runs: a private virtual display of a size, or an existing display.
public enum ScenarioDisplay: Sendable, Equatable {
    /// `virtual: 1280x800`: a private Xvfb of that size, started and removed by the runner.
    case virtual(Size)
    /// `existing: ":1"`: a display someone already runs.
    case existing(String)

    /// A private 1280x800 display, when the scenario names none.
    public static let `default` = ScenarioDisplay.virtual(Size(width: 1280, height: 800))
}
