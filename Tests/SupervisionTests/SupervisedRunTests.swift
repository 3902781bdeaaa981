import Foundation
import Testing
import TestSupport

/// `foredesk run --supervise` with a real headless Chromium at phone size: it pairs through the printed
/// link, sees the approval waiting with its screenshot, and approves (the run goes on) or denies (the step
/// fails, "denied by reviewer").
@Suite(
    .timeLimit(.minutes(5)), .serialized, .enabled(if: Cgroups.writable, Cgroups.reason),
    .enabled(if: WebDriver.available, WebDriver.unavailableReason))
struct SupervisedRunTests {
    static let policy = """
        sandbox:
          writable: ["${workspace}", "${out}"]
          network: off
        input:
          apps: [fixture]
        approval: on-request
        ask:
          - action: click
        """

    /// Writes a scenario that clicks the fixture's OK button (asked about) and starts foredesk supervised.
    func start(in dir: String, port: Int) throws -> Process {
        let scenario = """
            name: supervised
            display:
              virtual: 1024x768
            apps:
              - name: fixture
                command: [fixture-app, --title, supervised fixture, --events, "${workspace}/fixture-events.jsonl"]
                policy: policy.yaml
                window: { title: "^supervised fixture$", timeout: 20s }
            steps:
              - launch: fixture
              - activate: fixture
              - click: [80, 40]
            """
        try FileManager.default.createDirectory(atPath: dir + "/ws", withIntermediateDirectories: true)
        try Self.policy.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        try scenario.write(toFile: dir + "/scenario.yaml", atomically: true, encoding: .utf8)
        return try BuiltProducts.startForedesk(
            [
                "run", dir + "/scenario.yaml", "--out", dir + "/out", "--workspace", dir + "/ws", "--supervise",
                "--listen", "127.0.0.1:\(port)",
            ], in: dir)
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// The pairing link foredesk printed on stderr.
    func pairingLink(_ process: Process, in dir: String) throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let match = text(dir + "/stderr").firstMatch(of: /open (http:\/\/127\.0\.0\.1:[0-9]+\/pair\/[0-9a-f]+)/) {
                return String(match.output.1)
            }
            try #require(process.isRunning, "foredesk exited: \(text(dir + "/stderr"))")
            try #require(ContinuousClock.now < deadline, "no pairing link: \(text(dir + "/stderr"))")
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func waitForExit(_ process: Process, in dir: String) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning {
            try #require(ContinuousClock.now < deadline, "foredesk did not end: \(text(dir + "/stderr"))")
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func fixtureEvents(_ dir: String) -> [FixtureEvent] {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/ws/fixture-events.jsonl"))) ?? Data()
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONDecoder().decode(FixtureEvent.self, from: Data($0))
        }
    }

    /// Pairs the browser, waits for the approval card with its screenshot, saves the page and taps button.
    func answer(_ button: String, browser: WebDriver, link: String, artifacts: String, name: String) throws {
        try browser.open(link + "?label=phone")
        try browser.waitUntil(
            "the approval card with its screenshot", timeout: .seconds(60),
            script: """
                const card = document.getElementById('approval'), shot = document.getElementById('approval-screen');
                return !card.hidden && shot.complete && shot.naturalWidth > 0;
                """)
        let action = try browser.execute("return document.getElementById('approval-action').textContent") as? String
        #expect(action?.hasPrefix("click x=") == true, "\(action ?? "nothing")")
        try browser.waitUntil(
            "the live screenshot", timeout: .seconds(20),
            script: "const s = document.getElementById('screen'); return !s.hidden && s.naturalWidth > 0;")
        try browser.screenshot().write(to: URL(fileURLWithPath: artifacts + "/\(name)-pending.png"))
        try browser.click(try browser.element("#\(button)"))
        try browser.waitUntil(
            "the answer sent", timeout: .seconds(20),
            script: "return document.getElementById('approval-note').textContent.startsWith('Sent')")
        try browser.screenshot().write(to: URL(fileURLWithPath: artifacts + "/\(name)-answered.png"))
    }

    @Test func aPhoneApprovesOneRunAndDeniesAnother() throws {
        let artifacts = try TestArtifacts.folder("supervision")
        let browser = try WebDriver(width: 390, height: 844)
        defer { browser.quit() }
        try withTemporaryDirectory { dir in
            let port = try HTTPExchange.freePort()
            let process = try start(in: dir, port: port)
            defer { if process.isRunning { process.terminate() } }
            let link = try pairingLink(process, in: dir)
            try answer("approve", browser: browser, link: link, artifacts: artifacts, name: "approve")
            try waitForExit(process, in: dir)
            #expect(process.terminationStatus == 0, "\(text(dir + "/stderr"))")
            #expect(fixtureEvents(dir).contains { $0.event == "button_release" && $0.target == "ok" }, "the click arrived")
            let session = text(dir + "/stdout").trimmingCharacters(in: .whitespacesAndNewlines)
            let events = text(session + "/events.jsonl")
            #expect(events.contains(#""by":"reviewer (phone)""#), "the reviewer's answer is recorded")
        }
        try withTemporaryDirectory { dir in
            let port = try HTTPExchange.freePort()
            let process = try start(in: dir, port: port)
            defer { if process.isRunning { process.terminate() } }
            let link = try pairingLink(process, in: dir)
            try answer("deny", browser: browser, link: link, artifacts: artifacts, name: "deny")
            try waitForExit(process, in: dir)
            #expect(process.terminationStatus == 1, "\(text(dir + "/stderr"))")
            #expect(text(dir + "/stderr").contains("denied by reviewer (phone)"), "\(text(dir + "/stderr"))")
            #expect(!fixtureEvents(dir).contains { $0.event == "button_press" }, "the denied click did not arrive")
        }
    }
}
