import Desktop
import Foundation
import Imaging
import Testing
import TestSupport

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

/// `--dry-run --display :N`: the same walk on an existing desktop.
@Suite(
    .timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason), .privateDisplay(windowManager: true))
struct DryRunOnAnExistingDisplayTests {
    @Test func aDryRunOnAnExistingDisplayFindsAnImageAndInjectsNothing() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let (result, session) = try harness.run(
                """
                  - launch: fixture
                  - click: { image: blue.png, timeout: 2s }
                  - click: [80, 40]
                """, flags: ["--dry-run", "--display", display.name])
            #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
            let rows = result.stdout.split(separator: "\n").map(String.init)
            let image = try #require(rows.first { $0.contains(":11:5") })
            #expect(image.contains("blue.png found at") && image.contains("allow"), "\(image)")
            #expect(!harness.fixtureEvents().contains { $0.event == "button_press" })
            let info = try String(contentsOfFile: session + "/session.json", encoding: .utf8)
            #expect(info.contains(display.name))
        }
    }
}
