import Foundation
import Imaging
import Testing
import TestSupport

/// The policy's `redact:` end to end: a window (by class), or a region, is black in every PNG a run
/// stores, golden images included, while the run itself still passes.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct RedactionTests {
    @Test func aRedactedWindowIsBlackInEveryStoredFrame() throws {
        try withTemporaryDirectory { dir in
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

/// `--frames all|failures|none`: which before/after frames reach disk.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct FrameModeTests {
    static let steps = """
          - launch: fixture
          - activate: fixture
          - click: [80, 40]
          - click: [90, 40]
          - screenshot: named
          - key: ctrl+q
        """

    func frames(_ session: String) -> [String] {
        RunnerHarness.pngs(in: session + "/frames").map { String($0.split(separator: "/").last ?? "") }
    }

    @Test func noneKeepsOnlyNamedScreenshots() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, session) = try harness.run(Self.steps, flags: ["--frames", "none"])
            #expect(result.status == 1, "ctrl+q is denied")
            #expect(frames(session).count == 1 && frames(session).first?.hasSuffix("-named.png") == true, "\(frames(session))")
            #expect(harness.fixtureEvents().filter { $0.event == "button_press" }.count == 2)
        }
    }

    @Test func failuresKeepsOnlyTheFailedStepsFrames() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, session) = try harness.run(Self.steps, flags: ["--frames", "failures"])
            #expect(result.status == 1)
            let names = frames(session)
            #expect(names.count == 2, "\(names)")
            #expect(names.contains { $0.hasSuffix("-named.png") })
            #expect(names.contains { $0.contains("key-failed") }, "\(names)")
            let recorded = try harness.events(session)
            for event in recorded where (event["action"] as? [String: Any])?["kind"] as? String == "click" {
                #expect((event["frames"] as? [String: Any])?["before"] is NSNull, "\(event)")
            }
            let denied = try #require(recorded.last)
            let before = try #require((denied["frames"] as? [String: Any])?["before"] as? String)
            #expect(FileManager.default.fileExists(atPath: session + "/" + before))
        }
    }

    @Test func allKeepsBeforeAndAfterOfEveryInputStep() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, session) = try harness.run(Self.steps)
            #expect(result.status == 1)
            let names = frames(session)
            #expect(names.filter { $0.contains("click-before") || $0.contains("click-after") }.count == 4, "\(names)")
            for event in try harness.events(session) {
                let frames = event["frames"] as? [String: Any] ?? [:]
                for case let name as String in frames.values {
                    #expect(FileManager.default.fileExists(atPath: session + "/" + name), "\(name) is named and written")
                }
            }
        }
    }
}

/// `foredesk run --dry-run`: the gate's decisions and the targets, with no input injected.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct DryRunTests {
    @Test func aDeniedStepIsReportedAndNothingIsInjected() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, _) = try harness.run(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [80, 40]
                  - type: hello
                  - key: ctrl+q
                  - click: [900, 40]
                  - run: [touch, "${workspace}/ran"]
                """, flags: ["--dry-run"])
            #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
            let rows = result.stdout.split(separator: "\n").map(String.init)
            let key = try #require(rows.first { $0.contains(":14:5") })
            #expect(key.contains("deny") && key.contains("keys.denied"), "\(key)")
            let click = try #require(rows.first { $0.contains(":12:5") })
            #expect(click.contains("allow"), "\(click)")
            let outside = try #require(rows.first { $0.contains(":15:5") })
            #expect(outside.contains("UNRESOLVED") && outside.contains("outside the active window"), "\(outside)")
            #expect(rows.contains { $0.hasPrefix("dry run: 2 of 7 steps") }, "\(result.stdout)")
            let input = harness.fixtureEvents().filter { ["button_press", "key_press", "motion"].contains($0.event) }
            #expect(input.isEmpty, "no input reached the fixture: \(input)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/ws/ran"), "the run step did not run")
        }
    }

    @Test func aCleanScenarioExitsZero() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, _) = try harness.run(
                """
                  - launch: fixture
                  - activate: fixture
                  - click: [80, 40]
                  - type: hello
                  - screenshot: skipped
                """, flags: ["--dry-run"])
            #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(result.stdout.contains("dry run: all 5 steps would be allowed and resolve"))
            #expect(harness.fixtureEvents().filter { $0.event == "button_press" || $0.event == "key_press" }.isEmpty)
        }
    }
}
