import Desktop
import Imaging

#if canImport(Glibc)
    import Glibc
#endif

/// foredesk-bench: measures foredesk against the tools people use today, on a private
/// 1920x1080x24 Xvfb with openbox, and prints one table (see tools/bench --help).
@main
struct BenchMain {
    static func main() {
        Cleanup.installSignalThread()
        // If whatever reads the output goes away, writes fail instead of killing the bench before
        // it has stopped the display.
        signal(SIGPIPE, SIG_IGN)
        let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
        // xdotool reads non-ASCII text through the locale; xterm shows it only in UTF-8 mode.
        setenv("LC_ALL", "C.UTF-8", 1)
        let started = Timing.now()
        do {
            try run(options)
        } catch {
            Console.error("foredesk-bench: \(error)")
            Cleanup.runAll()
            exit(1)
        }
        Console.say("bench: finished in \(Format.duration(Timing.milliseconds(since: started)))")
        Cleanup.runAll()
    }

    /// What runs, in order: everything on the busy scene first, then the flat one (two scene
    /// changes in all); the report orders rows by group regardless.
    private static var plan: [(group: Group, scene: Scene, body: (BenchContext) throws -> Void)] {[
        (.capture, .busy, CaptureBench.run),
        (.encode, .busy, { try EncodeBench.run($0, scene: .busy) }),
        (.screenshot, .busy, { try ScreenshotBench.run($0, scene: .busy) }),
        (.search, .busy, SearchBench.run),
        (.input, .busy, InputBench.run),
        (.typing, .busy, TypingBench.run),
        (.damage, .busy, { try EvidenceBench.damage($0, scene: .busy) }),
        (.evidence, .busy, { try EvidenceBench.actToEvidence($0, scene: .busy) }),
        (.encode, .flat, { try EncodeBench.run($0, scene: .flat) }),
        (.screenshot, .flat, { try ScreenshotBench.run($0, scene: .flat) }),
        (.damage, .flat, { try EvidenceBench.damage($0, scene: .flat) }),
        (.evidence, .flat, { try EvidenceBench.actToEvidence($0, scene: .flat) }),
        (.sandbox, .flat, SandboxBench.run),
        (.runner, .flat, RunnerBench.run),
        (.supervise, .flat, SuperviseBench.run),
        (.video, .flat, VideoBench.run),
    ]}

    private static func run(_ options: BenchOptions) throws {
        let directory = options.outputDirectory
        let shots = directory + "/shots"
        try makeDirectories(shots)
        guard access(options.foredesk, X_OK) == 0 else {
            throw BenchError.setup("no foredesk CLI at \(options.foredesk); build it first (tools/bench does)")
        }
        let toolLog = directory + "/tools.log"
        let parent = directory.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let assets = SceneAssets.prepare(cacheDirectory: (parent.isEmpty ? "." : parent) + "/bench-cache", log: toolLog)
        if assets.wallpaper == nil {
            Console.say("bench: WARNING: ImageMagick (convert, display) is missing: the busy scene has no wallpaper and the flat one no solid background; tools/setup installs it")
        }

        Console.say("bench: starting a private 1920x1080x24 Xvfb with openbox and the target xterm")
        let lab = try Lab(outputDirectory: directory)
        Cleanup.register { lab.stop() }
        let report = Report()
        let context = BenchContext(
            lab: lab, assets: assets, options: options, report: report, shotsDirectory: shots, toolLog: toolLog)
        let load = loadAverage()
        if let oneMinute = Double(load.split(separator: " ").first ?? ""), oneMinute > 0.5 {
            Console.say("bench: WARNING: the machine is busy (load average \(load)): whole-process figures will be noisy; ratios from alternating runs hold up better")
        }
        let header = """
            # foredesk bench, \(timestamp())

            Display \(lab.display.name) (Xvfb 1920x1080x24 + openbox), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs, \
            load average at start \(load). In-process samples N=\(options.runs) (input calls \(options.runs * 10)), \
            whole-process rounds M=\(options.processRuns). Cells: median [p10–p90]. Ratio: the other tool's time ÷ \
            foredesk's, the median of per-round ratios where runs alternated (> 1: foredesk is faster); rows that \
            compare with a floor or a default say so.
            """
        Console.say("bench: display \(lab.display.name), N=\(options.runs), M=\(options.processRuns), output \(directory)")

        for step in plan where options.groups.contains(step.group) {
            let start = Timing.now()
            Console.say("bench: \(step.group.rawValue), \(step.scene.rawValue) scene…", terminator: "")
            do {
                try step.body(context)
                Console.say(" \(Format.duration(Timing.milliseconds(since: start)))")
            } catch {
                Console.say(" FAILED: \(error)")
                report.failed(step.group, error)
            }
        }
        report.note("load average at the end: \(loadAverage())")
        report.note("raw samples: \(directory)/samples.tsv; PNGs: \(shots); tool errors: \(toolLog)")

        Console.say("")
        Console.say(header)
        Console.say("")
        Console.say(report.table())
        Console.say(report.footnotes)
        let misses = report.misses
        Console.say("")
        Console.say(misses.isEmpty ? "bench: every target met" : "bench: \(misses.count) row(s) miss their target: " + misses.map(\.measurement).joined(separator: "; "))
        try report.write(to: directory, header: header)
        if let scene = options.hold {
            try lab.show(scene, assets: assets)
            let auth = getenv("XAUTHORITY").map { String(cString: $0) } ?? ""
            Console.say("bench: holding the \(scene.rawValue) scene: DISPLAY=\(lab.display.name) XAUTHORITY=\(auth) (Ctrl-C or SIGTERM ends)")
            while true { Timing.sleep(milliseconds: 1000) }
        }
        lab.stop()
    }

    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw BenchError.setup("cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func loadAverage() -> String {
        guard let file = fopen("/proc/loadavg", "r") else { return "?" }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return "?" }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
