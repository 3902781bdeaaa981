import ArgumentParser
import Scenario

/// `--video` and `--fps`, the same for `run` and `record`.
struct VideoOptions: ParsableArguments {
    @Flag(help: "Record the screen continuously into the session's video/ (lossless; only what changed).")
    var video = false

    @Option(help: ArgumentHelp("Frames a second for --video, 1 to 30 (default 10).", valueName: "n"))
    var fps: Int?

    func validate() throws {
        if let fps {
            guard video else { throw ValidationError("--fps sets the frame rate of --video: add --video") }
            guard VideoRecorder.fpsRange.contains(fps) else {
                throw ValidationError(VideoError.badFrameRate(fps).description)
            }
        }
    }

    /// The frame rate to record at, nil without --video.
    var framesPerSecond: Int? {
        video ? fps ?? VideoRecorder.defaultFPS : nil
    }
}
