import ArgumentParser
import Scenario
import Session

#if canImport(Glibc)
    import Glibc
#endif

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Turn a session's video (recorded with `foredesk run --video`) into an MP4 or PNG frames.",
        discussion: """
            --mp4 rebuilds the screen at every tick of the video's frame rate (keyframe plus changed rectangles) and pipes the frames to ffmpeg, which encodes H.264 (libx264, CRF 18, yuv420p); idle stretches repeat the last frame, so the file plays in real time, or --speed times faster. It needs ffmpeg (apt-get install ffmpeg). Progress goes to stderr.

            --frames DIR writes the whole screen after every stored frame as DIR/NNNNNN-<t>ms.png, losslessly (t: milliseconds since the recording started); it needs nothing else.

            Examples:
              foredesk export foredesk-out/login-20250301T123456Z --mp4 login.mp4
              foredesk export foredesk-out/login-20250301T123456Z --mp4 fast.mp4 --speed 4
              foredesk export foredesk-out/login-20250301T123456Z --frames /tmp/login-frames

            Prints the paths written on stdout. Exit codes: 0 written, 1 ffmpeg failed or a file could not be written, 64 bad usage or not a session folder, 65 the session has no readable video, 69 ffmpeg is not installed.
            """)

    @Argument(help: ArgumentHelp("The session folder `foredesk run --video` wrote.", valueName: "dir"))
    var folder: String

    @Option(help: ArgumentHelp("Write an H.264 MP4 here (needs ffmpeg).", valueName: "file"))
    var mp4: String?

    @Option(help: ArgumentHelp("Play this many times faster than real time in the MP4 (default 1).", valueName: "x"))
    var speed: Double = 1

    @Option(help: ArgumentHelp("Write the screen after every stored frame as a PNG into this folder.", valueName: "dir"))
    var frames: String?

    func validate() throws {
        if mp4 == nil && frames == nil { throw ValidationError("say what to write: --mp4 FILE, --frames DIR, or both") }
        guard speed.isFinite, speed >= 0.1, speed <= 100 else {
            throw ValidationError("--speed: found \(speed), expected a number from 0.1 to 100 (2 plays twice as fast)")
        }
        if mp4 == nil, speed != 1 { throw ValidationError("--speed goes with --mp4") }
    }

    func run() throws {
        try reporting {
            // ffmpeg exiting early must show as a failed write, not kill foredesk with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            if let frames {
                let count = try exporting { () throws(VideoExport.Failure) in
                    try VideoExport.frames(session: folder, to: frames, progress: report("frames"))
                }
                printError("foredesk: wrote \(count) frames")
                print(frames)
            }
            if let mp4 {
                let count = try exporting { () throws(VideoExport.Failure) in
                    try VideoExport.mp4(session: folder, to: mp4, speed: speed, progress: report("mp4"))
                }
                printError("foredesk: wrote \(count) frames to \(mp4)")
                print(mp4)
            }
        }
    }

    private func exporting(_ body: () throws(VideoExport.Failure) -> Int) throws -> Int {
        do throws(VideoExport.Failure) {
            return try body()
        } catch {
            let code: Int32 =
                switch error {
                case .ffmpegMissing: Exit.unavailable
                case .ffmpegFailed, .output: Exit.actionFailed
                case let .session(inner): ReportCommand.exitStatus(for: inner)
                }
            throw CommandFailure(message: error.description, code: code)
        }
    }

    /// A progress line on stderr: `export mp4: 12.0 s of 60.0 s (20%)`.
    private func report(_ what: String) -> (Int, Int) -> Void {
        { done, total in
            let percent = total > 0 ? done * 100 / total : 100
            printError(
                "export \(what): \(Double(done / 100) / 10) s of \(Double(total / 100) / 10) s (\(percent)%)")
        }
    }

    private func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
