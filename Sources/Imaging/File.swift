#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Whole-file reads and atomic writes, for PNG files only (Imaging stays free of other file I/O).
enum File {
    static func read(_ path: String) throws(ImagingError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, message: lastError()) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(path: path, message: lastError()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .io(path: path, message: "not a regular file") }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: max(Int(st.st_size), 65536))
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, message: lastError())
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Writes to a temporary file beside path, then renames it over path, so readers never see half a file.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ImagingError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, message: lastError()) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = lastError()
                close(fd)
                unlink(temporary)
                throw .io(path: path, message: message)
            }
            written += n
        }
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            let message = lastError()
            unlink(temporary)
            throw .io(path: path, message: message)
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
