import Desktop
import Foundation
import Imaging
import Processes
import Session

#if canImport(Glibc)
    import Glibc
#endif

/// `foredesk run --video` against `ffmpeg -f x11grab` at the same frame rate (writing PNG frames, and
/// writing libx264 ultrafast), each run in turn on the same activity: an idle desktop, typing into a
/// terminal, a full-screen animation. CPU is user + system of the recording process over its wall time
/// (wait4), bytes are what it wrote, per minute of video; foredesk's last frame is checked against a
/// capture of the (by then still) screen.
enum VideoBench {
    enum Activity: String, CaseIterable {
        case idle, typing, animation

        var title: String {
            switch self {
            case .idle: "idle desktop"
            case .typing: "typing in a terminal (8 chars/s)"
            case .animation: "full-screen animation (ffplay testsrc2 + hue, 30 fps)"
            }
        }
    }

    static let rates = [10, 30]

    /// One recording's figures.
    struct Measurement {
        var cpuPercent: Double
        var serverPercent: Double
        var bytesPerMinute: Double
        var frames: Int
        var dropped: Int
        var exact: Bool?
    }

    static func run(_ context: BenchContext) throws {
        try context.show(.flat)
        let seconds = context.options.runs <= 10 ? 6 : 12
        let relative = context.shotsDirectory + "/video"
        let directory = relative.hasPrefix("/") ? relative : FileManager.default.currentDirectoryPath + "/" + relative
        try BenchMain.makeDirectories(directory)
        let scenario = directory + "/sleep.yaml"
        try "name: video bench\nsteps:\n  - sleep: \(seconds)s\n".write(toFile: scenario, atomically: true, encoding: .utf8)
        let server = serverPID()
        for activity in Activity.allCases {
            if activity == .animation, let missing = context.missing("ffplay") {
                context.report.skip(.video, activity.title, because: missing)
                continue
            }
            for fps in rates {
                let label = "\(activity.title), \(fps) fps, \(seconds) s"
                let ours = try measureForedesk(
                    context, activity: activity, fps: fps, seconds: seconds, scenario: scenario, directory: directory,
                    server: server)
                var x264: Measurement?
                var png: Measurement?
                if context.missing("ffmpeg") == nil {
                    x264 = try measureFFmpeg(context, activity: activity, fps: fps, seconds: seconds, png: false, directory: directory, server: server)
                    png = try measureFFmpeg(context, activity: activity, fps: fps, seconds: seconds, png: true, directory: directory, server: server)
                }
                for (name, m) in [("foredesk", ours), ("ffmpeg x264", x264), ("ffmpeg png", png)] {
                    guard let m else { continue }
                    context.report.record(.video, "\(label) \(name) CPU", unit: "%", [m.cpuPercent])
                    context.report.record(.video, "\(label) \(name) X server CPU", unit: "%", [m.serverPercent])
                    context.report.record(.video, "\(label) \(name) bytes per minute", unit: "B", [m.bytesPerMinute])
                    context.report.record(.video, "\(label) \(name) dropped", unit: "frames", [Double(m.dropped)])
                }
                let ratio = x264.map { $0.cpuPercent / max(ours.cpuPercent, 0.01) }
                let light = activity != .animation
                let exact = ours.exact == true
                let noDrops = fps != 10 || ours.dropped == 0
                let verdict = light ? Verdict((ratio ?? 0) >= 3, noDrops, exact) : Verdict(noDrops, exact)
                context.report.add(Row(
                    group: .video, measurement: label,
                    foredesk: cell(ours) + (exact ? ", exact" : ", NOT exact"),
                    other: [x264.map { "x264 ultrafast " + cell($0) }, png.map { "PNG " + cell($0) }]
                        .compactMap { $0 }.joined(separator: " · ").nonEmpty ?? context.missing("ffmpeg") ?? "–",
                    ratio: ratio.map { Format.ratio($0) + " (x264 CPU ÷ ours)" } ?? "–",
                    target: light ? "≤ ⅓ of x264's CPU" + (fps == 10 ? ", 0 dropped" : "") + ", exact"
                        : (fps == 10 ? "0 dropped, exact" : "exact"),
                    verdict: verdict))
            }
        }
        context.report.note(
            "video: CPU = user+sys of the recording process ÷ its wall time (foredesk: the whole `foredesk run --video`"
                + " of a `sleep: \(seconds)s` scenario, start-up and report included); X server = Xvfb's CPU meanwhile;"
                + " MB/min = bytes written per minute of recording; dropped = foredesk's index `dropped`, ffmpeg's"
                + " `drop=`; exact = the video's last frame equals a capture of the still screen before the run ended")
    }

    static func cell(_ m: Measurement) -> String {
        "CPU \(Format.fixed(m.cpuPercent, 1))% (X +\(Format.fixed(m.serverPercent, 1))%), "
            + "\(Format.fixed(m.bytesPerMinute / 1_000_000, 2)) MB/min, \(m.frames) frames, \(m.dropped) dropped"
    }

    /// Starts the activity (nothing for idle) and waits until its window is up; it ends by itself
    /// after active seconds and leaves the screen still.
    static func startActivity(_ context: BenchContext, _ activity: Activity, active: Double) throws -> ChildProcess? {
        let lab = context.lab
        let title: String
        let process: ChildProcess
        switch activity {
        case .idle:
            return nil
        case .typing:
            title = "bench-typing"
            // Printed, not typed: the terminal redraws just the same, and nothing competes for the focus.
            let script = "$| = 1; my $t = 'the quick brown fox jumps over the lazy dog. ';"
                + " for my $i (0 .. \(Int(active * 8)) - 1) { print substr($t, $i % length($t), 1);"
                + " print \"\\n\" if $i % 70 == 69; select(undef, undef, undef, 0.125) } sleep 1000"
            process = try ChildProcess(
                "xterm", ["-T", title, "-geometry", "100x30+300+150", "-e", "perl", "-e", script],
                environment: ["DISPLAY": lab.display.name], output: .file(lab.logFile))
        case .animation:
            title = "bench-animation"
            process = try ChildProcess(
                "ffplay",
                [
                    "-hide_banner", "-loglevel", "error", "-fs", "-an", "-window_title", title, "-f", "lavfi", "-i",
                    "testsrc2=s=1920x1080:r=30,hue=H=t*2", "-t", Format.fixed(active, 1), "-autoexit",
                ], environment: ["DISPLAY": lab.display.name], output: .file(lab.logFile))
        }
        _ = try lab.desktop.waitForWindow(matching: WindowQuery(titlePattern: "^\(title)$"), timeout: .seconds(20))
        Timing.sleep(milliseconds: 300)
        return process
    }

    static func measureForedesk(
        _ context: BenchContext, activity: Activity, fps: Int, seconds: Int, scenario: String, directory: String,
        server: Int32?
    ) throws -> Measurement {
        let out = directory + "/sessions-\(activity.rawValue)-\(fps)"
        try? FileManager.default.removeItem(atPath: out)
        let app = try startActivity(context, activity, active: Double(seconds) - 2.5)
        defer { app?.terminate(grace: .seconds(2)) }
        let command = context.foredesk(
            ["run", scenario, "--display", context.lab.display.name, "--out", out, "--video", "--fps", "\(fps)"])
        let serverBefore = server.map(cpuMilliseconds) ?? 0
        guard let running = command.start() else { throw BenchError.check("foredesk run --video did not start") }
        // The activity is over by now and the run still records: what the video must end on.
        Timing.sleep(milliseconds: seconds * 1000 - 800)
        let still = try context.desktop.capture()
        let result = ToolCommand.finish(running)
        let serverAfter = server.map(cpuMilliseconds) ?? 0
        guard result.status == 0 else { throw BenchError.check("foredesk run --video exited with \(result.status)") }
        guard let session = (try? FileManager.default.contentsOfDirectory(atPath: out))?.first.map({ out + "/" + $0 })
        else { throw BenchError.check("foredesk run --video left no session in \(out)") }
        let reader = try VideoReader(folder: session)
        let last = try reader.frame(at: reader.index.durationMilliseconds)
        let bytes = directorySize(session + "/video")
        let minutes = Double(max(reader.index.durationMilliseconds, 1)) / 60_000
        defer { try? FileManager.default.removeItem(atPath: out) }
        return Measurement(
            cpuPercent: result.cpuMilliseconds / result.milliseconds * 100,
            serverPercent: (serverAfter - serverBefore) / result.milliseconds * 100,
            bytesPerMinute: Double(bytes) / minutes, frames: reader.index.frames.count,
            dropped: reader.index.end?.dropped ?? -1, exact: last == still)
    }

    static func measureFFmpeg(
        _ context: BenchContext, activity: Activity, fps: Int, seconds: Int, png: Bool, directory: String, server: Int32?
    ) throws -> Measurement {
        let out = directory + "/ffmpeg-\(activity.rawValue)-\(fps)-\(png ? "png" : "x264")"
        try? FileManager.default.removeItem(atPath: out)
        try BenchMain.makeDirectories(out)
        let app = try startActivity(context, activity, active: Double(seconds) - 2.5)
        defer { app?.terminate(grace: .seconds(2)) }
        let output = png ? ["-c:v", "png", out + "/%06d.png"] : ["-c:v", "libx264", "-preset", "ultrafast", out + "/out.mp4"]
        let command = context.command(
            [
                "ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "x11grab", "-framerate", "\(fps)",
                "-video_size", "1920x1080", "-draw_mouse", "0", "-i", context.lab.display.name, "-t", "\(seconds)",
            ] + output, label: "ffmpeg x11grab \(png ? "png" : "x264")")
        let log = out + ".log"
        let serverBefore = server.map(cpuMilliseconds) ?? 0
        guard let running = command.start(stderr: log) else { throw BenchError.check("ffmpeg did not start") }
        let result = ToolCommand.finish(running)
        let serverAfter = server.map(cpuMilliseconds) ?? 0
        guard result.status == 0 else { throw BenchError.check("ffmpeg exited with \(result.status); see \(log)") }
        let stats = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(whereSeparator: { $0 == "\r" || $0 == "\n" })
            .last { $0.contains("frame=") }.map(String.init) ?? ""
        let bytes = directorySize(out)
        defer { try? FileManager.default.removeItem(atPath: out) }
        return Measurement(
            cpuPercent: result.cpuMilliseconds / result.milliseconds * 100,
            serverPercent: (serverAfter - serverBefore) / result.milliseconds * 100,
            bytesPerMinute: Double(bytes) / (Double(seconds) / 60), frames: statistic("frame", in: stats) ?? 0,
            dropped: statistic("drop", in: stats) ?? 0, exact: nil)
    }

    /// The number after `name=` in an ffmpeg stats line ("frame=  120 fps= 10 … dup=0 drop=3").
    static func statistic(_ name: String, in line: String) -> Int? {
        guard let range = line.range(of: name + "=") else { return nil }
        return Int(line[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber })
    }

    /// The bytes of every file below path.
    static func directorySize(_ path: String) -> Int {
        let files = FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []
        return files.reduce(0) { $0 + BenchContext.fileSize(path + "/" + $1) }
    }

    /// The bench's own Xvfb (a child process named Xvfb).
    static func serverPID() -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let name = stat[stat.index(after: stat.firstIndex(of: "(") ?? stat.startIndex)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if name == "Xvfb", fields.count > 1, Int32(fields[1]) == getpid() { return pid }
        }
        return nil
    }

    /// User + system CPU of pid so far, in milliseconds (/proc/PID/stat fields 14 and 15).
    static func cpuMilliseconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

extension String {
    /// nil for the empty string.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
