import ArgumentParser
import Desktop
import Imaging

struct Click: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move the pointer to X Y (screen pixels) and click.",
        discussion: """
            Examples:
              foredesk click 100 200
              foredesk click 100 200 --button right
              foredesk click 640 400 --count 2        # double click
            """)

    @OptionGroup var display: DisplayOption
    @Argument(help: "Horizontal screen coordinate.") var x: Int
    @Argument(help: "Vertical screen coordinate.") var y: Int
    @OptionGroup var button: ButtonOption
    @Option(help: ArgumentHelp("Clicks in a row (2 = double click).", valueName: "n")) var count: Int = 1

    func validate() throws {
        if !(1...10).contains(count) { throw ValidationError("--count must be 1 to 10 (got \(count))") }
    }

    func run() throws {
        try reporting { try display.open().click(at: Point(x: x, y: y), button: button.value, count: count) }
    }
}

struct Move: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move the pointer to X Y (screen pixels).",
        discussion: "Example:\n  foredesk move 640 400")

    @OptionGroup var display: DisplayOption
    @Argument(help: "Horizontal screen coordinate.") var x: Int
    @Argument(help: "Vertical screen coordinate.") var y: Int

    func run() throws {
        try reporting { try display.open().move(to: Point(x: x, y: y)) }
    }
}

struct Drag: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Press a button at X1 Y1, move to X2 Y2 and release.",
        discussion: "Example:\n  foredesk drag 100 100 400 300 --steps 20")

    @OptionGroup var display: DisplayOption
    @Argument(help: "Start x.") var x1: Int
    @Argument(help: "Start y.") var y1: Int
    @Argument(help: "End x.") var x2: Int
    @Argument(help: "End y.") var y2: Int
    @OptionGroup var button: ButtonOption
    @Option(help: ArgumentHelp("Intermediate pointer moves.", valueName: "n")) var steps: Int = 10

    func validate() throws {
        if !(1...1000).contains(steps) { throw ValidationError("--steps must be 1 to 1000 (got \(steps))") }
    }

    func run() throws {
        try reporting {
            try display.open().drag(from: Point(x: x1, y: y1), to: Point(x: x2, y: y2), button: button.value, steps: steps)
        }
    }
}

struct Scroll: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn the wheel: DY clicks down (negative: up), DX clicks right (negative: left).",
        discussion: """
            Examples:
              foredesk scroll 0 3                 # three clicks down
              foredesk scroll 0 -3                # three clicks up
              foredesk scroll 2 0 --at 400,300    # right, after moving the pointer
            """)

    @OptionGroup var display: DisplayOption
    // Collected as unrecognized words so that "-3" is a number, not an option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Horizontal then vertical clicks (right > 0, down > 0).", valueName: "dx dy"))
    var amounts: [String] = []
    @Option(help: ArgumentHelp("Move the pointer here first.", valueName: "x,y")) var at: String?

    var dx: Int { Int(amounts[0]) ?? 0 }
    var dy: Int { Int(amounts[1]) ?? 0 }

    func validate() throws {
        guard amounts.count == 2, amounts.allSatisfy({ Int($0) != nil }) else {
            throw ValidationError("give two whole numbers DX DY, e.g. 'foredesk scroll 0 3' (got '\(amounts.joined(separator: " "))')")
        }
    }

    func run() throws {
        try reporting {
            var point: Point?
            if let at {
                let parts = at.split(separator: ",").compactMap { Int($0) }
                guard parts.count == 2 else { throw CommandFailure.usage("--at wants x,y, e.g. 400,300 (got '\(at)')") }
                point = Point(x: parts[0], y: parts[1])
            }
            try display.open().scroll(dx: dx, dy: dy, at: point)
        }
    }
}

/// The --button option of click and drag.
struct ButtonOption: ParsableArguments {
    @Option(help: ArgumentHelp("left, middle or right.", valueName: "button")) var button: String = "left"

    var value: MouseButton { MouseButton(rawValue: button) ?? .left }

    func validate() throws {
        if MouseButton(rawValue: button) == nil {
            throw ValidationError("--button must be left, middle or right (got '\(button)')")
        }
    }
}
