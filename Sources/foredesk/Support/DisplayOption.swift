import ArgumentParser
import Desktop

/// The --display option every command takes.
struct DisplayOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("X display to use, e.g. :99 (default: $DISPLAY).", valueName: "name"))
    var display: String?

    /// Connects, or reports why not.
    func open() throws(DesktopError) -> Desktop {
        try Desktop(display: display)
    }
}
