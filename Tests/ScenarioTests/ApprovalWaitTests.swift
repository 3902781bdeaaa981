import Desktop
import Foundation
import Policy
import Scenario
import Session
import Synchronization
import TestSupport
import Testing

/// A run waiting for approval (issue 6), in-process on a real Xvfb with real sandboxes: the launched
/// apps are frozen until the answer, the wait is off the run's clock, no answer in time denies, and
/// the workspace diff shows what the run changed.
@Suite(
    .timeLimit(.minutes(3)), .serialized, .enabled(if: Cgroups.writable, Cgroups.reason),
    .privateDisplay(width: 640, height: 480))
struct ApprovalWaitTests {
    /// A broker whose person does `answer` (on the runner's thread) and whose requests are kept.
    final class ScriptedBroker: ApprovalBroker {
        let name = "scripted"
        let answer: @Sendable (ApprovalRequest, @escaping @Sendable () -> Bool) -> ApprovalResponse?
        let asked = Mutex<[ApprovalRequest]>([])

        init(_ answer: @escaping @Sendable (ApprovalRequest, @escaping @Sendable () -> Bool) -> ApprovalResponse?) {
            self.answer = answer
        }

        func ask(_ request: ApprovalRequest, cancelled: @escaping @Sendable () -> Bool) -> ApprovalResponse? {
            asked.withLock { $0.append(request) }
            return answer(request, cancelled)
        }

        func settled(_ request: ApprovalRequest, by response: ApprovalResponse?) {}
    }

    /// An app with no window that writes a counter into the workspace every 10 ms (whole files, by rename).
    static let counterApp = """
        apps:
          - name: counter
            command: [sh, -c, 'i=0; while :; do i=$((i+1)); echo $i > ${workspace}/counter.tmp; mv ${workspace}/counter.tmp ${workspace}/counter; sleep 0.01; done']
        """

    /// Runs steps (after launching the counter) under a policy that asks before every `run` step.
    func run(
        _ steps: String, in dir: String, limits: String = "", approvalTimeout: Duration = .seconds(60),
        broker: ScriptedBroker
    ) throws -> (ScenarioRunner, RunResult) {
        let display = try PrivateDisplay.require()
        let ws = dir + "/ws"
        try FileManager.default.createDirectory(atPath: ws, withIntermediateDirectories: true)
        try """
        sandbox:
          writable: ["${workspace}", "${out}"]
          network: off
        approval: on-request
        ask:
          - action: run
        \(limits)
        """.write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let yaml = """
            name: approval wait
            display:
              virtual: 640x480
            \(Self.counterApp)
            steps:
              - launch: counter
            \(steps)
            """
        try yaml.write(toFile: dir + "/scenario.yaml", atomically: true, encoding: .utf8)
        let scenario = try Scenario(yaml: yaml, file: dir + "/scenario.yaml")
        var options = RunOptions(out: dir + "/out", workspace: ws, display: display.name, policyFile: dir + "/policy.yaml")
        options.approvals = broker
        options.approvalTimeout = approvalTimeout
        options.watchWorkspace = true
        let runner = ScenarioRunner(scenario: scenario, options: options)
        return (runner, try runner.run())
    }

    static func counter(_ dir: String) -> Int? {
        (try? String(contentsOfFile: dir + "/ws/counter", encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The `approval` events of a session, as JSON objects.
    static func approvals(_ session: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: session + "/events.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { ($0["action"] as? [String: Any])?["kind"] as? String == "approval" }
    }

    @Test func theAppsAreFrozenWhileApprovalIsPendingAndGoOnAfterwards() throws {
        try withTemporaryDirectory { dir in
            let samples = Mutex<[Int?]>([])
            let broker = ScriptedBroker { _, _ in
                // Three looks at the counter, 300 ms apart (30 writes' worth), while the question is open.
                for index in 0..<3 {
                    if index > 0 { Thread.sleep(forTimeInterval: 0.3) }
                    let value = Self.counter(dir)
                    samples.withLock { $0.append(value) }
                }
                return ApprovalResponse(answer: .approve, by: "tester")
            }
            try FileManager.default.createDirectory(atPath: dir + "/ws", withIntermediateDirectories: true)
            try "first\nsecond\n".write(toFile: dir + "/ws/notes.txt", atomically: true, encoding: .utf8)
            try Data([0x89, 0x50, 0x00, 0x01]).write(to: URL(fileURLWithPath: dir + "/ws/image.bin"))
            let (runner, result) = try run(
                """
                  - wait: { settle: screen, quiet: 300ms, timeout: 5s }
                  - run: { command: [sh, -c, 'echo third >> ${workspace}/notes.txt; printf "\\000\\002" >> ${workspace}/image.bin'] }
                  - sleep: 500ms
                """, in: dir, broker: broker)
            #expect(result.passed, "\(result.failure ?? "")")
            let seen = samples.withLock { $0 }
            try #require(seen.count == 3)
            let frozen = try #require(seen[0], "the counter was running before the question")
            #expect(frozen > 0)
            #expect(seen.allSatisfy { $0 == frozen }, "the counter stood still while approval was pending: \(seen)")
            let after = try #require(Self.counter(dir))
            #expect(after > frozen, "the counter went on after the approval: \(frozen) → \(after)")

            let approval = try #require(try Self.approvals(result.sessionPath).first?["action"] as? [String: Any])
            #expect(approval["apps_frozen"] as? String == "counter", "\(approval)")
            #expect(approval["by"] as? String == "tester")

            let changes = runner.workspaceDiff()
            let notes = try #require(changes.first { $0.name == "notes.txt" }, "\(changes.map(\.name))")
            #expect(notes.kind == .modified)
            #expect(notes.unifiedText.hasPrefix("--- a/notes.txt\n+++ b/notes.txt\n@@ -1,2 +1,3 @@\n"))
            #expect(notes.unifiedText.contains("\n+third\n"), "\(notes.unifiedText)")
            let image = try #require(changes.first { $0.name == "image.bin" })
            #expect(image.isBinary && image.unifiedText == "Binary file image.bin modified\n")
            #expect(changes.contains { $0.name == "counter" && $0.kind == .added })
            #expect(!changes.contains { $0.path.hasPrefix(dir + "/out") }, "the session folder is not the workspace")
        }
    }

    @Test func anUnansweredApprovalIsDeniedAfterTheApprovalTimeout() throws {
        try withTemporaryDirectory { dir in
            let broker = ScriptedBroker { _, cancelled in
                while !cancelled() { Thread.sleep(forTimeInterval: 0.02) }
                return nil
            }
            let (_, result) = try run(
                """
                  - run: "true"
                """, in: dir, approvalTimeout: .seconds(1), broker: broker)
            #expect(!result.passed)
            #expect(result.failure?.contains("nobody answered within 1s: denied") == true, "\(result.failure ?? "")")
            let approval = try #require(try Self.approvals(result.sessionPath).first)
            #expect((approval["action"] as? [String: Any])?["by"] as? String == "nobody")
            let decision = approval["decision"] as? [String: Any]
            #expect(decision?["verdict"] as? String == "deny")
            #expect((decision?["message"] as? String)?.hasPrefix("nobody answered within 1s: denied") == true, "\(approval)")
            #expect(broker.asked.withLock { $0.count } == 1)
        }
    }

    @Test func timeWaitingForApprovalIsOffTheRunsClock() throws {
        try withTemporaryDirectory { dir in
            // The first answer takes 3 s, longer than the whole run may take; "always" lets the
            // second run step through without asking, so the gate judges it on the run's clock.
            let broker = ScriptedBroker { _, _ in
                Thread.sleep(forTimeInterval: 3)
                return ApprovalResponse(answer: .always, by: "slow reviewer")
            }
            let (_, result) = try run(
                """
                  - run: "true"
                  - run: "true"
                """, in: dir, limits: "limits: { max_duration: 2s }", broker: broker)
            #expect(result.passed, "the second step ran although 3 s went by: \(result.failure ?? "")")
            #expect(broker.asked.withLock { $0.count } == 1)
        }
    }
}
