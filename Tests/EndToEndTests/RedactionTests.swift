import Foundation
import Imaging
import Testing
import TestSupport

/// The policy's `redact:` end to end: a window (by class), or a region, is black in every PNG a run
/// stores, golden images included, while the run itself still passes.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct RedactionTests {
    /// Whether any pixel of area in frame is not black.
    static func lit(_ area: Rect, in frame: Frame) -> Bool {
        (area.y..<area.maxY).contains { y in
            (area.x..<area.maxX).contains { x in let c = frame[x, y]; return c.red != 0 || c.green != 0 || c.blue != 0 }
        }
    }

    @Test func aRedactedWindowIsBlackInEveryStoredFrame() throws {
        try withTemporaryDirectory { dir in
            // The window manager's title bar above the client area (OK lies at (20, 20) in it): drawn
            // without redaction, black with it, since a title can say as much as the window.
            let button = try RunnerHarness(dir: dir).cutOKButton()
            let titleBar = Rect(x: button.x - 10, y: button.y - 34, width: 500, height: 10)
            let plain = try Frame(contentsOfPNG: try #require(
                RunnerHarness.pngs(in: dir + "/out").first { $0.hasSuffix("whole.png") }))
            try #require(Self.lit(titleBar, in: plain), "the title bar at \(titleBar) is drawn without redaction")
            try FileManager.default.removeItem(atPath: dir + "/out")
            let harness = RunnerHarness(
                dir: dir,
                redact: """
                    redact:
                      windows:
                        - class: ForedeskFixture
                    """)
            let (result, session) = try harness.run(
                """
                  - launch: fixture
                  - activate: fixture
                  - wait: { image: blue.png }
                  - click: [80, 40]
                  - click: [320, 110]
                  - type: hello
                  - screenshot: typed
                  - screenshot: { name: corner, region: [0, 0, 300, 200] }
                  - expect_screen: { golden: golden/typed.png }
                """, flags: ["--update-golden"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(harness.fixtureEvents().contains { $0.event == "button_press" && $0.target == "ok" })
            let stored = RunnerHarness.pngs(in: session) + [dir + "/golden/typed.png"]
            #expect(stored.count >= 8, "before/after frames, screenshots, expect_screen's frame, the golden: \(stored)")
            for path in stored {
                let frame = try Frame(contentsOfPNG: path)
                // Unredacted, every one of these shows the fixture's blue OK button.
                #expect(RunnerHarness.box(of: RunnerHarness.ok, in: frame) == nil, "\(path) shows the OK button")
                #expect(RunnerHarness.box(of: RunnerHarness.cancel, in: frame) == nil, "\(path) shows Cancel")
                if frame.width > titleBar.maxX, frame.height > titleBar.maxY {
                    #expect(!Self.lit(titleBar, in: frame), "\(path): the title bar is not black")
                }
            }
        }
    }
}

extension RedactionTests {
    @Test func aRedactedRegionIsBlackInEveryStoredFrameAndTheRestIsNot() throws {
        try withTemporaryDirectory { dir in
            // Where the OK button lies, from a run without redaction; then that region is redacted.
            let button = try RunnerHarness(dir: dir).cutOKButton()
            let harness = RunnerHarness(
                dir: dir, redact: "redact:\n  regions:\n    - [\(button.x), \(button.y), \(button.width), \(button.height)]")
            try FileManager.default.removeItem(atPath: dir + "/out")
            let (result, session) = try harness.run(
                """
                  - launch: fixture
                  - activate: fixture
                  - wait: { image: blue.png }
                  - click: [80, 40]
                  - screenshot: { name: part, region: [\(button.x - 10), \(button.y - 10), 300, 100] }
                  - expect_screen: { golden: golden/region.png }
                """, flags: ["--update-golden"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(harness.fixtureEvents().contains { $0.event == "button_press" && $0.target == "ok" })
            let stored = RunnerHarness.pngs(in: session) + [dir + "/golden/region.png"]
            #expect(stored.count >= 5, "\(stored)")
            for path in stored {
                let frame = try Frame(contentsOfPNG: path)
                #expect(RunnerHarness.box(of: RunnerHarness.ok, in: frame) == nil, "\(path) shows the OK button")
                #expect(RunnerHarness.box(of: RunnerHarness.cancel, in: frame) != nil, "\(path): Cancel is not redacted")
                let area = frame.width == 300 ? Rect(x: 10, y: 10, width: button.width, height: button.height) : button
                let lit = (area.y..<area.maxY).contains { y in
                    (area.x..<area.maxX).contains { x in let c = frame[x, y]; return c.red != 0 || c.green != 0 || c.blue != 0 }
                }
                #expect(!lit, "\(path): the region \(area) is not all black")
            }
        }
    }
}
