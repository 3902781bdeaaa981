import Foundation
import Imaging
import Testing
import TestSupport

/// `image:` targets end to end: the template is cut from a screenshot of the fixture, then found
/// on the screen, clicked at its centre, waited for and waited away.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct RunImageTests {
    @Test func aClickOnAnImageHitsTheCentreOfTheFoundButton() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let button = try harness.cutOKButton()
            let (result, session) = try harness.run(
                """
                  - launch: fixture
                  - activate: fixture
                  - wait: { image: ok.png, timeout: 10s }
                  - click: { image: ok.png, timeout: 5s }
                  - wait: { image_gone: ok.png, timeout: 1s }
                """)
            #expect(result.status == 1, "the OK button stays, so image_gone fails; stderr: \(result.stderr)")
            #expect(result.stderr.contains("was still on the screen at"), "stderr: \(result.stderr)")
            let presses = harness.fixtureEvents().filter { $0.event == "button_press" }
            #expect(presses.count == 1)
            let press = try #require(presses.first)
            #expect(press.target == "ok")
            // The fixture logs window-relative points; the OK button is (20, 20, 120, 40) there.
            #expect(press.x == 80 && press.y == 40, "clicked at \(press.x ?? -1),\(press.y ?? -1)")
            #expect(press.rootX == button.center.x && press.rootY == button.center.y)
            let recorded = try harness.events(session)
            let click = try #require(recorded.first { ($0["action"] as? [String: Any])?["kind"] as? String == "click" })
            let action = try #require(click["action"] as? [String: Any])
            #expect(action["found"] as? [Int] == [button.x, button.y, button.width, button.height], "\(action)")
            #expect(action["score"] as? Double == 1.0)
            #expect((action["image"] as? String)?.hasSuffix("/ok.png") == true)
        }
    }

    @Test func waitForAnImageToVanishAndAMissNamesTheImageAndScores() throws {
        try withTemporaryDirectory { dir in
            let harness = RunnerHarness(dir: dir)
            let button = try harness.cutOKButton()
            // The empty text field, cut from the same screen: typing into it makes it vanish.
            let shot = try #require(RunnerHarness.pngs(in: dir + "/out").first { $0.hasSuffix("whole.png") })
            let field = Rect(x: button.x, y: button.y + 70, width: 200, height: 40)
            try Frame(contentsOfPNG: shot).cropped(to: field).writePNG(to: dir + "/field.png")
            var noise = Frame(width: 24, height: 24)
            for y in 0..<24 { for x in 0..<24 { noise[x, y] = Color(red: UInt8(x * 10), green: UInt8(y * 10), blue: 7) } }
            try noise.writePNG(to: dir + "/noise.png")
            let (result, session) = try harness.run(
                """
                  - launch: fixture
                  - activate: fixture
                  - wait: { image: field.png }
                  - click: [320, 110]
                  - type: hello
                  - wait: { image_gone: field.png, timeout: 5s }
                  - click: { image: noise.png, timeout: 1s }
                """)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("the image \(dir)/noise.png was not found on the screen within 1.0 seconds: the best score seen was"),
                "stderr: \(result.stderr)")
            #expect(result.stderr.contains("the threshold is 1.0"))
            let recorded = try harness.events(session)
            #expect(recorded.count == 7)
            #expect(recorded[5]["error"] is NSNull, "image_gone passed: \(recorded[5])")
            let clicks = harness.fixtureEvents().filter { $0.event == "button_press" }
            #expect(clicks.count == 1, "the missed image was never clicked")
        }
    }
}
