import Foundation
import Testing
import TestSupport

/// `--frames all|failures|none`: which before/after frames reach disk.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct FrameModeTests {
    static let steps = """
          - launch: fixture
          - activate: fixture
          - wait: { image: blue.png }
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
            // The screen does not change between the two clicks, so the second click's before-frame is
            // the first click's after-frame: one file, encoded once.
            #expect(names.filter { $0.contains("click-before") || $0.contains("click-after") }.count == 3, "\(names)")
            let clicks = try harness.events(session).filter { ($0["action"] as? [String: Any])?["kind"] as? String == "click" }
                .map { $0["frames"] as? [String: Any] ?? [:] }
            try #require(clicks.count == 2)
            #expect(clicks.allSatisfy { $0["before"] is String && $0["after"] is String }, "\(clicks)")
            #expect(clicks[1]["before"] as? String == clicks[0]["after"] as? String, "\(clicks)")
            #expect(clicks[1]["before_sha256"] as? String == clicks[0]["after_sha256"] as? String)
            for event in try harness.events(session) {
                let frames = event["frames"] as? [String: Any] ?? [:]
                // before / after name files; before_sha256 / after_sha256 are their digests.
                for case let name as String in [frames["before"], frames["after"]] {
                    #expect(FileManager.default.fileExists(atPath: session + "/" + name), "\(name) is named and written")
                }
            }
        }
    }
}
