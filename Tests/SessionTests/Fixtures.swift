import Foundation
import Imaging
import Policy
import Session

/// A session folder in a fresh temporary directory, with a few typical events recorded.
enum Fixtures {
    static let secret = "hunter2-Secret-Passphrase"
    static let start = Timestamp(millisecondsSinceEpoch: 1_740_832_496_789)  // 2025-03-01T12:34:56.789Z

    static let info = SessionInfo(
        scenario: "login form", policyDigest: String(repeating: "ab", count: 32), display: ":99",
        screenSize: Size(width: 1280, height: 800), version: "0.1.0", start: start)

    static let window = WindowRecord(id: 0x400009, title: "Login <script>alert(1)</script>", className: "Fixture", pid: 4242)

    static func allow(_ rule: RuleID = .allowDefault, _ message: String = "nothing objected") -> DecisionRecord {
        DecisionRecord(.allow(Reason(rule, message)))
    }

    /// Four events: a click, a secret type, a denied key, a run with output.
    static func events(time: Timestamp = start) -> [Event] {
        [
            Event(
                time: time, step: "1: click OK", action: RecordedAction(.click(at: Point(x: 10, y: 20))),
                decision: allow(), foreground: window, pointer: Point(x: 10, y: 20),
                frames: .init(before: "frames/0001-before.png", after: "frames/0002-after.png"), settleMilliseconds: 150,
                durationMilliseconds: 180),
            Event(
                time: time, step: "2: type password", action: RecordedAction(.type(secret, secret: true)),
                decision: allow(), foreground: window, durationMilliseconds: 40),
            Event(
                time: time, step: "3: key ctrl+alt+f1",
                action: RecordedAction(.key("ctrl+alt+f1")),
                decision: DecisionRecord(.deny(Reason(.keysLeaveApp, "ctrl+alt+f1 switches the VT & leaves <the app>"))),
                foreground: window, error: "denied: ctrl+alt+f1 leaves the app"),
            Event(
                time: time, step: "4: run build", action: RecordedAction(.run("make \"all\"")), decision: allow(),
                durationMilliseconds: 1234,
                output: .init(stdout: "output/0001-build.stdout", stderr: "output/0001-build.stderr")),
        ]
    }

    /// Every regular file under folder, relative path → contents.
    static func files(in folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative))
            }
        }
        return result
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}
