#if canImport(Glibc)
    import Glibc
#endif

/// The MIT-MAGIC-COOKIE-1 credentials of this process's private X servers.
///
/// One random cookie per process. Each server reads it from its own `-auth` file. Clients find it
/// through XAUTHORITY, which points at a copy of the user's entries followed by one wildcard entry,
/// so the user's own displays keep matching their own (more specific, earlier) entries.
struct XAuthority: Sendable {
    let directory: String
    let serverFile: String
    let clientFile: String

    /// Created on first use; the files are removed when the process exits.
    static let shared: Result<XAuthority, DesktopError> = Result { () throws(DesktopError) -> XAuthority in
        try XAuthority()
    }

    private init() throws(DesktopError) {
        var template = Array("/tmp/foredesk-auth-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw .server("cannot create a directory for the X authority file: \(String(cString: strerror(errno)))")
        }
        directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        serverFile = directory + "/server"
        clientFile = directory + "/client"
        var cookie = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in cookie.indices { cookie[i] = generator.next() }
        let wildcard = Self.entry(cookie: cookie)
        var existing: [UInt8] = []
        let userFile = getenv("XAUTHORITY").map { String(cString: $0) } ?? getenv("HOME").map { String(cString: $0) + "/.Xauthority" }
        if let userFile { existing = Self.read(userFile) }
        try Self.write(wildcard, to: serverFile)
        try Self.write(existing + wildcard, to: clientFile)
        // Xlib reads XAUTHORITY at connect time, and children inherit it. This happens once per
        // process, before the first private display starts.
        setenv("XAUTHORITY", clientFile, 1)
        atexit {
            if case let .success(auth) = XAuthority.shared {
                unlink(auth.serverFile)
                unlink(auth.clientFile)
                rmdir(auth.directory)
            }
        }
    }

    /// An Xauthority record (family, address, display number, name, data; each length-prefixed,
    /// big-endian) with family FamilyWild, which matches every address and display number.
    private static func entry(cookie: [UInt8]) -> [UInt8] {
        func field(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes }
        return [0xFF, 0xFF] + field([]) + field([]) + field(Array("MIT-MAGIC-COOKIE-1".utf8)) + field(cookie)
    }

    private static func read(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(DesktopError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .server("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw .server("cannot write \(path): short write") }
    }
}
