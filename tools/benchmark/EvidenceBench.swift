import Desktop
import Imaging

/// From an action to its evidence: how soon XDamage reports the target xterm's redraw, and how
/// long until a PNG showing it is on disk (in-process against `xdotool key` + `scrot`).
enum EvidenceBench {
    /// Keys that alternately add and erase one character in the target xterm, so every action
    /// changes the screen and the line never grows.
    private static let keys = ["a", "BackSpace"]

    /// Waits for damage that touches the target window (other clients' drawing is skipped); nil
    /// after a second without it.
    private static func waitForTarget(_ lab: Lab) throws -> Rect? {
        let deadline = Timing.now() + 1_000_000_000
        while Timing.now() < deadline {
            guard let area = try lab.watch.waitForChange(timeout: .milliseconds(50)) else { continue }
            if area.intersection(lab.target.frame) != nil { return area }
        }
        return nil
    }

    static func damage(_ context: BenchContext, scene: Scene) throws {
        try context.show(scene)
        let lab = context.lab
        let combos = try keys.map { try KeyCombo(parsing: $0) }
        var keyTimes: [Double] = []
        var latencies: [Double] = []
        var misses = 0
        for run in -2..<context.options.runs {  // two warm-up runs
            lab.settle(quiet: 30)
            try lab.watch.reset()
            let start = Timing.now()
            try lab.desktop.key(combos[(run + 2) % 2])
            let returned = Timing.now()
            let seen = try waitForTarget(lab)
            let latency = Timing.milliseconds(since: returned)
            guard run >= 0 else { continue }
            if seen == nil {
                misses += 1
                continue
            }
            keyTimes.append(Double(returned - start) / 1_000_000)
            latencies.append(latency)
        }
        let report = context.report
        report.record(.damage, "\(scene.rawValue) key call", keyTimes)
        report.record(.damage, "\(scene.rawValue) key return to damage", latencies)
        guard let summary = Summary(latencies) else {
            report.add(Row(group: .damage, measurement: "\(scene.rawValue): key → damage", foredesk: "no damage seen", target: "≤ 1 ms", verdict: .fail))
            return
        }
        let runs = context.options.runs
        report.add(Row(
            group: .damage, measurement: "\(scene.rawValue): key returns → damage on target (\(runs - misses)/\(runs) seen)",
            foredesk: Format.spread(summary), other: "C XDamage \(scene == .busy ? "0.35" : "0.27") ms (baselines.md)",
            target: "≤ 1 ms", verdict: Verdict(summary.median <= 1, misses == 0)))
        report.add(Row(
            group: .damage, measurement: "\(scene.rawValue): the Desktop.key call itself (synced)",
            foredesk: Format.spread(Summary(keyTimes)!)))
    }

    static func actToEvidence(_ context: BenchContext, scene: Scene) throws {
        try context.show(scene)
        let lab = context.lab
        let report = context.report
        let combos = try keys.map { try KeyCombo(parsing: $0) }
        let ours = context.shot("evidence-foredesk-\(scene.rawValue).png")
        let theirs = context.shot("evidence-scrot-\(scene.rawValue).png")
        let missing = context.missing("xdotool") ?? context.missing("scrot")
        let tools = missing == nil
            ? keys.map { (key: context.command(["xdotool", "key", $0]), shot: context.command(["scrot", "-o", theirs])) } : []

        // Steps alternate foredesk, tools, foredesk, …; keys alternate a, BackSpace. The target's
        // pixels in each PNG are compared with the previous step's: did the evidence show the change?
        var step = 0
        var previous: Frame?
        var changed = [0, 0]
        var times: [[Double]] = [[], []]
        // In-process stages: reset + key, until damage, capture, encode + write.
        var stages: [[Double]] = [[], [], [], []]
        var noDamage = 0
        func evidence(_ path: String) throws -> Bool {
            let crop = try Frame(contentsOfPNG: path).cropped(to: lab.target.frame)
            defer { previous = crop }
            return previous.map { $0 != crop } ?? true
        }
        for round in -1..<context.options.processRuns {  // one warm-up round
            for method in (missing == nil ? [0, 1] : [0]) {
                lab.settle(quiet: 30)
                let key = step % 2
                step += 1
                let ms: Double
                if method == 0 {
                    var seen: Rect?
                    var marks: [UInt64] = []
                    ms = try Timing.measure {
                        let start = Timing.now()
                        try lab.watch.reset()
                        try lab.desktop.key(combos[key])
                        let keyed = Timing.now()
                        seen = try waitForTarget(lab)
                        let damaged = Timing.now()
                        let frame = try lab.desktop.capture()
                        let captured = Timing.now()
                        try frame.writePNG(to: ours)
                        marks = [start, keyed, damaged, captured, Timing.now()]
                    }
                    if seen == nil { noDamage += 1 }
                    if round >= 0 {
                        for stage in 0..<4 { stages[stage].append(Double(marks[stage + 1] - marks[stage]) / 1_000_000) }
                    }
                } else {
                    let first = tools[key].key.run()
                    let second = tools[key].shot.run()
                    ms = first.milliseconds + second.milliseconds
                    if first.status != 0 || second.status != 0 { throw BenchError.check("xdotool key or scrot failed") }
                }
                let showsChange = try evidence(method == 0 ? ours : theirs)
                guard round >= 0 else { continue }
                times[method].append(ms)
                if showsChange { changed[method] += 1 }
            }
        }
        let runs = context.options.processRuns
        report.record(.evidence, "\(scene.rawValue) foredesk in-process", times[0])
        report.record(.evidence, "\(scene.rawValue) xdotool key + scrot -o", times[1])
        let limit: Double = scene == .busy ? 50 : 20
        let speedup: Double = scene == .busy ? 2 : 4
        let summary = Summary(times[0])!
        var row = Row(
            group: .evidence,
            measurement: "\(scene.rawValue): reset, key, waitForChange, capture, writePNG (in-process)",
            foredesk: Format.spread(summary) + ", change in \(changed[0])/\(runs)" + (noDamage > 0 ? ", \(noDamage) without damage" : ""),
            target: "≤ \(Int(limit)) ms, ≥ \(Format.ratio(speedup))")
        if let missing {
            row.other = missing
            row.verdict = Verdict(summary.median <= limit, changed[0] == runs)
        } else {
            let ratio = Summary.pairedRatio(times[1], over: times[0]) ?? .nan
            row.other = "xdotool key a + scrot -o (2 processes) \(Format.spread(Summary(times[1])!)), change in \(changed[1])/\(runs)"
            row.ratio = Format.ratio(ratio)
            row.verdict = Verdict(summary.median <= limit, ratio >= speedup, changed[0] == runs)
        }
        report.add(row)
        let names = ["reset + key", "→ damage", "capture", "encode + write"]
        report.add(Row(
            group: .evidence, measurement: "\(scene.rawValue): in-process stages (medians)",
            foredesk: zip(names, stages).map { "\($0) \(Summary.medianCell($1))" }.joined(separator: ", ")))
        for (name, samples) in zip(names, stages) { report.record(.evidence, "\(scene.rawValue) stage \(name)", samples) }
    }
}
