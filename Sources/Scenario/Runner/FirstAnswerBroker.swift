import Foundation
import Synchronization

/// Asks several brokers at once (a terminal and a phone); the first answer wins and the others are
/// told it through `settled`, so they withdraw their question.
public final class FirstAnswerBroker: ApprovalBroker {
    private let brokers: [any ApprovalBroker]

    /// A broker that asks each of brokers in parallel.
    public init(_ brokers: [any ApprovalBroker]) {
        self.brokers = brokers
    }

    /// The names of the brokers, joined with `+`.
    public var name: String { brokers.map(\.name).joined(separator: "+") }

    public func ask(_ request: ApprovalRequest, cancelled: @escaping @Sendable () -> Bool) -> ApprovalResponse? {
        struct Race {
            var winner: ApprovalResponse?
            var finished = 0
        }
        let race = Mutex(Race())
        let total = brokers.count
        let over: @Sendable () -> Bool = {
            cancelled() || race.withLock { $0.winner != nil }
        }
        let group = DispatchGroup()
        for broker in brokers {
            group.enter()
            Thread {
                let response = broker.ask(request, cancelled: over)
                race.withLock { race in
                    race.finished += 1
                    if race.winner == nil, let response { race.winner = response }
                }
                group.leave()
            }.start()
        }
        // Wait for the first answer, or for every broker to give up (nil).
        while true {
            let (winner, finished) = race.withLock { ($0.winner, $0.finished) }
            if winner != nil || finished == total || cancelled() { break }
            _ = group.wait(timeout: .now() + .milliseconds(20))
        }
        group.wait()
        return race.withLock { $0.winner }
    }

    public func settled(_ request: ApprovalRequest, by response: ApprovalResponse?) {
        for broker in brokers { broker.settled(request, by: response) }
    }
}
