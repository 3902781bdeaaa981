import Desktop
import Foundation
import Imaging
import Session
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `foredesk run --video` and `foredesk export`: the index, lossless frames, a killed run, the MP4.
@Suite(
    .timeLimit(.minutes(5)), .serialized, .enabled(if: Cgroups.writable, Cgroups.reason),
    .privateDisplay(windowManager: true))
struct VideoCommandTests {
    static let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let ffprobe = ["/usr/bin/ffprobe", "/usr/local/bin/ffprobe"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static let typing = """
          - launch: fixture
          - activate: fixture
          - wait: { image: blue.png }
          - click: [320, 110]
          - type: "a video of typing"
          - wait: { settle: screen }
          - screenshot: final
        """

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func runWithVideoRecordsALosslessVideoThatEndsOnTheFinalScreenshot() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, session) = try harness.run(Self.typing, flags: ["--video", "--fps", "20"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("video: "), "the summary line: \(result.stderr)")
            let reader = try VideoReader(folder: session)
            let index = reader.index
            #expect(index.header.size == Size(width: 1024, height: 768))
            #expect(index.header.fps == 20)
            #expect(index.frames.first?.key == true && index.frames.first?.t == 0)
            #expect(index.frames.count >= 3, "a keyframe, the window, the typing: \(index.frames.count)")
            #expect(index.end?.frames == index.frames.count)
            #expect(index.skippedLines == 0)
            let shot = try #require(RunnerHarness.pngs(in: session + "/frames").first { $0.hasSuffix("-final.png") })
            let last = try #require(try reader.frame(at: index.durationMilliseconds))
            #expect(last == (try Frame(contentsOfPNG: shot)), "lossless: the video ends pixel for pixel on the screenshot")

            let videoEvents = try harness.events(session).filter { ($0["action"] as? [String: Any])?["kind"] as? String == "video" }
            #expect(videoEvents.count == 1)
            let verify = try foredesk(["verify", session])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("\(index.frames.count) video frames"), "\(verify.stdout)")
        }
    }

    @Test(.enabled(if: ffmpeg != nil && ffprobe != nil, "ffmpeg/ffprobe are not installed (tools/setup installs them)"))
    func exportMakesAnMP4OfTheVideosSizeAndDuration() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, session) = try harness.run(Self.typing + "\n  - sleep: 1s", flags: ["--video"])
            #expect(result.status == 0, "\(result.stderr)")
            let index = try VideoReader(folder: session).index
            let export = try foredesk(["export", session, "--mp4", dir + "/run.mp4", "--frames", dir + "/frames"])
            #expect(export.status == 0, "\(export.stderr)")
            #expect(export.stdout.contains(dir + "/run.mp4"))
            let pngs = try FileManager.default.contentsOfDirectory(atPath: dir + "/frames").filter { $0.hasSuffix(".png") }
            #expect(pngs.count == index.frames.count)

            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: try #require(Self.ffprobe))
            probe.arguments = [
                "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,codec_name,nb_frames",
                "-show_entries", "format=duration", "-of", "json", dir + "/run.mp4",
            ]
            let out = Pipe()
            probe.standardOutput = out
            try probe.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            probe.waitUntilExit()
            #expect(probe.terminationStatus == 0, "ffprobe accepts the file")
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let stream = try #require((json["streams"] as? [[String: Any]])?.first)
            #expect(stream["width"] as? Int == 1024 && stream["height"] as? Int == 768, "\(stream)")
            #expect(stream["codec_name"] as? String == "h264")
            // One frame per tick from 0 to the end: the video's own duration, frames repeated over idle gaps.
            let ticks = index.durationMilliseconds * index.header.fps / 1000 + 1
            #expect(Int(stream["nb_frames"] as? String ?? "") == ticks, "\(stream)")
            let duration = try #require(Double((json["format"] as? [String: Any])?["duration"] as? String ?? ""))
            #expect(abs(duration - Double(ticks) / Double(index.header.fps)) < 0.15, "\(duration) s for \(ticks) ticks")
            #expect(Double(index.durationMilliseconds) / 1000 > 1, "the sleep is in it")
        }
    }

    @Test func exportWithoutFFmpegSaysHowToInstallIt() throws {
        try withTemporaryDirectory { dir in
            let session = dir + "/session"
            try FileManager.default.createDirectory(atPath: session + "/video", withIntermediateDirectories: true)
            let result = try foredesk(["export", session, "--mp4", dir + "/x.mp4"], environment: ["PATH": "/nonexistent"])
            #expect(result.status == 69)
            #expect(result.stderr.contains("apt-get install ffmpeg"), "\(result.stderr)")
            let nothing = try foredesk(["export", session, "--frames", dir + "/f"])
            #expect(nothing.status == 65, "no index: \(nothing.stderr)")
            #expect(nothing.stderr.contains("no video here"), "\(nothing.stderr)")
        }
    }

    @Test func frameRatesOutsideOneToThirtyAndFPSWithoutVideoAreUsageErrors() throws {
        let tooFast = try foredesk(["run", "x.yaml", "--video", "--fps", "45"])
        #expect(tooFast.status == 64)
        #expect(tooFast.stderr.contains("--fps: found 45, expected a whole number of frames a second from 1 to 30"), "\(tooFast.stderr)")
        let alone = try foredesk(["run", "x.yaml", "--fps", "5"])
        #expect(alone.status == 64)
        #expect(alone.stderr.contains("add --video"), "\(alone.stderr)")
    }

    /// Starts `foredesk run --video` on the suite's display with a scenario that types and then sleeps a
    /// minute; returns once the typing is recorded and the video holds at least two frames.
    func startTypingRun(in dir: String, display: String) throws -> (Process, session: String) {
        let harness = RunnerHarness(dir: dir)
        // Written by a first run that ends at once, so the scenario and policy files exist.
        _ = try harness.run("  - sleep: 1ms")
        try harness.scenarioText(
            """
              - launch: fixture
              - activate: fixture
              - click: [320, 110]
              - type: "typed before the signal"
              - sleep: 60s
            """
        ).write(toFile: dir + "/long.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("foredesk"))
        process.arguments = [
            "run", dir + "/long.yaml", "--out", dir + "/long", "--workspace", dir + "/ws", "--display", display, "--video",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        var session = ""
        while ContinuousClock.now < deadline {
            let sessions = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/long")) ?? []
            session = sessions.first.map { dir + "/long/" + $0 } ?? ""
            let typed = text(session + "/events.jsonl").contains(#""kind":"type""#)
            if typed, text(session + "/video/index.jsonl").split(separator: "\n").count >= 3 { break }
            try #require(process.isRunning, "foredesk exited before the signal")
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (process, session)
    }

    @Test func sigintEndsTheVideoCleanlyAndVerifyVouchesForIt() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let (process, session) = try startTypingRun(in: dir, display: display.name)
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            #expect(process.terminationStatus == 130)
            let index = try VideoReader(folder: session).index
            #expect(index.end != nil, "the end line is written on SIGINT")
            #expect(index.end?.frames == index.frames.count)
            let verify = try foredesk(["verify", session])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("\(index.frames.count) video frames"), "\(verify.stdout)")
        }
    }

    @Test func aRunKilledOutrightLeavesAReadablePrefix() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let (process, session) = try startTypingRun(in: dir, display: display.name)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let reader = try VideoReader(folder: session)
            #expect(reader.index.end == nil, "no end line: the run was killed")
            #expect(reader.index.frames.count >= 2)
            for entry in reader.index.frames {
                #expect(FileManager.default.fileExists(atPath: session + "/" + entry.file), "\(entry.file) is whole on disk")
            }
            #expect(try reader.frame(at: reader.index.durationMilliseconds) != nil)
            let export = try foredesk(["export", session, "--frames", dir + "/frames"])
            #expect(export.status == 0, "\(export.stderr)")
        }
    }
}
