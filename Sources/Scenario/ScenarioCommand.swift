/// A command line: an argument list run as is, or a string run by `/bin/sh -c`.
public enum ScenarioCommand: Sendable, Equatable, CustomStringConvertible {
    /// `command: [fixture-app, --title, x]`: the program and its arguments.
    case arguments([String])
    /// `command: "make test | tee log"`: a shell command line.
    case shell(String)

    /// The argument vector to execute: the list itself, or `/bin/sh -c` with the string.
    public var argv: [String] {
        switch self {
        case let .arguments(arguments): arguments
        case let .shell(line): ["/bin/sh", "-c", line]
        }
    }

    /// The command as a person would type it.
    public var description: String {
        switch self {
        case let .arguments(arguments): arguments.joined(separator: " ")
        case let .shell(line): line
        }
    }
}
