import Foundation
import Imaging
import Testing
import TestSupport

/// Runs `foredesk run` on a scenario around the sandboxed fixture app, for the image, redaction,
/// frames and dry-run tests.
struct RunnerHarness {
    let dir: String
    var policy = """
        sandbox:
          writable: ["${workspace}", "${out}"]
          network: off
        input:
          apps: [fixture]
        deny_keys: [ctrl+q]
        approval: never
        """

    init(dir: String, redact: String = "") {
        self.dir = dir
        if !redact.isEmpty { policy += "\n" + redact }
    }

    /// The scenario's YAML around steps (indented by two spaces): the fixture app under policy.yaml.
    func scenarioText(_ steps: String) -> String {
        """
            name: harness
            display:
              virtual: 1024x768
            apps:
              - name: fixture
                command: [fixture-app, --title, harness fixture, --events, "${workspace}/fixture-events.jsonl"]
                policy: policy.yaml
                window: { title: "^harness fixture$", timeout: 20s }
            steps:
            \(steps)
            """
    }

    /// Writes the scenario (steps indented by two spaces) and runs foredesk; stdout's last line is the session.
    func run(_ steps: String, flags: [String] = [], name: String = "scenario") throws -> (CommandResult, session: String) {
        let scenario = scenarioText(steps)
        try FileManager.default.createDirectory(atPath: dir + "/ws", withIntermediateDirectories: true)
        try policy.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        // `wait: { image: blue.png }` waits until the fixture has drawn its OK button: its window
        // is mapped, and the launch step done, before it is drawn.
        try Frame(width: 16, height: 16, color: Self.ok).writePNG(to: dir + "/blue.png")
        try scenario.write(toFile: dir + "/\(name).yaml", atomically: true, encoding: .utf8)
        let result = try foredesk(
            ["run", dir + "/\(name).yaml", "--out", dir + "/out", "--workspace", dir + "/ws"] + flags)
        let lines = result.stdout.split(separator: "\n")
        return (result, lines.last.map(String.init) ?? "")
    }

    /// A first run's screenshot of the fixture; its OK button cut out as `ok.png` in dir, with
    /// where the button lay on that screen.
    func cutOKButton() throws -> Rect {
        let (result, session) = try run(
            """
              - launch: fixture
              - activate: fixture
              - wait: { settle: screen }
              - screenshot: whole
            """, name: "shoot")
        try #require(result.status == 0, "stderr: \(result.stderr)")
        let shot = try #require(RunnerHarness.pngs(in: session + "/frames").first { $0.hasSuffix("whole.png") })
        let screen = try Frame(contentsOfPNG: shot)
        let button = try #require(RunnerHarness.box(of: RunnerHarness.ok, in: screen), "the OK button is on the screen")
        try screen.cropped(to: button).writePNG(to: dir + "/ok.png")
        return button
    }

    func events(_ session: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: session + "/events.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// The fixture's own log of what reached it; empty when it logged nothing.
    func fixtureEvents() -> [FixtureEvent] {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: dir + "/ws/fixture-events.jsonl")) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONDecoder().decode(FixtureEvent.self, from: Data($0))
        }
    }

    /// Every PNG file below folder, by path.
    static func pngs(in folder: String) -> [String] {
        let files = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        return files.filter { $0.hasSuffix(".png") }.sorted().map { folder + "/" + $0 }
    }

    /// The smallest rectangle holding every pixel of colour in frame; nil when there is none.
    static func box(of color: Color, in frame: Frame) -> Rect? {
        var box: Rect?
        for y in 0..<frame.height {
            for x in 0..<frame.width where sameColor(frame[x, y], color) {
                let pixel = Rect(x: x, y: y, width: 1, height: 1)
                box = box.map { $0.union(pixel) } ?? pixel
            }
        }
        return box
    }

    static func sameColor(_ a: Color, _ b: Color) -> Bool {
        a.red == b.red && a.green == b.green && a.blue == b.blue
    }

    /// The fixture's colours: its OK and Cancel buttons and its colour blocks.
    static let ok = Color(red: 0x30, green: 0x70, blue: 0xc0)
    static let cancel = Color(red: 0xc0, green: 0x40, blue: 0x40)
}
