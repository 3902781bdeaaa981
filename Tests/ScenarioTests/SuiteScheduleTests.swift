import Foundation
import FoundationXML
import Imaging
import Scenario
import Session
import Testing
import TestSupport

/// Retry bookkeeping, the summary table and exit status, and the merged junit.xml of a suite, as values.
@Suite("Suite retries, summary and junit")
struct SuiteScheduleTests {
    let a = SuiteEntry(path: "s/a.yaml", key: "a.yaml")
    let b = SuiteEntry(path: "s/b.yaml", key: "b.yaml")
    let c = SuiteEntry(path: "s/c.yaml", key: "c.yaml")

    func attempt(_ status: Int32, _ message: String? = nil) -> SuiteAttempt {
        SuiteAttempt(exitStatus: status, session: status == 64 ? nil : "/out/run-\(status)", message: message, duration: .seconds(2))
    }

    @Test func aFailureIsRetriedAndAPassAfterItIsFlaky() throws {
        var schedule = SuiteSchedule(entries: [a, b], retries: 2)
        #expect(schedule.next()! == (a, 1))
        #expect(schedule.next()! == (b, 1))
        #expect(schedule.finish(a, attempt(1, "a.yaml:3:5: run failed")) == .retry(attempt: 2))
        #expect(schedule.next()! == (a, 2))
        guard case let .done(passed) = schedule.finish(b, attempt(0)) else { Issue.record("b is done"); return }
        #expect(passed.result == .passed)
        guard case let .done(flaky) = schedule.finish(a, attempt(0)) else { Issue.record("a is done"); return }
        #expect(flaky.result == .flaky)
        #expect(flaky.attempts.count == 2)
        #expect(flaky.duration == .seconds(4))
        #expect(flaky.message == "attempt 1 failed: a.yaml:3:5: run failed")
        #expect(schedule.next() == nil)
        #expect(schedule.isComplete)
        #expect(schedule.records.map(\.entry) == [a, b])
    }

    @Test func retriesRunOutAndAMalformedRunIsNeverRetried() {
        var schedule = SuiteSchedule(entries: [a, b], retries: 1)
        _ = schedule.next()
        _ = schedule.next()
        #expect(schedule.finish(a, attempt(1)) == .retry(attempt: 2))
        _ = schedule.next()
        guard case let .done(failed) = schedule.finish(a, attempt(1, "still failing")) else { Issue.record(); return }
        #expect(failed.result == .failed)
        #expect(failed.message == "still failing")
        guard case let .done(malformed) = schedule.finish(b, attempt(64, "policy.yaml:2:3: unknown key")) else {
            Issue.record("a malformed policy is not retried")
            return
        }
        #expect(malformed.result == .malformed)
    }

    @Test func withoutRetriesAFailureIsFinal() {
        var schedule = SuiteSchedule(entries: [a], retries: 0)
        _ = schedule.next()
        guard case let .done(record) = schedule.finish(a, attempt(1)) else { Issue.record(); return }
        #expect(record.result == .failed)
    }

    @Test func aMalformedScenarioIsRecordedWithoutRunningAndAnInterruptStopsTheRest() {
        var schedule = SuiteSchedule(entries: [a, b, c], retries: 3)
        let malformed = schedule.malformed(b, message: "s/b.yaml:3:5: unknown step 'clik'")
        #expect(malformed.result == .malformed)
        #expect(schedule.next()! == (a, 1))
        let stopped = schedule.interrupt(a, attempt(130))
        #expect(stopped.result == .interrupted)
        #expect(schedule.next() == nil, "nothing starts after an interrupt")
        #expect(schedule.records.map(\.entry) == [a, b])
        #expect(!schedule.isComplete)
    }

    @Test func theSummaryListsEveryScenarioAndMalformedWinsTheExitStatus() {
        let records = [
            SuiteRecord(entry: a, attempts: [attempt(0)]),
            SuiteRecord(entry: b, attempts: [attempt(1, "b failed"), attempt(0)]),
            SuiteRecord(entry: c, malformed: "s/c.yaml:4:7: steps[2].click: found 'x', expected a point"),
        ]
        let summary = SuiteSummary(records: records)
        let lines = summary.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("scenario  result     attempts  duration  session"), "\(lines[0])")
        #expect(lines[2] == "a.yaml    passed     1         2.0s      /out/run-0")
        #expect(lines[3] == "b.yaml    flaky      2         4.0s      /out/run-0")
        #expect(lines[4] == "c.yaml    malformed  0         0.0s      -")
        #expect(summary.text.contains("c.yaml: malformed: s/c.yaml:4:7: steps[2].click"))
        #expect(summary.text.contains("b.yaml: flaky: attempt 1 failed: b failed"))
        #expect(summary.text.hasSuffix("3 scenarios: 1 passed, 0 failed, 1 flaky, 1 malformed\n"))
        #expect(summary.exitStatus == 64)
        #expect(SuiteSummary(records: Array(records.prefix(2))).exitStatus == 0, "flaky counts as passed")
        #expect(SuiteSummary(records: [SuiteRecord(entry: a, attempts: [attempt(1)])]).exitStatus == 1)
        #expect(SuiteSummary.format(.milliseconds(4_250)) == "4.2s")
        #expect(SuiteSummary.format(.seconds(63)) == "1m03s")
    }

    @Test func theMergedJUnitHasOneSuitePerScenarioWithFlakyAsAProperty() throws {
        let malformed = SuiteRecord(entry: c, malformed: "s/c.yaml:4:7: found <x> & 'y'")
        let failedEarly = SuiteRecord(
            entry: a, name: "a", attempts: [SuiteAttempt(exitStatus: 69, session: nil, message: "no display", duration: .zero)])
        let document = SuiteJUnit.document([SuiteJUnit.suite(for: malformed), SuiteJUnit.suite(for: failedEarly)])
        let xml = try XMLDocument(xmlString: document)
        let suites = try xml.nodes(forXPath: "/testsuites/testsuite")
        #expect(suites.count == 2)
        #expect(try xml.nodes(forXPath: "/testsuites/@errors").first?.stringValue == "2")
        #expect(try xml.nodes(forXPath: "//testsuite[@name='c.yaml']//error/@message").first?.stringValue
            == "s/c.yaml:4:7: found <x> & 'y'")
        #expect(try xml.nodes(forXPath: "//testsuite[@name='a.yaml']//property[@name='attempt_1_exit_status']/@value")
            .first?.stringValue == "69")
    }

    @Test func aSessionsSuiteIsRenamedAndCarriesTheSuiteVerdict() throws {
        try withTemporaryDirectory { dir in
            let info = SessionInfo(scenario: "flaky one", policyDigest: "d", display: ":1", screenSize: .init(width: 8, height: 8), version: "0")
            let folder = try SessionFolder.create(in: dir, info: info)
            try folder.record(Event(step: "s/b.yaml:3:5 run", action: RecordedAction(kind: "run")))
            try folder.finish(verdict: .passed)
            let record = SuiteRecord(
                entry: b, name: "flaky one",
                attempts: [
                    SuiteAttempt(exitStatus: 1, session: dir + "/earlier", message: "failed", duration: .seconds(1)),
                    SuiteAttempt(exitStatus: 0, session: folder.path, message: nil, duration: .seconds(1)),
                ])
            let xml = try XMLDocument(xmlString: SuiteJUnit.document([SuiteJUnit.suite(for: record)]))
            let suite = try #require(try xml.nodes(forXPath: "/testsuites/testsuite").first as? XMLElement)
            #expect(suite.attribute(forName: "name")?.stringValue == "b.yaml")
            func property(_ name: String) throws -> String? {
                try xml.nodes(forXPath: "//property[@name='\(name)']/@value").first?.stringValue
            }
            #expect(try property("flaky") == "true")
            #expect(try property("result") == "flaky")
            #expect(try property("attempts") == "2")
            #expect(try property("verdict") == "passed", "the session's own properties stay")
            #expect(try xml.nodes(forXPath: "//testcase").count == 1)
        }
    }
}
