import Foundation
import FoundationXML
import Glibc
import Testing
import TestSupport

/// `foredesk test` end to end: scenario suites run as child `foredesk run`s, in parallel, sharded,
/// retried, with a summary table and one merged junit.xml.
@Suite(.timeLimit(.minutes(5)), .enabled(if: Cgroups.writable, Cgroups.reason))
struct TestCommandTests {
    static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/EndToEndTests/<file>
        return parts.joined(separator: "/")
    }()
    static let scenarios = repository + "/Scenarios"

    /// Writes a scenario that only runs sandboxed commands (quick: no app) into folder/name.
    func writeScenario(_ name: String, in folder: String, steps: String = "  - run: { command: [\"true\"] }\n") throws {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try ("name: \(name)\nsteps:\n" + steps).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The scenario column of the summary table on stdout: key → result.
    func table(_ stdout: String) -> [String: String] {
        var rows: [String: String] = [:]
        for line in stdout.split(separator: "\n").dropFirst(2) {
            let cells = line.split(separator: " ", omittingEmptySubsequences: true)
            guard cells.count >= 5, ["passed", "failed", "flaky", "malformed", "interrupted"].contains(String(cells[1])) else {
                continue
            }
            #expect(rows[String(cells[0])] == nil, "\(cells[0]) is listed twice")
            rows[String(cells[0])] = String(cells[1])
        }
        return rows
    }

    func listed(_ arguments: [String]) throws -> [String] {
        let result = try foredesk(["test"] + arguments + ["--list"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
    }

    func junitSuites(_ path: String) throws -> [XMLElement] {
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path))
        return try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
    }

    func property(_ suite: XMLElement, _ name: String) throws -> String? {
        try suite.nodes(forXPath: "properties/property[@name='\(name)']/@value").first?.stringValue
    }

    /// apps/xterm.yaml runs xterm as foredesk-offline, so where this machine can, elevated mode is
    /// installed for the run (under the machine-wide lock, torn down afterwards; one already
    /// installed is used and kept): then every scenario passes. Where it cannot (no nft, say),
    /// xterm's launch must fail closed, saying what to do; RunIdentityTests covers the rest.
    @Test func theScenariosFolderRunsWithTwoJobsAndListsEveryScenario() throws {
        if ElevatedMode.unavailable == nil {
            try ElevatedMode.withInstalled(reusing: true) { _ in try runTheScenariosFolder(xtermPasses: true) }
        } else {
            try runTheScenariosFolder(xtermPasses: false)
        }
    }

    func runTheScenariosFolder(xtermPasses: Bool) throws {
        try withTemporaryDirectory { dir in
            chmod(dir, 0o755)  // foredesk-offline writes in its workspace and session below dir
            let all = try listed([Self.scenarios])
            #expect(all.contains("examples/fixture-smoke.yaml") && all.contains("selftest/pointer.yaml"))
            #expect(all.contains("apps/xterm.yaml") && all.contains("apps/xedit.yaml"))
            #expect(!all.contains { $0.contains("policy") || $0.contains("golden/") }, "\(all)")
            let result = try foredesk(["test", Self.scenarios, "--jobs", "2", "--out", dir + "/out"])
            let rows = table(result.stdout)
            #expect(Set(rows.keys) == Set(all), "stdout: \(result.stdout)")
            for key in all where key != "apps/xterm.yaml" || xtermPasses {
                #expect(rows[key] == "passed", "\(key): \(result.stdout)\n\(result.stderr)")
            }
            if xtermPasses {
                #expect(result.status == 0, "\(result.stderr)")
            } else {
                #expect(rows["apps/xterm.yaml"] == "failed", "\(result.stdout)")
                #expect(result.stdout.contains("sudo foredesk sandbox setup"), "\(result.stdout)")
                #expect(result.status == 1)
            }
            #expect(result.stdout.contains("\(all.count) scenarios: "))
            let suites = try junitSuites(dir + "/out/junit.xml")
            #expect(suites.compactMap { $0.attribute(forName: "name")?.stringValue } == all, "one suite per scenario, in order")
            for suite in suites {
                #expect(try suite.nodes(forXPath: "testcase").count >= 1)
            }
        }
    }

    @Test func twoShardsTogetherCoverEveryScenarioExactlyOnce() throws {
        let all = try listed([Self.scenarios])
        let first = try listed([Self.scenarios, "--shard", "1/2"])
        let second = try listed([Self.scenarios, "--shard", "2/2"])
        #expect((first + second).sorted() == all.sorted())
        #expect(Set(first).isDisjoint(with: second))
        let thirds = try (1...3).map { try listed([Self.scenarios, "--shard", "\($0)/3"]) }
        #expect(thirds.flatMap { $0 }.sorted() == all.sorted())

        try withTemporaryDirectory { dir in
            for name in ["a.yaml", "b/c.yaml", "b/d.yaml", "e.yaml", "f/g/h.yaml"] {
                try writeScenario(name, in: dir + "/suite")
            }
            var ran: [String] = []
            for shard in ["1/2", "2/2"] {
                let out = dir + "/out-" + shard.replacing("/", with: "-")
                let result = try foredesk(["test", dir + "/suite", "--shard", shard, "--jobs", "2", "--out", out])
                #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
                let rows = table(result.stdout)
                #expect(rows.values.allSatisfy { $0 == "passed" })
                #expect(try junitSuites(out + "/junit.xml").count == rows.count)
                ran += rows.keys
            }
            #expect(ran.sorted() == ["a.yaml", "b/c.yaml", "b/d.yaml", "e.yaml", "f/g/h.yaml"])
        }
    }

    @Test func aScenarioThatFailsOnlyOnItsFirstAttemptIsFlakyWithARetry() throws {
        try withTemporaryDirectory { dir in
            // Fails while the marker is missing, and leaves it behind: the retry (same workspace) passes.
            try writeScenario(
                "flaky.yaml", in: dir + "/suite",
                steps: """
                      - run: { command: [sh, -c, "test -e ${workspace}/marker && exit 0; touch ${workspace}/marker; exit 7"] }

                    """)
            try writeScenario("steady.yaml", in: dir + "/suite")
            let once = try foredesk(["test", dir + "/suite", "--out", dir + "/once"])
            #expect(once.status == 1, "\(once.stdout)\n\(once.stderr)")
            #expect(table(once.stdout) == ["flaky.yaml": "failed", "steady.yaml": "passed"])
            #expect(once.stdout.contains("exited with status 7, expected 0"))

            let retried = try foredesk(["test", dir + "/suite", "--retries", "1", "--out", dir + "/retried", "--junit", dir + "/merged.xml"])
            #expect(retried.status == 0, "\(retried.stdout)\n\(retried.stderr)")
            #expect(table(retried.stdout) == ["flaky.yaml": "flaky", "steady.yaml": "passed"])
            #expect(retried.stderr.contains("retrying flaky.yaml (attempt 2 of 2)"))
            #expect(retried.stdout.contains("junit: \(dir)/merged.xml"))
            let suites = try junitSuites(dir + "/merged.xml")
            #expect(suites.count == 2)
            let flaky = try #require(suites.first { $0.attribute(forName: "name")?.stringValue == "flaky.yaml" })
            #expect(try property(flaky, "flaky") == "true")
            #expect(try property(flaky, "attempts") == "2")
            #expect(try property(flaky, "attempt_1_exit_status") == "1")
            #expect(flaky.attribute(forName: "failures")?.stringValue == "0", "the suite is the passing attempt's session")
        }
    }

    @Test func aMalformedScenarioIsAnEntryWithItsLocationAndExitStatus64() throws {
        try withTemporaryDirectory { dir in
            try writeScenario("good.yaml", in: dir + "/suite")
            try writeScenario("bad.yaml", in: dir + "/suite/more", steps: "  - run: { command: [\"true\"] }\n  - clik: [1, 2]\n")
            try "sandbox:\n  network: off\n".write(toFile: dir + "/suite/policy.yaml", atomically: true, encoding: .utf8)
            let result = try foredesk(["test", dir + "/suite", "--out", dir + "/out"])
            #expect(result.status == 64, "\(result.stdout)\n\(result.stderr)")
            #expect(table(result.stdout) == ["good.yaml": "passed", "more/bad.yaml": "malformed"])
            #expect(result.stdout.contains("more/bad.yaml: malformed: \(dir)/suite/more/bad.yaml:4:5: unknown step 'clik'"), "\(result.stdout)")
            let suites = try junitSuites(dir + "/out/junit.xml")
            #expect(suites.count == 2)
            let bad = try #require(suites.first { $0.attribute(forName: "name")?.stringValue == "more/bad.yaml" })
            #expect(try bad.nodes(forXPath: "testcase/error/@message").first?.stringValue?.contains("bad.yaml:4:5") == true)
        }
    }

    @Test func ctrlCStopsTheRunningScenarioCleanlyAndStillWritesTheSummary() throws {
        try withTemporaryDirectory { dir in
            try writeScenario("slow.yaml", in: dir + "/suite", steps: "  - sleep: 60s\n")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BuiltProducts.path("foredesk"))
            process.arguments = ["test", dir + "/suite", "--out", dir + "/out"]
            let stdout = Pipe()
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The child run has made its session folder: it is inside its sleep step.
            let deadline = ContinuousClock.now + .seconds(60)
            var session: String?
            while session == nil, process.isRunning, ContinuousClock.now < deadline {
                session = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/out"))?
                    .first { $0.hasPrefix("slow.yaml-") }.map { dir + "/out/" + $0 }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let folder = try #require(session, "the scenario started")
            Thread.sleep(forTimeInterval: 0.5)
            kill(process.processIdentifier, SIGINT)
            let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 130, "\(output)")
            #expect(table(output) == ["slow.yaml": "interrupted"], "\(output)")
            #expect(try junitSuites(dir + "/out/junit.xml").count == 1, "the merged junit.xml is written")
            // The child got the signal too: it ended its session as interrupted (and stopped its display).
            let info = try String(contentsOfFile: folder + "/session.json", encoding: .utf8)
            #expect(info.contains("\"verdict\":\"aborted\""), "\(info)")
            let events = try String(contentsOfFile: folder + "/events.jsonl", encoding: .utf8)
            #expect(events.contains("\"kind\":\"interrupted\""), "\(events)")
        }
    }

    @Test func badArgumentsAreOneClearLine() throws {
        let shard = try foredesk(["test", Self.scenarios, "--shard", "3/2"])
        #expect(shard.status == 64)
        #expect(shard.stderr == "foredesk: error: --shard 3/2: I must lie in 1...2 (shards are numbered from 1)\n")
        let form = try foredesk(["test", Self.scenarios, "--shard", "half"])
        #expect(form.stderr == "foredesk: error: --shard: found 'half', expected I/N with whole numbers, such as 1/4\n")
        let missing = try foredesk(["test", "/nonexistent/suite"])
        #expect(missing.status == 64)
        #expect(missing.stderr == "foredesk: error: /nonexistent/suite: no such file or folder\n")
        let jobs = try foredesk(["test", Self.scenarios, "--jobs", "0"])
        #expect(jobs.status == 64 && jobs.stderr.contains("--jobs must be at least 1"))
        let help = try foredesk(["test", "--help"])
        #expect(help.stdout.contains("foredesk test Scenarios/ --shard 2/4"))
    }
}
