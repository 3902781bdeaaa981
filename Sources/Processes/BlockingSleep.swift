#if canImport(Glibc)
    import Glibc
#endif

/// Blocks the calling thread for duration, through signals (the Desktop and Sandbox APIs are
/// synchronous by design).
public func blockingSleep(_ duration: Duration) {
    guard duration > .zero else { return }
    var request = timespec(
        tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
