public import Desktop
public import Processes
public import Imaging
import Foundation

/// One line of the fixture app's event log (see Sources/fixture-app/main.c for the format).
public struct FixtureEvent: Decodable, Sendable, Equatable {
    public let event: String
    public let window: UInt?
    public let pid: Int32?
    public let x: Int?
    public let y: Int?
    public let width: Int?
    public let height: Int?
    public let button: Int?
    public let rootX: Int?
    public let rootY: Int?
    public let state: UInt?
    public let target: String?
    public let keycode: Int?
    public let keysym: UInt?
    public let name: String?
    public let text: String?

    enum CodingKeys: String, CodingKey {
        case event, window, pid, x, y, width, height, button, state, target, keycode, keysym, name, text
        case rootX = "root_x"
        case rootY = "root_y"
    }
}

/// The fixture app running on a display, with its event log.
public final class FixtureApp: Sendable {
    public let process: ChildProcess
    public let window: WindowID
    public let eventsPath: String
    /// The folder holding the event log and the app's stderr; removed with the app.
    private let folder: String

    /// Known layout in window coordinates, mirrored from the fixture's source.
    public enum Layout {
        public static let size = Size(width: 640, height: 400)
        public static let okButton = Rect(x: 20, y: 20, width: 120, height: 40)
        public static let cancelButton = Rect(x: 160, y: 20, width: 120, height: 40)
        public static let textField = Rect(x: 20, y: 90, width: 600, height: 40)
        public static let blocks: [(Rect, Color)] = [
            (Rect(x: 20, y: 200, width: 100, height: 80), Color(rgb: 0xFF0000)),
            (Rect(x: 130, y: 200, width: 100, height: 80), Color(rgb: 0x00FF00)),
            (Rect(x: 240, y: 200, width: 100, height: 80), Color(rgb: 0x0000FF)),
            (Rect(x: 350, y: 200, width: 100, height: 80), Color(rgb: 0xFFFF00)),
        ]
        public static let background = Color(rgb: 0xD0D0D0)
        public static let okColor = Color(rgb: 0x3070C0)
        public static let cancelColor = Color(rgb: 0xC04040)
    }

    /// Starts the fixture on display and waits for its "ready" line.
    public init(on display: String, title: String = "foredesk fixture", arguments: [String] = []) throws {
        folder = try makeTemporaryDirectory()
        eventsPath = folder + "/events.jsonl"
        process = try ChildProcess(
            BuiltProducts.path("fixture-app"), ["--title", title, "--events", eventsPath] + arguments,
            environment: ["DISPLAY": display], output: .file(folder + "/stderr.log"))
        let ready = try Self.wait(path: eventsPath, process: process, timeout: .seconds(20)) {
            $0.first { $0.event == "ready" }
        }
        window = WindowID(rawValue: ready.window ?? 0)
    }

    deinit {
        process.terminate(grace: .seconds(2))
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Every event logged so far.
    public func events() -> [FixtureEvent] {
        Self.read(eventsPath)
    }

    /// Waits until extract finds something in the log.
    public func wait<T>(timeout: Duration = .seconds(10), for extract: ([FixtureEvent]) -> T?) throws -> T {
        try Self.wait(path: eventsPath, process: process, timeout: timeout, extract)
    }

    /// Waits until at least count events of kind have been logged after skipping the first `after` events.
    public func waitForEvents(_ kind: String, count: Int, after: Int = 0, timeout: Duration = .seconds(10)) throws
        -> [FixtureEvent]
    {
        try wait(timeout: timeout) { events in
            let matching = events.dropFirst(after).filter { $0.event == kind }
            return matching.count >= count ? Array(matching) : nil
        }
    }

    /// The text of all key presses after the first `after` events, once it has at least length characters.
    public func typedText(after: Int = 0, length: Int, timeout: Duration = .seconds(10)) throws -> String {
        try wait(timeout: timeout) { events in
            let text = events.dropFirst(after).filter { $0.event == "key_press" }.map { $0.text ?? "" }.joined()
            return text.unicodeScalars.count >= length ? text : nil
        }
    }

    private static func read(_ path: String) -> [FixtureEvent] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(FixtureEvent.self, from: Data($0)) }
    }

    private static func wait<T>(
        path: String, process: ChildProcess, timeout: Duration, _ extract: ([FixtureEvent]) -> T?
    ) throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = extract(read(path)) { return value }
            if let status = process.exitStatus() {
                throw FixtureError("fixture-app exited with status \(status); log so far: \(read(path).map(\.event))")
            }
            if ContinuousClock.now >= deadline {
                throw FixtureError("fixture-app did not log the expected events within \(timeout); log: \(read(path).map(\.event))")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }
}

/// A fixture that did not behave as the test expected.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
