import Desktop
import Imaging

/// Synced pointer and key events in-process (bare, and after a foreground check) against one
/// xdotool process per action, and the foredesk CLI per action against xdotool.
enum InputBench {
    static func run(_ context: BenchContext) throws {
        try context.show(.busy)
        let desktop = context.desktop
        let report = context.report
        let target = context.lab.target
        let here = target.frame.center
        let there = Point(x: here.x + 40, y: here.y + 20)
        let shift = try KeyCombo(parsing: "shift")

        /// The check an engine makes before acting: is the window it means still the active one?
        func checkForeground() throws {
            guard try desktop.activeWindowID() == target.id else {
                throw BenchError.check("the target xterm lost the focus during the input measurements")
            }
        }

        // In-process: microsecond-scale, so 10x the samples; interleaved so drift hits all alike.
        let actions: [(name: String, body: (Point) throws -> Void)] = [
            ("move(to:)", { try desktop.move(to: $0) }),
            ("click()", { _ in try desktop.click() }),
            ("key(\"shift\")", { _ in try desktop.key(shift) }),
            ("activeWindowID()", { _ in try checkForeground() }),
            ("move(to:)", { try checkForeground(); try desktop.move(to: $0) }),
            ("click()", { _ in try checkForeground(); try desktop.click() }),
            ("key(\"shift\")", { _ in try checkForeground(); try desktop.key(shift) }),
        ]
        var times = Array(repeating: [Double](), count: actions.count)
        for action in actions { try action.body(here) }
        for round in 0..<(context.options.runs * 10) {
            let point = round % 2 == 0 ? there : here
            for (index, action) in actions.enumerated() {
                times[index].append(try Timing.measure { try action.body(point) })
            }
        }
        try desktop.move(to: here)
        for (index, action) in actions.enumerated() {
            report.record(.input, "in-process \(index >= 4 ? "check + " : "")\(action.name)", times[index])
        }

        // Per process, alternating: xdotool and the foredesk CLI doing the same thing.
        let x = String(here.x)
        let y = String(here.y)
        let xdotool = context.missing("xdotool")
        var commands = [
            context.foredesk(["move", x, y], label: "foredesk move X Y"),
            context.foredesk(["click", x, y], label: "foredesk click X Y"),
            context.foredesk(["key", "shift"]),
        ]
        if xdotool == nil {
            commands += [
                context.command(["xdotool", "mousemove", x, y], label: "xdotool mousemove X Y"),
                context.command(["xdotool", "mousemove", x, y, "click", "--delay", "0", "1"], label: "xdotool mousemove X Y click --delay 0 1"),
                context.command(["xdotool", "key", "--delay", "0", "shift"]),
                context.command(["xdotool", "click", "--delay", "0", "1"]),
            ]
        }
        let (processTimes, failures) = context.alternate(commands, rounds: context.options.processRuns)
        for (index, command) in commands.enumerated() { report.record(.input, command.label, processTimes[index]) }
        try checkForeground()

        // Rows: in-process calls against the xdotool process for the same action.
        let rivalIndex = [0: 3, 1: 6, 2: 5, 4: 3, 5: 6, 6: 5]  // action → xdotool command
        for (index, action) in actions.enumerated() {
            let summary = Summary(times[index])!
            let checked = index >= 3
            var row = Row(
                group: .input,
                measurement: index == 3
                    ? "Desktop.activeWindowID() alone (the foreground check)"
                    : checked ? "activeWindowID() check + Desktop.\(action.name)" : "Desktop.\(action.name), synced",
                foredesk: Format.spread(summary))
            if index == 3 {
                row.target = "–"
            } else {
                let limit = checked ? 0.5 : 0.1
                row.target = checked ? "≤ 0.5 ms" : "≤ 100 µs"
                row.verdict = Verdict(summary.median <= limit)
                if xdotool == nil, let rival = rivalIndex[index] {
                    row.other = "\(commands[rival].label) (process) \(Summary.medianCell(processTimes[rival]))"
                    row.ratio = Format.ratio(Summary.medianRatio(processTimes[rival], over: times[index]) ?? .nan)
                } else if let xdotool {
                    row.other = xdotool
                }
            }
            report.add(row)
        }
        // Rows: the CLI per action against xdotool per action, paired.
        for index in 0..<3 {
            let summary = Summary(processTimes[index])!
            let failed = failures[index] > 0 ? " (\(failures[index]) runs FAILED)" : ""
            var row = Row(
                group: .input, measurement: "\(commands[index].label), whole process",
                foredesk: Format.spread(summary) + failed, target: "≤ 15 ms",
                verdict: Verdict(summary.median <= 15, failures[index] == 0))
            if xdotool == nil {
                let rival = index + 3
                row.other = "\(commands[rival].label) \(Format.spread(Summary(processTimes[rival])!))"
                row.ratio = Format.ratio(Summary.pairedRatio(processTimes[rival], over: processTimes[index]) ?? .nan)
            } else if let xdotool {
                row.other = xdotool
            }
            report.add(row)
        }
        if xdotool == nil {
            report.add(Row(
                group: .input, measurement: "(xdotool click --delay 0 1, whole process, no move)", foredesk: "–",
                other: Format.spread(Summary(processTimes[6])!)))
        }
    }
}
