import Foundation
import Scenario
import Testing
import TestSupport

/// `foredesk test` finds scenarios (a top-level `steps:` key) and passes over policies, golden
/// folders and hidden folders; every shard split covers the suite exactly once, whatever the order.
@Suite("Suite discovery and sharding")
struct SuiteDiscoveryTests {
    static let scenarioText = "name: s\nsteps:\n  - sleep: 1ms\n"

    func write(_ text: String, _ path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aScenarioHasATopLevelStepsKeyAndAPolicyDoesNot() {
        #expect(SuiteDiscovery.isScenario(text: Self.scenarioText))
        #expect(SuiteDiscovery.isScenario(text: "name: s\nsteps :\n  - clik: [1, 2\n"), "broken YAML is still a scenario")
        #expect(!SuiteDiscovery.isScenario(text: "sandbox:\n  network: off\ninput:\n  apps: [x]\n"))
        #expect(!SuiteDiscovery.isScenario(text: "name: s\n  steps: []\n"), "an indented steps: is not top-level")
        #expect(!SuiteDiscovery.isScenario(text: "stepsize: 3\n"))
    }

    @Test func foldersAreSearchedRecursivelySkippingGoldenAndHiddenFolders() throws {
        try withTemporaryDirectory { dir in
            try write(Self.scenarioText, dir + "/suite/b.yaml")
            try write(Self.scenarioText, dir + "/suite/a/c.yml")
            try write(Self.scenarioText, dir + "/suite/golden/not-a-scenario.yaml")
            try write(Self.scenarioText, dir + "/suite/.hidden/no.yaml")
            try write("sandbox:\n  network: off\n", dir + "/suite/policy.yaml")
            try write(Self.scenarioText, dir + "/suite/notes.txt")
            try write("name: no steps\n", dir + "/single.yaml")
            let entries = try SuiteDiscovery.collect([dir + "/suite/", dir + "/single.yaml"])
            #expect(entries.map(\.key) == ["a/c.yml", "b.yaml", "single.yaml"])
            #expect(entries.map(\.path) == [dir + "/suite/a/c.yml", dir + "/suite/b.yaml", dir + "/single.yaml"])
        }
    }

    @Test func aFileReachedTwiceIsRunOnce() throws {
        try withTemporaryDirectory { dir in
            try write(Self.scenarioText, dir + "/suite/a.yaml")
            let entries = try SuiteDiscovery.collect([dir + "/suite", dir + "/suite/a.yaml", dir + "/suite/../suite"])
            #expect(entries.count == 1)
        }
    }

    @Test func aMissingPathOrAnEmptySuiteIsAClearError() throws {
        try withTemporaryDirectory { dir in
            #expect(throws: SuiteError("\(dir)/nope: no such file or folder")) {
                try SuiteDiscovery.collect([dir + "/nope"])
            }
            let error = #expect(throws: SuiteError.self) { try SuiteDiscovery.collect([dir]) }
            #expect(error?.message.hasPrefix("no scenario files in \(dir)") == true)
        }
    }

    @Test func shardSyntaxAndRangeAreChecked() throws {
        #expect(try Shard(parsing: "2/3") == Shard(index: 2, count: 3))
        #expect(throws: SuiteError("--shard: found '2', expected I/N with whole numbers, such as 1/4")) {
            try Shard(parsing: "2")
        }
        #expect(throws: SuiteError("--shard: found 'a/b', expected I/N with whole numbers, such as 1/4")) {
            try Shard(parsing: "a/b")
        }
        #expect(throws: SuiteError("--shard 0/3: I must lie in 1...3 (shards are numbered from 1)")) {
            try Shard(parsing: "0/3")
        }
        #expect(throws: SuiteError("--shard 4/3: I must lie in 1...3 (shards are numbered from 1)")) {
            try Shard(parsing: "4/3")
        }
        #expect(throws: SuiteError("--shard 1/0: N must be at least 1")) { try Shard(parsing: "1/0") }
    }

    static let suite: [SuiteEntry] = (0..<23).map { number in
        let key = ["apps", "selftest", "examples", "z"][number % 4] + "/scenario-\(number).yaml"
        return SuiteEntry(path: "/checkout/Scenarios/" + key, key: key)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 7, 23, 30])
    func everyScenarioIsInExactlyOneShard(count: Int) throws {
        let shards = try (1...count).map { try Shard(index: $0, count: count).select(Self.suite) }
        let all = shards.flatMap { $0 }
        #expect(all.count == Self.suite.count)
        #expect(Set(all) == Set(Self.suite))
        let sizes = shards.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "shards differ by at most one: \(sizes)")
    }

    @Test func aShardDoesNotDependOnTheInputOrderOrTheCheckoutPlace() throws {
        var generator = SystemRandomNumberGenerator()
        let shard = try Shard(index: 2, count: 4)
        let expected = shard.select(Self.suite)
        for _ in 0..<20 {
            #expect(shard.select(Self.suite.shuffled(using: &generator)) == expected)
        }
        let elsewhere = Self.suite.map { SuiteEntry(path: "/home/ci/work/Scenarios/" + $0.key, key: $0.key) }
        #expect(shard.select(elsewhere.shuffled(using: &generator)).map(\.key) == expected.map(\.key))
    }

    @Test func theOrderIsByteWiseOnTheRelativePath() throws {
        let entries = ["b.yaml", "B.yaml", "a/z.yaml", "a-b.yaml", "é.yaml"].map { SuiteEntry(path: "/x/" + $0, key: $0) }
        #expect(try Shard(index: 1, count: 1).select(entries).map(\.key) == ["B.yaml", "a-b.yaml", "a/z.yaml", "b.yaml", "é.yaml"])
        #expect(try Shard(index: 1, count: 2).select(entries).map(\.key) == ["B.yaml", "a/z.yaml", "é.yaml"])
        #expect(try Shard(index: 2, count: 2).select(entries).map(\.key) == ["a-b.yaml", "b.yaml"])
    }
}
