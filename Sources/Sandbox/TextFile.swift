#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file reads of the small text files the sandbox deals with (cgroup controls, tool logs,
/// the grants list, the helper's report pipe).
enum TextFile {
    /// The file's text; empty when it cannot be read.
    static func read(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        return readAll(fd)
    }

    /// Everything left to read from fd, until end of file.
    static func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
