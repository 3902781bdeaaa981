import ArgumentParser
import FoundationEssentials
import Desktop
import Imaging
import Processes

#if canImport(Glibc)
    import Glibc
#endif

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive the fixture app on a private display and write a screenshot (the embedded main job).",
        discussion: """
            Starts a private Xvfb with a window manager, launches the fixture app that ships with foredesk, clicks into its text field, types Unicode text, presses its OK button and writes a screenshot plus the app's own log of every input event it received. Nothing touches your desktop.

            Example:
              foredesk demo --out /tmp/demo
            """)

    @Option(help: ArgumentHelp("Folder for the screenshot and event log (default: out/demo-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Size of the private screen.", valueName: "WxH")) var virtual: String = "1280x800"

    @Option(help: ArgumentHelp("Text to type into the fixture.", valueName: "text"))
    var text: String = "Hello from foredesk — Grüße, €5, ελληνικά, 日本語 ✓"

    func run() throws {
        try reporting {
            let parts = virtual.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 640, parts[1] >= 480 else {
                throw CommandFailure.usage("--virtual wants WIDTHxHEIGHT of at least 640x480, e.g. 1280x800")
            }
            let folder = out ?? "out/" + Screenshot.defaultName().replacingPrefix("screenshot-", with: "demo-")
                .replacingSuffix(".png", with: "")
            try makeDirectories(folder)
            let fixture = try Self.siblingExecutable("fixture-app")
            let clock = ContinuousClock()
            let started = clock.now
            func step(_ message: String) {
                let ms = (clock.now - started).components.attoseconds / 1_000_000_000_000_000
                    + (clock.now - started).components.seconds * 1000
                print(String(repeating: " ", count: max(0, 6 - String(ms).count)) + "\(ms) ms  \(message)")
            }

            let display = try VirtualDisplay(.init(size: Size(width: parts[0], height: parts[1]), windowManager: true))
            defer { display.stop() }
            step("private display \(display.name) (\(virtual), openbox) started")
            let events = folder + "/fixture-events.jsonl"
            let app = try ChildProcess(
                fixture, ["--events", events], environment: ["DISPLAY": display.name], output: .file(folder + "/fixture.log"))
            defer { app.terminate(grace: .seconds(2)) }
            let desktop = try Desktop(display: display.name)
            let window = try desktop.waitForWindow(
                matching: WindowQuery(titlePattern: "^foredesk fixture$", pid: app.pid), timeout: .seconds(15))
            step("fixture window \(window.id) appeared at \(window.frame), owned by pid \(app.pid)")
            try desktop.activate(window.id)
            step("window activated")
            let watch = try desktop.watchScreen()
            // The fixture's text field sits at (20,90,600,40) and its OK button at (20,20,120,40).
            try desktop.click(at: Point(x: window.frame.x + 320, y: window.frame.y + 110))
            try desktop.type(text)
            step("typed \(text.count) characters")
            try desktop.click(at: Point(x: window.frame.x + 80, y: window.frame.y + 40))
            // A quiet screen alone does not prove the click arrived: a window manager busy re-grabbing
            // keys after the keymap change may hold the press back. The fixture's own log does.
            let delivered = Self.waitForLine(in: events, containing: ["\"button_release\"", "\"target\":\"ok\""])
            let settling = try watch.waitUntilSettled(quiet: .milliseconds(150), timeout: .seconds(5))
            let settleMs = settling.elapsed.components.seconds * 1000 + settling.elapsed.components.attoseconds / 1_000_000_000_000_000
            guard delivered else { throw CommandFailure.action("the fixture did not report the OK click within 5 s") }
            step("clicked OK; the app confirmed it; screen \(settling.settled ? "quiet again \(settleMs) ms after the confirmation" : "still changing after 5 s")")
            let received = Self.typedText(in: events)
            guard received == text else {
                throw CommandFailure.action("the fixture received \"\(received)\" instead of \"\(text)\"")
            }
            step("the app received exactly the typed text (its core font draws non-Latin-1 characters as '?')")
            let frame = try desktop.capture()
            let screenshot = folder + "/screen.png"
            try frame.writePNG(to: screenshot)
            step("screenshot written")
            try desktop.releaseAll()
            print("")
            print("screenshot: \(screenshot)")
            print("app events: \(events) (every input event the fixture received, one JSON line each)")
        }
    }

    /// Polls a JSON-lines log until one line holds every fragment (at most 5 s).
    static func waitForLine(in path: String, containing fragments: [String]) -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if let file = fopen(path, "r") {
                defer { fclose(file) }
                var line: UnsafeMutablePointer<CChar>?
                var capacity = 0
                defer { free(line) }
                while getline(&line, &capacity, file) > 0, let line {
                    let text = String(cString: line)
                    if fragments.allSatisfy(text.contains) { return true }
                }
            }
            usleep(5000)
        }
        return false
    }

    /// The text of every key press the fixture logged, in order.
    static func typedText(in path: String) -> String {
        struct KeyEvent: Decodable {
            let event: String
            let text: String?
        }
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var text = ""
        let decoder = JSONDecoder()
        while getline(&line, &capacity, file) > 0, let line {
            let bytes = Data(UnsafeRawBufferPointer(start: line, count: strlen(line)))
            if let event = try? decoder.decode(KeyEvent.self, from: bytes), event.event == "key_press" {
                text += event.text ?? ""
            }
        }
        return text
    }

    /// An executable built beside this one (SwiftPM puts all products in one folder).
    static func siblingExecutable(_ name: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { throw CommandFailure.action("cannot locate the foredesk executable") }
        let own = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let path = own[..<(own.lastIndex(of: "/") ?? own.endIndex)] + "/" + name
        guard access(path, X_OK) == 0 else {
            throw CommandFailure(
                message: "\(name) not found next to foredesk at \(path) — build the whole package: swift build -c release",
                code: Exit.unavailable)
        }
        return path
    }
}

/// mkdir -p.
func makeDirectories(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw CommandFailure.action("cannot create \(current): \(String(cString: strerror(errno)))")
        }
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }

    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? dropLast(suffix.count) + replacement : self
    }
}
