import Desktop
import Foundation
import Imaging
import TestSupport
import Testing

@Suite(.privateDisplay(), .serialized)
struct CaptureTests {
    @Test func screenshotShowsTheFixtureColoursAtTheirPlaces() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let origin = try desktop.window(app.window).frame.origin
        let frame = try desktop.capture()
        #expect(frame.size == display.options.size)
        for (block, color) in FixtureApp.Layout.blocks {
            #expect(frame[origin.x + block.center.x, origin.y + block.center.y] == color, "block \(block)")
        }
        #expect(frame[origin.x + 25, origin.y + 25] == FixtureApp.Layout.okColor)
        #expect(frame[origin.x + 165, origin.y + 25] == FixtureApp.Layout.cancelColor)
        #expect(frame[origin.x + 5, origin.y + 350 - 30] == FixtureApp.Layout.background)
        #expect(frame.pixels[3] == 255, "captures are opaque")
    }

    @Test func sharedMemoryAndGetImageGiveIdenticalPixels() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        #expect(try desktop.effectiveCaptureMethod() == .sharedMemory)
        let viaShm = try desktop.capture(method: .sharedMemory)
        let viaGetImage = try desktop.capture(method: .getImage)
        #expect(viaShm == viaGetImage)
        let window = try desktop.window(app.window).frame
        let region = Rect(x: window.x + 10, y: window.y + 190, width: 333, height: 101)
        let partShm = try desktop.capture(.region(region), method: .sharedMemory)
        let partGet = try desktop.capture(.region(region), method: .getImage)
        #expect(partShm == partGet)
        #expect(partShm == (try viaShm.cropped(to: region)))
    }

    @Test func windowCaptureIsTheClientArea() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let shot = try desktop.capture(.window(app.window))
        #expect(shot.size == FixtureApp.Layout.size)
        #expect(shot[25, 25] == FixtureApp.Layout.okColor)
        #expect(shot[70, 240] == Color(rgb: 0xFF0000))
    }

    @Test func cursorIsDrawnOnlyWhenAsked() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try desktop.move(to: Point(x: 500, y: 500))
        let area = CaptureArea.region(Rect(x: 480, y: 480, width: 40, height: 40))
        let plain = try desktop.capture(area)
        let withCursor = try desktop.capture(area, cursor: true)
        let difference = try withCursor.difference(from: plain)
        #expect(difference.differingPixels > 10)
        let box = try #require(difference.boundingBox)
        #expect(box.intersection(Rect(x: 10, y: 10, width: 20, height: 20)) != nil, "the cursor sits at the pointer")
    }

    @Test func regionsOutsideTheScreenAreRefused() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let size = display.options.size
        #expect(throws: DesktopError.regionOutside(Rect(x: size.width - 10, y: 0, width: 20, height: 20), size)) {
            try desktop.capture(.region(Rect(x: size.width - 10, y: 0, width: 20, height: 20)))
        }
        #expect(throws: DesktopError.windowGone(WindowID(rawValue: 0x7fff_fff0))) {
            try desktop.capture(.window(WindowID(rawValue: 0x7fff_fff0)))
        }
    }
}

@Suite(.privateDisplay(width: 800, height: 600, sharedMemory: false))
struct CaptureWithoutSharedMemoryTests {
    @Test func fallsBackToGetImage() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        #expect(try desktop.effectiveCaptureMethod() == .getImage)
        let frame = try desktop.capture()
        let origin = try desktop.window(app.window).frame.origin
        #expect(frame[origin.x + 70, origin.y + 240] == Color(rgb: 0xFF0000))
        #expect(throws: DesktopError.missingExtension("MIT-SHM (usable shared memory)")) {
            try desktop.capture(method: .sharedMemory)
        }
    }
}

@Suite(.privateDisplay())
struct GoldenImageTests {
    /// Scenarios/golden/fixture-window.png, found from this file's place in the repository.
    static let golden: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/DesktopTests/CaptureTests.swift
        return parts.joined(separator: "/") + "/Scenarios/golden/fixture-window.png"
    }()

    @Test func theFixtureWindowMatchesItsGoldenImage() throws {
        let display = try PrivateDisplay.require()
        let app = try FixtureApp(on: display.name)
        let desktop = try Desktop(display: display.name)
        let shot = try desktop.capture(.window(app.window))
        // The status line reports the last event (focus), which is not part of the layout.
        let options = CompareOptions(tolerance: 0, masks: [Rect(x: 20, y: 330, width: 600, height: 40)])
        if ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" {
            try shot.writePNG(to: Self.golden, options: .compact)
            Issue.record("recorded \(Self.golden); run again without RECORD_GOLDENS")
            return
        }
        let golden = try Frame(contentsOfPNG: Self.golden)
        let difference = try shot.difference(from: golden, options: options)
        if !difference.matches {
            try shot.writePNG(to: NSTemporaryDirectory() + "fixture-window-actual.png")
            try shot.diffImage(against: golden, options: options).writePNG(to: NSTemporaryDirectory() + "fixture-window-diff.png")
        }
        #expect(difference.matches, "\(difference); actual and diff images in \(NSTemporaryDirectory())")

        // The same comparison notices one typed character, inside the text field only.
        let watch = try desktop.watchScreen()
        try desktop.type("W")
        _ = try watch.waitForChange(timeout: .seconds(5))
        _ = try watch.waitUntilSettled(quiet: .milliseconds(100), timeout: .seconds(5))
        let changed = try desktop.capture(.window(app.window)).difference(from: golden, options: options)
        #expect(!changed.matches)
        #expect(FixtureApp.Layout.textField.contains(try #require(changed.boundingBox)))
    }
}
