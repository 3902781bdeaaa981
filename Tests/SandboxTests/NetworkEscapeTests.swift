import Glibc
import Testing

/// `--network off` is a private network namespace with only loopback: the host's loopback
/// services are another machine's, and there is no route anywhere else.
@Suite("Network escapes", .timeLimit(.minutes(2)))
struct NetworkEscapeTests {
    let off = ["--network", "off"]
    let on = ["--network", "on"]

    @Test func hostLoopbackTCPServicesAreRefusedWithNetworkOff() throws {
        let service = try HostListener(Int32(SOCK_STREAM.rawValue), "127.0.0.1")
        #expect(try attempt(on, "tcp", "127.0.0.1", "\(service.port)").result == "OK")
        #expect(try attempt(off, "tcp", "127.0.0.1", "\(service.port)").result == "ECONNREFUSED")
        #expect(try attempt([], "tcp", "127.0.0.1", "\(service.port)").result == "ECONNREFUSED", "off is the default")
    }

    @Test func hostLoopbackTCP6ServicesAreRefusedWithNetworkOff() throws {
        let service = try HostListener(Int32(SOCK_STREAM.rawValue), "::1")
        #expect(try attempt(on, "tcp", "::1", "\(service.port)").result == "OK")
        #expect(try attempt(off, "tcp", "::1", "\(service.port)").result == "ECONNREFUSED")
    }

    @Test func otherAddressesAreUnreachable() throws {
        #expect(try attempt(off, "tcp", "10.0.0.1", "80").result == "ENETUNREACH")
        #expect(try attempt(off, "udp", "10.0.0.1", "53").result == "ENETUNREACH")
        #expect(try attempt(off, "tcp", "2001:db8::1", "80").result == "ENETUNREACH")
    }

    @Test func udpNeverReachesTheHostService() throws {
        let service = try HostListener(Int32(SOCK_DGRAM.rawValue), "127.0.0.1")
        #expect(try attempt(off, "udp", "127.0.0.1", "\(service.port)").result == "ECONNREFUSED")
        #expect(service.receivedDatagram() == nil)
        // The control: with the host's network the datagram arrives (the probe then waits for a
        // reply that never comes).
        #expect(try attempt(on, "udp", "127.0.0.1", "\(service.port)").result == "EAGAIN")
        #expect(service.receivedDatagram() == "probe")
    }

    @Test func rawSocketsNeedACapabilityThatIsGone() throws {
        #expect(try attempt(off, "raw").result == "EPERM")
        #expect(try attempt(on, "raw").result == "EPERM")
    }
}
