import Imaging
import Policy

/// A desktop where the session launched "editor" (PID 100, and its child 101) and "viewer" (PID
/// 300); the editor's window is active at 100,100 640x400, nothing covers it.
enum Desk {
    static let editor = WindowFacts(
        id: 0x40_0009, title: "notes.txt - Editor", className: "Gedit", instanceName: "gedit", pid: 100,
        frame: Rect(x: 100, y: 100, width: 640, height: 400))
    static let viewer = WindowFacts(
        id: 0x60_0003, title: "Viewer", className: "Eog", instanceName: "eog", pid: 300,
        frame: Rect(x: 500, y: 300, width: 400, height: 300))
    /// A terminal the session did not launch.
    static let stranger = WindowFacts(
        id: 0x80_0001, title: "bash", className: "XTerm", instanceName: "xterm", pid: 4242,
        frame: Rect(x: 0, y: 0, width: 800, height: 600))
    static let inside = Point(x: 200, y: 200)
    static let alsoInside = Point(x: 700, y: 450)
    static let outside = Point(x: 50, y: 50)

    /// Facts with the editor active, the pointer inside it and each point mapped to the window on top.
    static func facts(
        active: WindowFacts? = editor, at targets: [Point: WindowFacts] = [inside: editor, alsoInside: editor]
    ) -> Facts {
        Facts(
            activeWindow: active, launchedProcesses: [100: "editor", 101: "editor", 300: "viewer"], pointer: inside,
            windowsAtTargets: targets)
    }
}

/// The rule id of a decision, or nil unless its verdict is the one expected.
func rule(_ decision: Decision, _ verdict: String) -> RuleID? {
    decision.verdict == verdict ? decision.reason.rule : nil
}

/// Reads a policy from text named `p.yaml`, failing the test with the error's message.
func policy(_ yaml: String) throws -> Policy {
    try Policy(yaml: yaml, file: "p.yaml")
}

/// The message of the error reading yaml, or nil when it reads.
func errorMessage(_ yaml: String) -> String? {
    do {
        _ = try Policy(yaml: yaml, file: "p.yaml")
        return nil
    } catch {
        return error.description
    }
}
