import Foundation
import Synchronization

/// Who may use the supervision server: a one-time pairing token is exchanged for a session (cookie and
/// CSRF token), failed pairings are rate-limited per client address, and revoking ends every session.
///
/// Everything lives in this server's memory, so a cookie from another server instance means nothing here.
public final class Pairing: Sendable {
    /// A paired device: its label (recorded as who answered) and the CSRF token its POSTs carry.
    public struct Device: Sendable, Equatable {
        /// The label given at pairing (`?label=`) or made from the browser's User-Agent.
        public let label: String
        /// Sent back in the `X-CSRF-Token` header of every POST.
        public let csrf: String
    }

    /// What a pairing attempt came to.
    public enum Outcome: Sendable, Equatable {
        /// The token was right: the new session's cookie value.
        case paired(cookie: String, Device)
        /// A wrong or used token.
        case refused
        /// Too many failed attempts from this address lately.
        case limited
    }

    private struct State {
        var token: String?
        var sessions: [String: Device] = [:]
        var failures: [String: [ContinuousClock.Instant]] = [:]
    }

    /// Failed attempts an address may make within `window` before it is refused outright.
    public let allowedFailures: Int
    /// The window failed attempts are counted in.
    public let window: Duration
    private let state: Mutex<State>

    /// A pairing authority with a fresh token.
    public init(allowedFailures: Int = 5, window: Duration = .seconds(60)) {
        self.allowedFailures = allowedFailures
        self.window = window
        state = Mutex(State(token: RandomToken.make()))
    }

    /// The token that pairs a device now; nil once it was used (until `revoke`).
    public var token: String? { state.withLock { $0.token } }

    /// Exchanges token for a session when it is the current one; records a failure for peer otherwise.
    public func pair(token: String, peer: String, label: String) -> Outcome {
        let now = ContinuousClock.now
        return state.withLock { state in
            let recent = (state.failures[peer] ?? []).filter { now - $0 < window }
            state.failures[peer] = recent
            if recent.count >= allowedFailures { return .limited }
            guard let current = state.token, RandomToken.same(current, token) else {
                state.failures[peer] = recent + [now]
                return .refused
            }
            state.token = nil
            let device = Device(label: label, csrf: RandomToken.make())
            let cookie = RandomToken.make()
            state.sessions[cookie] = device
            return .paired(cookie: cookie, device)
        }
    }

    /// The device whose session cookie this is; nil for an unknown (revoked, foreign, made-up) cookie.
    public func device(cookie: String) -> Device? {
        state.withLock { state in
            state.sessions.first { RandomToken.same($0.key, cookie) }?.value
        }
    }

    /// Ends every session and makes a new pairing token, which it returns.
    @discardableResult
    public func revoke() -> String {
        let token = RandomToken.make()
        state.withLock { state in
            state.sessions = [:]
            state.token = token
        }
        return token
    }
}
