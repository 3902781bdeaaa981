import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The MIT-MAGIC-COOKIE-1 credentials of this process's private X servers.
///
/// One random cookie per process. Each server reads it from a wildcard entry in its `-auth` file.
/// Clients find it through XAUTHORITY, which points at this process's file: one specific entry per
/// private display (this host, that display number) first, then a copy of the user's own entries.
/// Xlib takes the first entry that matches, so neither the user's displays nor an outer foredesk's
/// entries get in the way.
final class XAuthority: Sendable {
    let directory: String
    let serverFile: String
    let clientFile: String
    private let cookie: [UInt8]
    private let inherited: [UInt8]
    /// Display numbers with an entry in the client file.
    private let displays = Mutex<[Int]>([])

    /// Created on first use; the files are removed when the process exits.
    static let shared: Result<XAuthority, DesktopError> = Result { () throws(DesktopError) -> XAuthority in
        try XAuthority()
    }

    private init() throws(DesktopError) {
        Self.removeAbandoned()
        var template = Array("/tmp/foredesk-auth-\(getpid())-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw .server("cannot create a directory for the X authority file: \(String(cString: strerror(errno)))")
        }
        directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        serverFile = directory + "/server"
        clientFile = directory + "/client"
        var cookie = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in cookie.indices { cookie[i] = generator.next() }
        self.cookie = cookie
        let userFile = getenv("XAUTHORITY").map { String(cString: $0) } ?? getenv("HOME").map { String(cString: $0) + "/.Xauthority" }
        inherited = userFile.map(Self.read) ?? []
        let everyDisplay = XAuthorityEntry(family: .wild, address: [], number: "", cookie: cookie)
        try XAuthorityEntry.write([everyDisplay], to: serverFile)
        try XAuthorityEntry.write([], followedBy: inherited, to: clientFile)
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

    /// Adds the entry clients need for display number (FamilyLocal, this host), ahead of the rest.
    func register(display number: Int) throws(DesktopError) {
        try displays.withLock { (displays: inout [Int]) throws(DesktopError) in
            displays.append(number)
            let entries = displays.map { XAuthorityEntry.local(display: $0, cookie: cookie) }
            try XAuthorityEntry.write(entries, followedBy: inherited, to: clientFile)
        }
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

    /// Removes the folders of foredesk processes that are gone (a crash skips the exit handler);
    /// the folder name carries the pid: `/tmp/foredesk-auth-<pid>-XXXXXX`.
    private static func removeAbandoned() {
        guard let tmp = opendir("/tmp") else { return }
        defer { closedir(tmp) }
        while let entry = readdir(tmp) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix("foredesk-auth-") else { continue }
            let parts = name.dropFirst("foredesk-auth-".count).split(separator: "-")
            guard parts.count == 2, let pid = Int32(parts[0]), kill(pid, 0) != 0 && errno == ESRCH else { continue }
            let folder = "/tmp/" + name
            guard let dir = opendir(folder) else { continue }
            while let file = readdir(dir) {
                let fileName = withUnsafeBytes(of: file.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if fileName != "." && fileName != ".." { unlink(folder + "/" + fileName) }
            }
            closedir(dir)
            rmdir(folder)
        }
    }
}
