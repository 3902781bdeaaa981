import Hummingbird
import NIOCore

/// A request's context: the client's address (for the pairing rate limit) and, once the session gate let
/// it through, the paired device.
struct SupervisionContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address.
    let peer: String
    /// The paired device whose session cookie came with the request.
    var device: Pairing.Device?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
