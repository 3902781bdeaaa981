import Foundation
import Imaging
import Policy
import Session
import Testing
import TestSupport

/// `report.html` as a replay viewer, opened from disk in a real headless Chromium.
@Suite(.serialized, .timeLimit(.minutes(5)), .enabled(if: WebDriver.available, WebDriver.unavailableReason))
struct ReportViewerTests {
    /// The viewer's state as the page exposes it on `#viewer` (`data-time`, `data-seq`, `data-frame`…).
    static func viewer(_ browser: WebDriver, _ name: String) throws -> String {
        let script = "return document.getElementById('viewer').getAttribute(arguments[0]) || ''"
        return try browser.execute(script, ["data-" + name]) as? String ?? ""
    }

    /// Waits until condition, a JavaScript expression over `v` (the viewer's `dataset`) and `a` (arguments), holds.
    static func waitFor(_ browser: WebDriver, _ what: String, _ condition: String, _ arguments: [Any] = []) throws {
        try browser.waitUntil(
            what, script: "var v = document.getElementById('viewer').dataset, a = arguments; return \(condition);",
            arguments)
    }

    /// The value of a JavaScript expression over `a` (arguments).
    @discardableResult
    static func value(_ browser: WebDriver, _ expression: String, _ arguments: [Any] = []) throws -> Any? {
        try browser.execute("var a = arguments; return \(expression);", arguments)
    }

    /// The shown step frame, in scripts.
    static let frame = "document.getElementById('frame')"

    static func open(_ browser: WebDriver, _ page: String) throws {
        try browser.open(file: page)
        try waitFor(browser, "the viewer is ready", "v.ready === '1'")
    }

    /// A viewport screenshot, kept as name in the artifacts folder and decoded.
    static func screenshot(_ browser: WebDriver, _ name: String, in artifacts: String) throws -> Frame {
        let png = try browser.screenshot()
        try png.write(to: URL(fileURLWithPath: artifacts + "/" + name))
        return try Frame(pngData: [UInt8](png))
    }

    @Test(.enabled(if: Cgroups.writable, Cgroups.reason))
    func playsARealRunAndJumpsToItsFailedStep() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            // A golden no screen matches: the expect_screen step fails with actual and diff frames.
            let magenta = Color(red: 0xFF, green: 0, blue: 0xFF)
            try Frame(width: 1024, height: 768, color: magenta).writePNG(to: dir + "/golden.png")
            let (result, session) = try harness.run(
                """
                  - launch: fixture
                  - activate: fixture
                  - wait: { image: blue.png }
                  - click: [80, 40]
                  - type: "héllo"
                  - run: [echo, "viewer <output> & more"]
                  - expect_screen: { golden: golden.png, timeout: 1s }
                """, flags: ["--frames", "all"])
            #expect(result.status == 1, "the expect_screen step fails: \(result.stderr)")
            let events = try harness.events(session)
            let failed = try #require(events.last)
            let failedSeq = try #require(failed["seq"] as? Int)
            let failedFrames = try #require(failed["frames"] as? [String: Any])
            let actual = try #require(failedFrames["after"] as? String)
            let click = try #require(events.first { ($0["action"] as? [String: Any])?["kind"] as? String == "click" })
            let clickBefore = try #require((click["frames"] as? [String: Any])?["before"] as? String)

            let artifacts = try TestArtifacts.folder("report-viewer-real-run")
            let browser = try WebDriver(width: 1600, height: 1100)
            defer { browser.quit() }
            try Self.open(browser, session + "/report.html")
            let listed = try Self.value(browser, "document.querySelectorAll('aside li.event').length") as? Int
            #expect(listed == events.count)

            // Play: the clock moves on by itself; space pauses it again.
            let before = Double(try Self.viewer(browser, "time")) ?? -1
            try browser.press(WebDriver.Key.space)
            #expect(try Self.viewer(browser, "playing") == "true")
            try Self.waitFor(browser, "the timeline plays", "Number(v.time) > a[0]", [before + 200])
            try browser.press(WebDriver.Key.space)
            #expect(try Self.viewer(browser, "playing") == "false")

            // f: the first failed step is current, and the screen shows its frame.
            try browser.press("f")
            try Self.waitFor(browser, "the failed step is current", "v.seq === a[0]", [String(failedSeq)])
            let frame = Self.frame
            try Self.waitFor(
                browser, "its frame is shown", "!\(frame).hidden && \(frame).complete && \(frame).naturalWidth > 0")
            #expect(try Self.value(browser, "\(frame).getAttribute('src')") as? String == actual)
            #expect(try Self.viewer(browser, "frame") == actual)
            // Expected, actual and difference beside it, all loaded (the golden from outside the session folder).
            let evidence = try browser.waitUntil(
                "the expect_screen images load",
                script: """
                    var imgs = document.querySelectorAll('#current .evidence img');
                    if (imgs.length < 3) return false;
                    for (var i = 0; i < imgs.length; i++) if (!imgs[i].complete || !imgs[i].naturalWidth) return false;
                    return Array.prototype.map.call(imgs, function (im) { return im.getAttribute('src'); });
                    """)
            let sources = evidence as? [String] ?? []
            #expect(sources.count == 3 && sources[0].hasSuffix("golden.png") && sources[1] == actual, "\(sources)")

            // The pixels on the page are the frame's pixels.
            let shot = try Self.screenshot(browser, "failed-step.png", in: artifacts)
            let expected = try Frame(contentsOfPNG: session + "/" + actual)
            try Self.expectShown(expected, in: shot, browser: browser)

            // ←: the step before (the run), whose output the current panel shows, escaped as text.
            try browser.press(WebDriver.Key.left)
            #expect(try Self.viewer(browser, "seq") == String(failedSeq - 1))
            let panel = try browser.execute("return document.getElementById('current').textContent") as? String ?? ""
            #expect(panel.contains("viewer <output> & more"), "\(panel)")

            // Clicking the click action shows its before frame, with the pointer drawn on it.
            try browser.click(browser.element("aside li.event[data-seq='\(click["seq"] as? Int ?? 0)']"))
            try Self.waitFor(
                browser, "the click's frame is shown", "\(frame).getAttribute('src') === a[0] && \(frame).complete",
                [clickBefore])
            #expect(try browser.execute("return document.getElementById('pointer').hidden") as? Bool == false)
            _ = try Self.screenshot(browser, "click-step.png", in: artifacts)

            // ? opens the help, Escape closes it.
            try browser.press("?")
            #expect(try browser.execute("return document.getElementById('help').hidden") as? Bool == false)
            try browser.press(WebDriver.Key.escape)
            #expect(try browser.execute("return document.getElementById('help').hidden") as? Bool == true)
        }
    }

    /// Compares the screenshot with frame where the shown image lies, at points inside plain areas (so
    /// scaling, if any, cannot blur them) and away from the pointer marker.
    static func expectShown(_ frame: Frame, in shot: Frame, browser: WebDriver) throws {
        let box = try #require(
            browser.execute(
                """
                var r = document.getElementById('frame').getBoundingClientRect();
                var p = document.getElementById('pointer');
                var q = p.hidden ? null : p.getBoundingClientRect();
                return [r.left, r.top, r.width, r.height].concat(q ? [q.left, q.top, q.right, q.bottom] : []);
                """) as? [Double])
        let (left, top, width, height) = (box[0], box[1], box[2], box[3])
        var compared = 0
        for row in 1..<8 {
            for column in 1..<10 {
                let x = frame.width * column / 10
                let y = frame.height * row / 8
                let plain = (-3...3).allSatisfy { dy in
                    (-3...3).allSatisfy { dx in RunnerHarness.sameColor(frame[x + dx, y + dy], frame[x, y]) }
                }
                guard plain else { continue }
                let px = Int(left + (Double(x) + 0.5) * width / Double(frame.width))
                let py = Int(top + (Double(y) + 0.5) * height / Double(frame.height))
                if box.count == 8, Double(px) > box[4] - 4, Double(px) < box[6] + 4, Double(py) > box[5] - 4,
                    Double(py) < box[7] + 4
                {
                    continue
                }
                guard px < shot.width, py < shot.height else { continue }
                #expect(
                    RunnerHarness.sameColor(shot[px, py], frame[x, y]),
                    "page pixel \(px),\(py) is \(shot[px, py]), the frame's \(x),\(y) is \(frame[x, y])")
                compared += 1
            }
        }
        #expect(compared >= 10, "enough plain points to compare: \(compared)")
    }

    @Test func seeksASyntheticVideoToTheReconstructedPixel() throws {
        try withTemporaryDirectory { dir in
            let start = Timestamp(millisecondsSinceEpoch: 1_740_832_496_000)
            func at(_ ms: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + ms) }
            let info = SessionInfo(
                scenario: "video", policyDigest: "", display: ":1", screenSize: Size(width: 64, height: 48),
                version: "test", start: start)
            let folder = try SessionFolder.create(in: dir, info: info)
            try FileManager.default.createDirectory(atPath: folder.path + "/video", withIntermediateDirectories: true)
            let a = Color(red: 10, green: 20, blue: 30)
            let b = Color(red: 200, green: 0, blue: 0)
            let c = Color(red: 0, green: 200, blue: 0)
            let d = Color(red: 0, green: 0, blue: 200)
            let e = Color(red: 250, green: 250, blue: 0)
            let f = Color(red: 0, green: 250, blue: 250)
            func write(_ frame: Frame, _ name: String) throws { try frame.writePNG(to: folder.path + "/video/" + name) }
            try write(Frame(width: 64, height: 48, color: a), "000001.png")
            // An atlas of two rectangles stacked: 8x8 of b, then 10x6 of c; as wide as the widest.
            var atlas = Frame(width: 10, height: 14, color: c)
            atlas.fill(Rect(x: 0, y: 0, width: 10, height: 8), with: Color(red: 1, green: 2, blue: 3))
            atlas.fill(Rect(x: 0, y: 0, width: 8, height: 8), with: b)
            try write(atlas, "000002.png")
            try write(Frame(width: 64, height: 8, color: e), "000003.png")
            try write(Frame(width: 64, height: 48, color: d), "000004.png")
            try write(Frame(width: 14, height: 14, color: f), "000005.png")
            // The recording started 100 ms into the session.
            let index = [
                #"{"format":"foredesk-video/1","width":64,"height":48,"fps":10,"start":"\#(at(100).iso8601)"}"#,
                #"{"t":0,"file":"video/000001.png","key":true,"rects":[[0,0,64,48]]}"#,
                #"{"t":400,"file":"video/000002.png","key":false,"rects":[[4,4,8,8],[30,20,10,6]]}"#,
                #"{"t":800,"file":"video/000003.png","key":false,"rects":[[0,40,64,8]]}"#,
                #"{"t":1200,"file":"video/000004.png","key":true,"rects":[[0,0,64,48]]}"#,
                #"{"t":1600,"file":"video/000005.png","key":false,"rects":[[50,0,14,14]]}"#,
                #"{"t":1700,"file":"video/0000"#,
            ].joined(separator: "\n")
            try index.write(toFile: folder.path + "/video/index.jsonl", atomically: true, encoding: .utf8)
            for (time, x, y) in [(50, 5, 5), (1500, 60, 40)] {
                let click = RecordedAction(.click(at: Point(x: x, y: y)))
                try folder.record(Event(time: at(Int64(time)), step: "click \(x),\(y)", action: click))
            }
            try folder.finish(verdict: .passed, end: at(2000))

            let artifacts = try TestArtifacts.folder("report-viewer-video")
            let browser = try WebDriver(width: 1200, height: 900)
            defer { browser.quit() }
            try Self.open(browser, folder.path + "/report.html")
            #expect(try browser.execute("return document.getElementById('video').hidden") as? Bool == false)

            func seek(_ ms: Int, expectIndex index: Int) throws {
                // As a person dragging the bar: the range input's value changes, then its input event.
                let scrub = "document.getElementById('scrub')"
                try Self.value(browser, "(\(scrub).value = a[0], \(scrub).dispatchEvent(new Event('input')))", [ms])
                try Self.waitFor(
                    browser, "video frame \(index) is drawn", "v.videoIndex === a[0] && !v.busy", [String(index)])
            }
            func pixel(_ x: Int, _ y: Int) throws -> [Int] {
                let canvas = "document.getElementById('video').getContext('2d')"
                return try Self.value(browser, "Array.from(\(canvas).getImageData(a[0], a[1], 1, 1).data)", [x, y])
                    as? [Int] ?? []
            }
            func rgb(_ color: Color) -> [Int] { [Int(color.red), Int(color.green), Int(color.blue), 255] }

            // Session time 1000 is video time 900: the keyframe, the two-rectangle atlas and the bottom band.
            try seek(1000, expectIndex: 2)
            #expect(try pixel(5, 5) == rgb(b))
            #expect(try pixel(31, 21) == rgb(c))
            #expect(try pixel(2, 44) == rgb(e))
            #expect(try pixel(60, 2) == rgb(a))
            #expect(try pixel(13, 5) == rgb(a), "only the rectangles are drawn, not the whole atlas")
            // Past the second keyframe: it replaces everything.
            try seek(1750, expectIndex: 4)
            #expect(try pixel(5, 5) == rgb(d))
            #expect(try pixel(55, 5) == rgb(f))
            // Backwards: replayed from the first keyframe, so the band of frame 2 is not there yet.
            try seek(600, expectIndex: 1)
            #expect(try pixel(5, 5) == rgb(b))
            #expect(try pixel(2, 44) == rgb(a))
            // '.' steps one frame on.
            try browser.press(".")
            try Self.waitFor(browser, "the next frame", "v.videoIndex === '2'")
            #expect(try pixel(2, 44) == rgb(e))
            _ = try Self.screenshot(browser, "video.png", in: artifacts)
        }
    }

    @Test func aThirtyMinuteSessionLoadsOnlyTheFramesItShows() throws {
        try withTemporaryDirectory { dir in
            let start = Timestamp(millisecondsSinceEpoch: 1_740_832_496_000)
            let info = SessionInfo(
                scenario: "long", policyDigest: "", display: ":1", screenSize: Size(width: 320, height: 200),
                version: "test", start: start)
            let folder = try SessionFolder.create(in: dir, info: info)
            let count = 2000
            // Only the first frames exist; the rest are named, as a session whose frames were pruned.
            for number in 1...4 {
                try Frame(width: 320, height: 200, color: Color(red: UInt8(number * 50), green: 90, blue: 90))
                    .writePNG(to: folder.path + String(format: "/frames/%04d-step.png", number))
            }
            for number in 1...count {
                let denied = number % 97 == 0
                try folder.record(
                    Event(
                        time: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + Int64(number) * 900),
                        step: "\(number): click",
                        action: RecordedAction(.click(at: Point(x: number % 320, y: number % 200))),
                        decision: denied
                            ? DecisionRecord(verdict: "deny", rule: "pointer.covered", message: "covered")
                            : DecisionRecord(verdict: "allow", rule: "allow.default", message: "nothing objected"),
                        pointer: Point(x: number % 320, y: number % 200),
                        frames: .init(
                            before: String(format: "frames/%04d-step.png", 2 * number - 1),
                            after: String(format: "frames/%04d-step.png", 2 * number)),
                        durationMilliseconds: 300, error: denied ? "denied: covered" : nil))
            }
            let writing = ContinuousClock.now
            try folder.finish(
                verdict: .failed, end: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 1_800_500))
            let written = ContinuousClock.now - writing
            let page = folder.path + "/report.html"
            let size = (try FileManager.default.attributesOfItem(atPath: page)[.size] as? Int) ?? 0
            print("report.html for \(count) events: \(size) bytes, session finished and report written in \(written)")

            let browser = try WebDriver(width: 1400, height: 900, performanceLog: true)
            defer { browser.quit() }
            try Self.open(browser, page)
            #expect(try Self.value(browser, "document.querySelectorAll('aside li.event').length") as? Int == count)
            #expect(try Self.value(browser, "document.querySelectorAll('.tick').length") as? Int == count)
            let navigation = "performance.getEntriesByType('navigation')[0]"
            let timing = try Self.value(
                browser, "[\(navigation).domContentLoadedEventEnd, \(navigation).loadEventEnd]")
            print("page timing in ms (DOMContentLoaded, load), for information only: \(timing ?? "none")")
            let pngs = { try browser.requestedURLs().filter { $0.hasSuffix(".png") } }
            let first = try pngs()
            #expect(first.count <= 2, "opening loads the frame at the start, not \(first.count): \(first)")
            // Frame steps load one frame each; jumping to the first failure loads its frame.
            for _ in 0..<5 { try browser.press(".") }
            try browser.press("f")
            try Self.waitFor(browser, "the first denied step", "v.seq === '97'")
            let stepped = try pngs()
            #expect(stepped.count <= 6, "five frame steps and a jump: \(stepped)")
            // Playing at 4x for a moment preloads a few frames ahead, never the whole session.
            try browser.press("4")
            try browser.press(WebDriver.Key.space)
            try Self.waitFor(browser, "the timeline plays", "Number(v.time) > 97 * 900 + 2000")
            try browser.press(WebDriver.Key.space)
            let played = try pngs()
            #expect(played.count < 40, "played a few seconds: \(played.count) frames requested")
            print(
                "frames requested: \(first.count) on open, \(stepped.count) more after stepping, "
                    + "\(played.count) while playing")
        }
    }
}
