import Desktop
import Foundation
import Imaging
import Processes
import TestSupport
import Testing

@Suite(.privateDisplay(), .serialized)
struct CommandTests {
    @Test func screenshotWritesThePNGOfTheScreenOrARegion() throws {
        let display = try PrivateDisplay.require()
        try withTemporaryDirectory { dir in
            let result = try foredesk(["screenshot", "--display", display.name, "-o", dir + "/s.png"])
            #expect(result.status == 0, "\(result.stderr)")
            let frame = try Frame(contentsOfPNG: dir + "/s.png")
            #expect(frame.size == display.options.size)
            let part = try foredesk([
                "screenshot", "--display", display.name, "-o", dir + "/r.png", "--region", "10,20,30,40",
                "--level", "6", "--filter", "adaptive",
            ])
            #expect(part.status == 0, "\(part.stderr)")
            #expect(try Frame(contentsOfPNG: dir + "/r.png").size == Size(width: 30, height: 40))
        }
    }

    @Test func clickTypeAndKeyReachTheFixture() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let frame = try Desktop(display: display.name).window(app.window).frame
        let before = app.events().count
        let x = frame.x + 300
        let y = frame.y + 110
        #expect(try foredesk(["click", "\(x)", "\(y)", "--display", display.name]).status == 0)
        #expect(try foredesk(["type", "Grüße €", "--display", display.name]).status == 0)
        let press = try app.waitForEvents("button_press", count: 1, after: before)[0]
        #expect(press.rootX == x && press.rootY == y && press.target == "text")
        #expect(try app.typedText(after: before, length: 7) == "Grüße €")
        #expect(try foredesk(["key", "ctrl+a", "Return", "--display", display.name]).status == 0)
        let keys = try app.waitForEvents("key_press", count: 10, after: before).map { $0.name ?? "" }
        #expect(keys.suffix(3) == ["Control_L", "a", "Return"])
    }

    @Test func windowsAndActivePrintJSON() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name, title: "json check")
        let result = try foredesk(["windows", "--json", "--display", display.name])
        #expect(result.status == 0, "\(result.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let mine = try #require(list.first { ($0["id"] as? Int) == Int(app.window.rawValue) })
        #expect(mine["title"] as? String == "json check")
        #expect(mine["class"] as? String == "ForedeskFixture")
        #expect(mine["pid"] as? Int == Int(app.process.pid))
        #expect(mine["width"] as? Int == 640 && mine["height"] as? Int == 400)
        let waited = try foredesk(["wait-window", "--title", "^json", "--json", "--timeout", "5", "--display", display.name])
        #expect(waited.status == 0)
        #expect(waited.stdout.contains("\"title\":\"json check\""))
    }

    @Test func findLocatesAnImageCutFromTheScreen() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let frame = try desktop.window(app.window).frame
        try withTemporaryDirectory { dir in
            let button = Rect(x: frame.x + 20, y: frame.y + 20, width: 120, height: 40)
            try desktop.capture(.region(button)).writePNG(to: dir + "/ok.png")
            let found = try foredesk(["find", dir + "/ok.png", "--center", "--display", display.name])
            #expect(found.status == 0, "\(found.stderr)")
            #expect(found.stdout == "\(button.center.x) \(button.center.y)\n")
            try Frame(width: 30, height: 30, color: Color(rgb: 0x123456)).writePNG(to: dir + "/absent.png")
            let absent = try foredesk(["find", dir + "/absent.png", "--display", display.name])
            #expect(absent.status == 1)
            #expect(absent.stderr.contains("is not on the screen"))
        }
    }

    @Test func badInputGivesOneLineErrorsAndDistinctExitCodes() throws {
        let display = try PrivateDisplay.require()
        let unknownKey = try foredesk(["key", "ctrl+nosuchkey", "--display", display.name])
        #expect(unknownKey.status == 64)
        #expect(unknownKey.stderr == "foredesk: error: cannot press 'ctrl+nosuchkey': 'nosuchkey' is not a key name (examples: Return, F5, a, Escape, Left, space)\n")
        let outside = try foredesk(["click", "5000", "10", "--display", display.name])
        #expect(outside.status == 64)
        #expect(outside.stderr == "foredesk: error: point 5000,10 is outside the \(display.options.size.width)x\(display.options.size.height) screen\n")
        let missing = try foredesk(["move", "1", "1", "--display", ":9871"])
        #expect(missing.status == 69)
        #expect(missing.stderr.hasPrefix("foredesk: error: cannot open X display :9871"))
        #expect(missing.stderr.filter { $0 == "\n" }.count == 1)
        let unset = try foredesk(["move", "1", "1"], removing: ["DISPLAY"])
        #expect(unset.status == 69)
        #expect(unset.stderr.hasPrefix("foredesk: error: no X display: DISPLAY is not set"))
        try withTemporaryDirectory { dir in
            try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48]).write(
                to: URL(fileURLWithPath: dir + "/bad.png"))
            let corrupt = try foredesk(["find", dir + "/bad.png", "--display", display.name])
            #expect(corrupt.status == 65)
            #expect(corrupt.stderr.hasPrefix("foredesk: error: \(dir)/bad.png: not a valid PNG"))
            #expect(corrupt.stderr.filter { $0 == "\n" }.count == 1)
        }
        let usage = try foredesk(["click", "10"])
        #expect(usage.status == 64)
    }
}

@Suite struct DemoTests {
    @Test func theMainJobDrivesTheFixtureOnAPrivateDisplay() throws {
        try withTemporaryDirectory { dir in
            let result = try foredesk(["demo", "--out", dir, "--text", "demo ünïcødé"])
            let fixtureLog = (try? String(contentsOfFile: dir + "/fixture.log", encoding: .utf8)) ?? ""
            try #require(result.status == 0, "\(result.stderr) \(result.stdout) fixture: \(fixtureLog)")
            #expect(result.stdout.contains("screenshot: \(dir)/screen.png"))
            let frame = try Frame(contentsOfPNG: dir + "/screen.png")
            #expect(frame.size == Size(width: 1280, height: 800))
            let log = try String(contentsOfFile: dir + "/fixture-events.jsonl", encoding: .utf8)
            let texts = log.split(separator: "\n").compactMap { line -> String? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["event"] as? String == "key_press"
                else { return nil }
                return object["text"] as? String
            }
            #expect(texts.joined() == "demo ünïcødé")
            #expect(log.contains("\"target\":\"ok\""))
        }
    }
}

@Suite(.privateDisplay())
struct ScrollCommandTests {
    @Test func negativeAmountsScrollUpAndLeft() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let frame = try Desktop(display: display.name).window(app.window).frame
        let before = app.events().count
        let result = try foredesk(["scroll", "-1", "-2", "--at", "\(frame.x + 300),\(frame.y + 300)", "--display", display.name])
        #expect(result.status == 0, "\(result.stderr)")
        let wheel = try app.waitForEvents("button_press", count: 3, after: before)
        #expect(wheel.map(\.button) == [4, 4, 6])
    }
}
