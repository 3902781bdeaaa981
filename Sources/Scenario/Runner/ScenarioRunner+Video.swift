import Desktop
import Imaging
import Policy
import Session

// `--video`: continuous recording beside the steps, from the session's start to its end.
extension ScenarioRunner {
    /// Starts recording when the options ask for it; the reason when it could not start, nil otherwise.
    func startVideo() -> String? {
        guard let fps = options.videoFPS else { return nil }
        let redaction = redaction
        let desktop: Desktop = desktop
        var areas: (@Sendable () -> [Rect])?
        if !redaction.isEmpty {
            areas = { @Sendable in ScenarioRunner.redactedAreas(redaction, on: desktop, in: desktop.screenBounds) }
        }
        do throws(VideoError) {
            let recorder = try VideoRecorder.start(
                display: desktop.displayName, folder: session.path, fps: fps, redaction: areas)
            video = recorder
            options.control?.register(video: recorder)
            return nil
        } catch {
            return error.description
        }
    }

    /// Stops the recording and records its event (which vouches for every file in `video/`).
    func finishVideo() {
        guard let recorder = video else { return }
        video = nil
        let summary = recorder.stop()
        _ = try? session.record(summary.event)
        options.progress?("video: \(summary)")
    }
}
