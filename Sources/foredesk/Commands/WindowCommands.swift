import ArgumentParser
import Desktop
import Imaging
import Scenario
import Session

struct Windows: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List top-level windows, bottom of the stack first.",
        discussion: """
            Examples:
              foredesk windows
              foredesk windows --json | jq '.[] | select(.class == "XTerm") | .id'

            JSON objects carry id, title, class, instance, pid, x, y, width, height, mapped, viewable and stacking (0 = bottom). The pid comes from the X-Resource extension, so it is the process that really owns the window.
            """)

    @OptionGroup var display: DisplayOption
    @Flag(help: "Print a JSON array instead of a table.") var json = false
    @Flag(help: "Include hidden (unmapped) windows.") var all = false

    func run() throws {
        try reporting {
            let windows = try display.open().windows(includeHidden: all)
            if json {
                print(JSONValue.array(windows.map(WindowJSON.object)).rendered)
            } else {
                print(Table.windows(windows))
            }
        }
    }
}

struct Active: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the window that has the keyboard focus.",
        discussion: "Examples:\n  foredesk active\n  foredesk active --json")

    @OptionGroup var display: DisplayOption
    @Flag(help: "Print a JSON object instead of a table.") var json = false

    func run() throws {
        try reporting {
            guard let window = try display.open().activeWindow() else {
                throw CommandFailure.action("no window is active (the focus is on no window)")
            }
            print(json ? WindowJSON.object(window).rendered : Table.windows([window]))
        }
    }
}

struct WaitWindow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait-window",
        abstract: "Wait until a visible window matches, then print it.",
        discussion: """
            Examples:
              foredesk wait-window --title 'Untitled.*Editor' --timeout 20
              foredesk wait-window --class XTerm --json
              foredesk wait-window --pid 4242

            Every given criterion must hold. Exits 1 when nothing matches in time.
            """)

    @OptionGroup var display: DisplayOption
    @Option(help: ArgumentHelp("Regular expression searched for in the title.", valueName: "regex")) var title: String?
    @Option(name: .customLong("class"), help: ArgumentHelp("WM_CLASS class or instance name.", valueName: "name"))
    var className: String?
    @Option(help: ArgumentHelp("Owning process id.", valueName: "n")) var pid: Int32?
    @Option(help: ArgumentHelp("Seconds to wait.", valueName: "s")) var timeout: Double = 10
    @Flag(help: "Print a JSON object instead of a table.") var json = false

    func validate() throws {
        if title == nil && className == nil && pid == nil {
            throw ValidationError("give at least one of --title, --class or --pid")
        }
        if let problem = WindowQuery(titlePattern: title).validationError() { throw ValidationError(problem) }
        if !(timeout > 0) { throw ValidationError("--timeout must be positive (got \(timeout))") }
    }

    func run() throws {
        try reporting {
            let query = WindowQuery(titlePattern: title, className: className, pid: pid)
            let window = try display.open().waitForWindow(
                matching: query, timeout: .milliseconds(Int64(timeout * 1000)))
            print(json ? WindowJSON.object(window).rendered : Table.windows([window]))
        }
    }
}

/// Plain-text tables for people.
enum Table {
    static func windows(_ windows: [WindowInfo]) -> String {
        var rows = [["ID", "PID", "X", "Y", "WIDTH", "HEIGHT", "CLASS", "TITLE"]]
        for w in windows {
            rows.append([
                w.id.description, w.pid.map(String.init) ?? "-", String(w.frame.x), String(w.frame.y),
                String(w.frame.width), String(w.frame.height), w.className.isEmpty ? "-" : w.className, w.title,
            ])
        }
        let widths = (0..<7).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            (0..<7).map { row[$0] + String(repeating: " ", count: widths[$0] - row[$0].count) }.joined(separator: "  ")
                + "  " + row[7]
        }.joined(separator: "\n")
    }
}
