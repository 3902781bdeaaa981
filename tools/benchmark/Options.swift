#if canImport(Glibc)
    import Glibc
#endif

/// The measurement groups, in the order the report lists them.
enum Group: String, CaseIterable, Comparable {
    case capture, encode, screenshot, input, typing, damage, evidence, search, sandbox, runner, supervise, video

    var title: String {
        switch self {
        case .capture: "capture (in-process, busy screen)"
        case .encode: "capture + PNG encode in memory (in-process)"
        case .screenshot: "screenshot to a PNG file, whole process (alternating A B A B…)"
        case .input: "input injection"
        case .typing: "typing into the target xterm"
        case .damage: "damage latency (key into the target xterm → XDamage event)"
        case .evidence: "act → evidence PNG on disk"
        case .search: "template search (in-process, busy 1920x1080 capture)"
        case .sandbox: "sandbox start-up, whole process (alternating)"
        case .runner: "scenario runner: per-step overhead and a 100-step scenario"
        case .supervise: "supervision: a run's steps with 20 clients on the live event stream"
        case .video: "continuous recording (--video) against ffmpeg -f x11grab, 1920x1080"
        }
    }

    static func < (a: Group, b: Group) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Command-line options of foredesk-bench (tools/bench passes them on).
struct BenchOptions {
    /// Samples for in-process measurements (microsecond-scale input calls take 10x as many).
    var runs = 30
    /// Samples (rounds) for whole-process measurements.
    var processRuns = 15
    var outputDirectory = "out/bench-manual"
    /// The foredesk CLI to time.
    var foredesk = ".build-bench/release/foredesk"
    var groups = Set(Group.allCases)
    /// Programs to treat as missing.
    var skipped: Set<String> = []
    /// Keep the display and the last scene up after measuring, until interrupted (for profiling).
    var hold: Scene?

    static let usage = """
        usage: foredesk-bench [--runs N] [--process-runs M] [--quick] [--only GROUP,...] [--skip TOOL,...]
                              [--out DIR] [--foredesk PATH] [--hold busy|flat]

          --runs N          in-process samples per measurement (default 30; input calls use 10x N)
          --process-runs M  whole-process rounds per comparison (default 15)
          --quick           N=10, M=5: a smoke run, numbers are rough
          --only LIST       groups to run: \(Group.allCases.map(\.rawValue).joined(separator: ","))
          --skip LIST       treat these tools as missing (e.g. maim,import)
          --out DIR         where samples.tsv, table.md and the PNGs go (default out/bench-manual)
          --foredesk PATH   the foredesk CLI to time (default .build-bench/release/foredesk)
          --hold SCENE      afterwards, show SCENE and keep the display up until Ctrl-C, printing
                            DISPLAY and XAUTHORITY, to profile commands by hand (--only none: no groups)

        Normally started by tools/bench, which builds first and picks the output directory.
        """

    static func parse(_ arguments: [String]) -> BenchOptions {
        var options = BenchOptions()
        var rest = arguments[...]
        func fail(_ message: String) -> Never {
            Console.error("foredesk-bench: \(message)\n\(usage)")
            exit(64)
        }
        func value(for flag: String) -> String {
            guard let next = rest.popFirst() else { fail("\(flag) needs a value") }
            return next
        }
        func count(for flag: String) -> Int {
            let text = value(for: flag)
            guard let n = Int(text), n >= 1 else { fail("\(flag) wants a positive number, not '\(text)'") }
            return n
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--runs": options.runs = count(for: argument)
            case "--process-runs": options.processRuns = count(for: argument)
            case "--quick":
                options.runs = 10
                options.processRuns = 5
            case "--only":
                var groups = Set<Group>()
                for name in value(for: argument).split(separator: ",") where name != "none" {
                    guard let group = Group(rawValue: String(name)) else { fail("unknown group '\(name)'") }
                    groups.insert(group)
                }
                options.groups = groups
            case "--skip": options.skipped.formUnion(value(for: argument).split(separator: ",").map(String.init))
            case "--out": options.outputDirectory = value(for: argument)
            case "--foredesk": options.foredesk = value(for: argument)
            case "--hold":
                let name = value(for: argument)
                guard let scene = Scene(rawValue: name) else { fail("--hold wants busy or flat, not '\(name)'") }
                options.hold = scene
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown option '\(argument)'")
            }
        }
        return options
    }
}
