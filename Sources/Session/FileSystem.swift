#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The few file system calls a session needs, over the C library so the layer needs no Foundation.
enum FileSystem {
    /// Writes to a temporary file beside path, then renames it over path, so readers never see half a file.
    ///
    /// The temporary name starts with a dot and ends with `.tmp`, so an interrupted write is easy to spot.
    static func writeAtomically(_ text: String, to path: String) throws(SessionError) {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Writes bytes whole, as `writeAtomically(_:to:)` does text; sync false skips the fsync (frames, which
    /// the chained event's digest vouches for, are not worth a disk flush on the action path).
    static func writeAtomically(_ bytes: [UInt8], to path: String, sync: Bool = true) throws(SessionError) {
        let (directory, name) = split(path)
        let temporary = directory + "/." + name + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, message: lastError()) }
        do throws(SessionError) {
            try writeAll(fd, bytes, path: path)
            // Data before name: after a crash the new name never points at an empty file (ext4 auto_da_alloc aside).
            guard !sync || fsync(fd) == 0 else { throw .io(path: path, message: lastError()) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            let message = lastError()
            unlink(temporary)
            throw .io(path: path, message: message)
        }
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SessionError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                // A non-empty array always has a base address.
                write(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, message: lastError())
            }
            written += n
        }
    }

    /// The whole file as text (invalid UTF-8 repaired), or nil when it does not exist.
    static func readText(_ path: String) throws(SessionError) -> String? {
        try readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The whole file's bytes, or nil when it does not exist.
    static func readBytes(_ path: String) throws(SessionError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .io(path: path, message: lastError())
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, message: lastError())
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Creates a directory; false when it already exists.
    @discardableResult
    static func makeDirectory(_ path: String) throws(SessionError) -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw .io(path: path, message: lastError())
    }

    /// Creates a directory and its missing parents.
    static func makeDirectories(_ path: String) throws(SessionError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if isDirectory(prefix) { continue }
            try makeDirectory(prefix)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The size in bytes of a regular file, nil when there is none at path.
    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// The directory and the last component of path.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// The highest `NNNN` prefix among the names in directory (`0007-click.png` → 7), 0 when there is none.
    static func highestNumber(in directory: String) throws(SessionError) -> Int {
        try entries(in: directory).compactMap { Int($0.prefix { $0.isASCII && $0.isNumber }) }.max() ?? 0
    }

    /// The names in directory, without `.` and `..`.
    static func entries(in directory: String) throws(SessionError) -> [String] {
        guard let dir = opendir(directory) else { throw .io(path: directory, message: lastError()) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The absolute path of an existing file with every symbolic link resolved (realpath(3)).
    static func absolutePath(_ path: String) throws(SessionError) -> String {
        guard let resolved = realpath(path, nil) else { throw .io(path: path, message: lastError()) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The path of target relative to the directory base, both absolute (`/a/out`, `/a/s1` → `../s1`).
    static func relativePath(from base: String, to target: String) -> String {
        let from = base.split(separator: "/")
        let to = target.split(separator: "/")
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// close(2), for types that have a `close` method of their own.
    static func closeDescriptor(_ fd: Int32) {
        // Linux releases the descriptor even when close fails with EINTR: never retry (close(2)).
        _ = close(fd)
    }

    static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
