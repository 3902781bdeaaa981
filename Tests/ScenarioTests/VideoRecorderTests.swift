import Desktop
import Foundation
import Imaging
import Scenario
import Session
import TestSupport
import Testing

/// Continuous recording on a real (private) X server: lossless, idle-free, and correct to the last pixel.
@Suite(.privateDisplay(), .serialized, .timeLimit(.minutes(3)))
struct VideoRecorderTests {
    /// The lines of the index written so far.
    func lines(_ folder: String) -> Int {
        ((try? String(contentsOfFile: folder + "/video/index.jsonl", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func theLastFrameEqualsTheScreenPixelForPixel() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { folder in
            let recorder = try VideoRecorder.start(display: display.name, folder: folder, fps: 30)
            let app = try FixtureApp(on: display.name)
            let desktop = try Desktop(display: display.name)
            let before = app.events().count
            try desktop.type("recorded, lossless: 0123456789")
            _ = try app.typedText(after: before, length: 30)
            try desktop.click(at: Point(x: 80, y: 40))
            let summary = recorder.stop()
            let screen = try desktop.capture()
            #expect(summary.failure == nil)
            #expect(summary.frames >= 2, "a keyframe and at least one change: \(summary)")
            let reader = try VideoReader(folder: folder)
            #expect(reader.index.frames.first?.key == true)
            #expect(reader.index.end?.frames == summary.frames)
            let last = try reader.frame(at: reader.index.durationMilliseconds)
            #expect(last == screen, "the video ends on the screen as it is")
            // Only changes after the keyframe: every other frame is smaller than the screen.
            for entry in reader.index.frames.dropFirst() where !entry.key {
                #expect(entry.rects.reduce(0) { $0 + $1.width * $1.height } < screen.width * screen.height)
            }
        }
    }

    @Test func anIdleScreenAddsNoFrames() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { folder in
            let app = try FixtureApp(on: display.name)
            let desktop = try Desktop(display: display.name)
            let watch = try desktop.watchScreen()
            _ = try watch.waitUntilSettled(quiet: .milliseconds(300), timeout: .seconds(10))
            let recorder = try VideoRecorder.start(display: display.name, folder: folder, fps: 30)
            // The keyframe reaches the index once encoded; then nothing while nothing is drawn.
            let deadline = ContinuousClock.now + .seconds(20)
            while lines(folder) < 2, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
            let settled = lines(folder)
            Thread.sleep(forTimeInterval: 1.5)
            let changes = try watch.changeCount()
            #expect(lines(folder) == settled, "1.5 s of idle screen at 30 fps stored no frame")
            try desktop.click(at: Point(x: 80, y: 40))
            _ = try app.waitForEvents("button_release", count: 1)
            let summary = recorder.stop()
            #expect(try watch.changeCount() > changes, "the click drew")
            #expect(summary.frames >= 2, "the click's redraw was stored: \(summary)")
            #expect(summary.dropped == 0)
        }
    }

    @Test func aFrameRateOutsideOneToThirtyIsRefused() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { folder in
            #expect(throws: VideoError.badFrameRate(31)) {
                _ = try VideoRecorder.start(display: display.name, folder: folder, fps: 31)
            }
            #expect(throws: VideoError.badFrameRate(0)) {
                _ = try VideoRecorder.start(display: display.name, folder: folder, fps: 0)
            }
        }
    }

    @Test func stopIsIdempotentAndRedactionBlacksOutEveryFrame() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { folder in
            let hidden = Rect(x: 0, y: 0, width: 200, height: 150)
            let recorder = try VideoRecorder.start(
                display: display.name, folder: folder, fps: 10, redaction: { [hidden] })
            let app = try FixtureApp(on: display.name)
            _ = app.events()
            let first = recorder.stop()
            #expect(recorder.stop() == first)
            let reader = try VideoReader(folder: folder)
            for position in reader.index.frames.indices {
                let screen = try reader.frame(atPosition: position)
                let part = try screen.cropped(to: hidden)
                #expect(part == Frame(width: hidden.width, height: hidden.height), "frame \(position) is black there")
            }
        }
    }
}

/// The same recording through plain GetImage, on a server without usable MIT-SHM.
@Suite(.privateDisplay(sharedMemory: false), .timeLimit(.minutes(2)))
struct VideoRecorderWithoutSharedMemoryTests {
    @Test func theVideoIsLosslessThroughGetImageToo() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { folder in
            let recorder = try VideoRecorder.start(display: display.name, folder: folder, fps: 30)
            let app = try FixtureApp(on: display.name)
            let desktop = try Desktop(display: display.name)
            let before = app.events().count
            try desktop.type("no shared memory")
            _ = try app.typedText(after: before, length: 16)
            let summary = recorder.stop()
            #expect(summary.failure == nil)
            let reader = try VideoReader(folder: folder)
            #expect(try reader.frame(at: reader.index.durationMilliseconds) == (try desktop.capture(method: .getImage)))
        }
    }
}
