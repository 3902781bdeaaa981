import Foundation
import Imaging
import Policy
@testable import Scenario
import Synchronization
import Testing

/// The parts of run control that need no display: the slow drag's syntax, the takeover watch's
/// rules, and the brokers' protocol (terminal without a terminal, first answer wins).
@Suite("Run control parts")
struct RunControlPartsTests {
    @Test func aDragTakesADuration() throws {
        #expect(
            try step("  - drag: { at: [1, 2], by: [300, 0], duration: 2s }\n")
                == .drag(from: .window(Point(x: 1, y: 2)), to: .offset(dx: 300, dy: 0), duration: .seconds(2)))
        #expect(stepError("  - drag: { at: [1, 2], by: [3, 0], duration: soon }\n").contains("duration"))
    }

    @Test func theTakeoverWatchNoticesThePointerAndForeignFocusOnly() {
        var watch = TakeoverWatch()
        let app = WindowFacts(id: 10, title: "app", pid: 100, frame: Rect(x: 0, y: 0, width: 10, height: 10))
        let dialog = WindowFacts(id: 11, title: "dialog", pid: 101, frame: Rect(x: 0, y: 0, width: 10, height: 10))
        let stranger = WindowFacts(id: 12, title: "xterm", pid: 999, frame: Rect(x: 0, y: 0, width: 10, height: 10))
        let launched: [Int32: String] = [100: "app", 101: "app"]
        #expect(watch.change(pointer: Point(x: 5, y: 5), active: stranger, launched: launched) == nil, "no baseline yet")
        watch.baseline(pointer: Point(x: 5, y: 5), active: 10)
        #expect(watch.change(pointer: Point(x: 5, y: 5), active: app, launched: launched) == nil)
        #expect(watch.change(pointer: Point(x: 5, y: 5), active: dialog, launched: launched) == nil, "the app's own dialog")
        #expect(watch.change(pointer: Point(x: 6, y: 5), active: app, launched: launched)?.contains("pointer moved") == true)
        #expect(watch.change(pointer: Point(x: 5, y: 5), active: stranger, launched: launched)?.contains("focus moved") == true)
        watch.ignored = true
        #expect(watch.change(pointer: Point(x: 6, y: 5), active: stranger, launched: launched) == nil)
    }

    static let request = ApprovalRequest(
        id: 1, kind: .action, step: "s.yaml:3:5 click", action: "click x=1 y=2", window: nil, reason: "ask[0]",
        rule: "ask.rule")

    @Test func theTerminalBrokerAsksNobodyWithoutATerminal() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let broker = TerminalApprovalBroker(input: fds[0], output: fds[1])
        #expect(!broker.isTerminal)
        #expect(broker.ask(Self.request, cancelled: { false }) == nil)
    }

    /// A broker that answers after a number of polls of `cancelled`, and remembers how it was settled.
    final class Scripted: ApprovalBroker {
        let name: String
        let answer: ApprovalAnswer?
        let polls: Int
        let outcome = Mutex<(asked: Bool, cancelled: Bool, settledBy: String?)>((false, false, nil))

        init(_ name: String, answer: ApprovalAnswer?, polls: Int) {
            self.name = name
            self.answer = answer
            self.polls = polls
        }

        func ask(_ request: ApprovalRequest, cancelled: @escaping @Sendable () -> Bool) -> ApprovalResponse? {
            outcome.withLock { $0.asked = true }
            var count = 0
            while count < polls || answer == nil {
                if cancelled() {
                    outcome.withLock { $0.cancelled = true }
                    return nil
                }
                count += 1
                Thread.sleep(forTimeInterval: 0.005)
            }
            return answer.map { ApprovalResponse(answer: $0, by: name) }
        }

        func settled(_ request: ApprovalRequest, by response: ApprovalResponse?) {
            outcome.withLock { $0.settledBy = response?.by }
        }
    }

    @Test func theFirstAnswerWinsAndTheOtherBrokerIsToldAndWithdraws() {
        let phone = Scripted("phone", answer: .approve, polls: 1)
        let terminal = Scripted("terminal", answer: nil, polls: 0)
        let broker = FirstAnswerBroker([terminal, phone])
        let response = broker.ask(Self.request, cancelled: { false })
        #expect(response?.answer == .approve && response?.by == "phone")
        broker.settled(Self.request, by: response)
        #expect(terminal.outcome.withLock { $0.asked && $0.cancelled })
        #expect(terminal.outcome.withLock { $0.settledBy } == "phone")
        #expect(phone.outcome.withLock { $0.settledBy } == "phone")
    }

    @Test func nobodyAnsweringBeforeTheCancelGivesNil() {
        let stop = Mutex(false)
        let broker = FirstAnswerBroker([Scripted("terminal", answer: nil, polls: 0)])
        Thread {
            Thread.sleep(forTimeInterval: 0.05)
            stop.withLock { $0 = true }
        }.start()
        #expect(broker.ask(Self.request, cancelled: { stop.withLock { $0 } }) == nil)
    }
}
