#if canImport(Glibc)
    import Glibc
#endif

/// Whether a measurement meets its target.
enum Verdict {
    case pass, fail, info, skipped, error

    /// pass when every condition holds, fail when one does not.
    init(_ conditions: Bool...) {
        self = conditions.allSatisfy { $0 } ? .pass : .fail
    }

    var text: String {
        switch self {
        case .pass: "yes"
        case .fail: "NO"
        case .info: "–"
        case .skipped: "skipped"
        case .error: "ERROR"
        }
    }
}

/// One line of the table.
struct Row {
    var group: Group
    var measurement: String
    var foredesk: String
    var other: String = "–"
    var ratio: String = "–"
    var target: String = "–"
    var verdict: Verdict = .info
}

/// The rows of the table and every raw sample behind them.
final class Report {
    private(set) var rows: [Row] = []
    private var samples: [(group: Group, name: String, unit: String, values: [Double])] = []
    private var notes: [String] = []

    func add(_ row: Row) {
        rows.append(row)
    }

    /// Keeps raw samples for samples.tsv.
    func record(_ group: Group, _ name: String, unit: String = "ms", _ values: [Double]) {
        samples.append((group, name, unit, values))
    }

    /// A line printed under the table.
    func note(_ text: String) {
        notes.append(text)
    }

    /// A comparison that could not run, e.g. because a tool is missing.
    func skip(_ group: Group, _ measurement: String, because reason: String) {
        add(Row(group: group, measurement: measurement, foredesk: "–", other: reason, verdict: .skipped))
    }

    /// A group that stopped with an error.
    func failed(_ group: Group, _ error: any Error) {
        add(Row(group: group, measurement: "\(group.rawValue) group failed", foredesk: "\(error)", verdict: .error))
    }

    /// The table, grouped, as aligned markdown.
    func table() -> String {
        let header = ["measurement", "foredesk", "other tool", "ratio", "target", "ok?"]
        var lines: [[String]] = []
        var sectionLines: Set<Int> = []
        let ordered = rows.enumerated().sorted { a, b in
            a.element.group != b.element.group ? a.element.group < b.element.group : a.offset < b.offset
        }.map(\.element)
        var current: Group?
        for row in ordered {
            if row.group != current {
                current = row.group
                sectionLines.insert(lines.count)
                lines.append(["**\(row.group.title)**", "", "", "", "", ""])
            }
            lines.append([row.measurement, row.foredesk, row.other, row.ratio, row.target, row.verdict.text])
        }
        var widths = header.map(\.count)
        for (index, line) in lines.enumerated() where !sectionLines.contains(index) {
            for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func render(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { cell, width in cell + String(repeating: " ", count: max(0, width - cell.count)) }
                .joined(separator: " | ") + " |"
        }
        var text = render(header) + "\n" + render(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for (index, line) in lines.enumerated() {
            text += (sectionLines.contains(index) ? "| " + line[0] + " |" : render(line)) + "\n"
        }
        return text
    }

    var footnotes: String {
        notes.map { "- " + $0 }.joined(separator: "\n")
    }

    /// Failed targets, for the summary line.
    var misses: [Row] { rows.filter { $0.verdict == .fail || $0.verdict == .error } }

    /// Writes table.md (table and notes) and samples.tsv (every raw sample) into directory.
    func write(to directory: String, header: String) throws(BenchError) {
        try Self.write(header + "\n\n" + table() + "\n" + footnotes + "\n", to: directory + "/table.md")
        var tsv = "group\tmeasurement\tunit\trun\tvalue\n"
        for series in samples {
            for (run, value) in series.values.enumerated() {
                tsv += "\(series.group.rawValue)\t\(series.name)\t\(series.unit)\t\(run + 1)\t\(value)\n"
            }
        }
        try Self.write(tsv, to: directory + "/samples.tsv")
    }

    static func write(_ text: String, to path: String) throws(BenchError) {
        guard let file = fopen(path, "w") else { throw .setup("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        fputs(text, file)
    }
}

/// Terminal output: lines reach a pipe (tools/bench tees them into the run's log) at once.
enum Console {
    static func say(_ text: String, terminator: String = "\n") {
        print(text, terminator: terminator)
        fflush(nil)
    }

    static func error(_ text: String) {
        fflush(nil)
        let line = text + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
