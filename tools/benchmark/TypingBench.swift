import Desktop
import Imaging

/// Typing 1,000 ASCII characters, and 10 characters the US layout lacks, into the target xterm:
/// in-process `Desktop.type`, `foredesk type` per process, and one `xdotool type` process. Every
/// run is checked: the target's cat writes each line it receives to a file, which must then hold
/// exactly the text typed.
enum TypingBench {
    /// 1,000 characters: letters of both cases, digits, punctuation, a newline after every 79.
    static let asciiText: String = {
        let pangram = "The quick brown fox jumps over the lazy dog; PACK MY BOX WITH FIVE DOZEN LIQUOR JUGS! 0123456789 (x+y)*z=?, "
        var text = ""
        var column = 0
        var index = pangram.startIndex
        while text.count < 1000 {
            if column == 79 {
                text.append("\n")
                column = 0
                continue
            }
            text.append(pangram[index])
            column += 1
            index = pangram.index(after: index)
            if index == pangram.endIndex { index = pangram.startIndex }
        }
        return text
    }()

    /// Ten characters the US layout has no key for: each needs a keycode bound to its keysym.
    static let nonASCIIText = "äöüßéèàçñ€"

    /// One way of typing and what it achieved.
    private struct Method {
        let label: String
        /// Types the text; the wall time in milliseconds and whether it reported success.
        let type: () throws -> (milliseconds: Double, ok: Bool)
        /// Rounds this method takes part in (slow tools run fewer).
        let rounds: Int
        var times: [Double] = []
        var intact = 0
        var failures = 0

        init(label: String, rounds: Int, type: @escaping () throws -> (milliseconds: Double, ok: Bool)) {
            self.label = label
            self.rounds = rounds
            self.type = type
        }

        init(_ command: ToolCommand, rounds: Int) {
            self.init(label: command.label, rounds: rounds) {
                let (ms, status) = command.run()
                return (ms, status == 0)
            }
        }

        /// "23.3 ms [22.1–30.9] = 23 µs/char, intact 15/15".
        func cell(characters: Int) -> String {
            guard let summary = Summary(times) else { return "–" }
            return Format.spread(summary) + " = " + Format.duration(summary.median / Double(characters)) + "/char"
                + ", intact \(intact)/\(times.count)" + (failures > 0 ? ", \(failures) FAILED" : "")
        }

        func perCharacter(_ characters: Int) -> Double {
            (Summary(times)?.median ?? .infinity) / Double(characters)
        }
    }

    static func run(_ context: BenchContext) throws {
        try context.show(.busy)
        let desktop = context.desktop
        let lab = context.lab
        let returnKey = try KeyCombo(parsing: "Return")
        let xdotool = context.missing("xdotool")
        let rounds = context.options.processRuns

        /// Presses Return (untimed) so cat receives the last line, waits for it, and tells whether
        /// everything since offset is exactly text.
        func arrivedIntact(_ text: String, since offset: Int) throws -> Bool {
            lab.settle(quiet: 100)
            try desktop.key(returnKey)
            let expected = Array((text + "\n").utf8)
            let deadline = Timing.now() + 1_000_000_000
            var received = lab.targetInput(from: offset)
            while received.count < expected.count && Timing.now() < deadline {
                Timing.sleep(milliseconds: 5)
                received = lab.targetInput(from: offset)
            }
            return received == expected
        }

        /// Runs every method in alternating rounds (each round starts with the next method).
        func measure(_ text: String, _ methods: inout [Method], before: () throws -> Void = {}) throws {
            try desktop.key(returnKey)
            lab.settle(quiet: 100)
            for round in -1..<rounds {  // one warm-up round
                for step in 0..<methods.count {
                    let index = (max(round, 0) + step) % methods.count
                    guard round < methods[index].rounds else { continue }
                    try before()
                    let offset = lab.targetInputSize
                    let (ms, ok) = try methods[index].type()
                    let intact = try arrivedIntact(text, since: offset)
                    guard round >= 0 else { continue }
                    methods[index].times.append(ms)
                    if intact { methods[index].intact += 1 }
                    if !ok { methods[index].failures += 1 }
                }
            }
        }

        // ASCII.
        var ascii = [
            Method(label: "Desktop.type", rounds: rounds) {
                (try Timing.measure { try desktop.type(asciiText) }, true)
            },
            Method(context.foredesk(["type", asciiText], label: "foredesk type TEXT"), rounds: rounds),
        ]
        if xdotool == nil {
            ascii.append(Method(context.command(["xdotool", "type", "--delay", "0", asciiText], label: "xdotool type --delay 0 TEXT"), rounds: rounds))
        }
        try measure(asciiText, &ascii)
        addRows(context, ascii, characters: asciiText.count, what: "1,000 ASCII chars", limitPerCharacter: 0.1, xdotool: xdotool)

        // Non-ASCII: every in-process run binds spare keycodes afresh (releaseAll gives them back
        // first, untimed). xdotool remaps a keycode per character; it gets at most 5 rounds.
        let slow = min(rounds, 5)
        var nonASCII = [
            Method(label: "Desktop.type", rounds: rounds) {
                (try Timing.measure { try desktop.type(nonASCIIText) }, true)
            },
            Method(context.foredesk(["type", nonASCIIText], label: "foredesk type TEXT"), rounds: rounds),
        ]
        if xdotool == nil {
            nonASCII.append(Method(context.command(["xdotool", "type", nonASCIIText], label: "xdotool type TEXT (default 12 ms delay)"), rounds: slow))
            nonASCII.append(Method(context.command(["xdotool", "type", "--delay", "0", nonASCIIText], label: "xdotool type --delay 0 TEXT"), rounds: slow))
        }
        try measure(nonASCIIText, &nonASCII, before: { try desktop.releaseAll() })
        addRows(context, nonASCII, characters: nonASCIIText.count, what: "10 non-ASCII chars (\(nonASCIIText))", limitPerCharacter: nil, xdotool: xdotool)
        try lab.focusTarget()
    }

    private static func addRows(
        _ context: BenchContext, _ methods: [Method], characters: Int, what: String, limitPerCharacter: Double?, xdotool: String?
    ) {
        let report = context.report
        for method in methods { report.record(.typing, "\(method.label), \(what)", method.times) }
        let rival = methods.count > 2 ? methods[2] : nil
        for (index, method) in methods.prefix(2).enumerated() {
            let allIntact = method.intact == method.times.count && method.failures == 0
            var row = Row(
                group: .typing,
                measurement: index == 0 ? "Desktop.type, \(what), in-process" : "foredesk type, \(what), whole process",
                foredesk: method.cell(characters: characters), target: "all intact", verdict: Verdict(allIntact))
            if let limitPerCharacter {
                row.target = "≤ \(Format.duration(limitPerCharacter))/char, all intact"
                row.verdict = Verdict(method.perCharacter(characters) <= limitPerCharacter, allIntact)
            }
            if let rival {
                row.other = "\(rival.label) " + rival.cell(characters: characters)
                let paired = rival.times.count == method.times.count
                row.ratio = Format.ratio(
                    (paired ? Summary.pairedRatio(rival.times, over: method.times) : Summary.medianRatio(rival.times, over: method.times)) ?? .nan)
            } else if let xdotool {
                row.other = xdotool
            }
            report.add(row)
        }
        for extra in methods.dropFirst(3) {
            report.add(Row(group: .typing, measurement: "(\(extra.label), \(what))", foredesk: "–", other: extra.cell(characters: characters)))
        }
    }
}
