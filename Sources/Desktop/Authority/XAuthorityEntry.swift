#if canImport(Glibc)
    import Glibc
#endif

/// One MIT-MAGIC-COOKIE-1 record of an Xauthority file, in the format libXau reads (`Xauth`,
/// `XauWriteAuth`): family, address, display number, protocol name and cookie; big-endian, each
/// field after the family prefixed with its 16-bit length.
///
/// Xlib takes the first record whose family, address and number match the display it connects to.
struct XAuthorityEntry: Equatable, Sendable {
    /// FamilyLocal (256) for local connections, addressed by hostname; FamilyWild (0xFFFF) matches
    /// every address, and with an empty number every display.
    enum Family: UInt16 {
        case local = 256
        case wild = 0xFFFF
    }

    static let protocolName = "MIT-MAGIC-COOKIE-1"

    var family: Family
    var address: [UInt8]
    var number: String
    var cookie: [UInt8]

    /// The record for display number on this host, as `xauth add :N` writes it.
    static func local(display number: Int, cookie: [UInt8]) -> XAuthorityEntry {
        XAuthorityEntry(family: .local, address: hostName(), number: String(number), cookie: cookie)
    }

    /// The record for a display by name (":5", "unix:5.0", "host:5").
    ///
    /// Local names get a FamilyLocal record; a remote host gets a FamilyWild one with the number,
    /// since Xlib looks up TCP displays by resolved address; a name without a readable number
    /// matches every display.
    static func forDisplay(named name: String, cookie: [UInt8]) -> XAuthorityEntry {
        guard let colon = name.lastIndex(of: ":") else {
            return XAuthorityEntry(family: .wild, address: [], number: "", cookie: cookie)
        }
        let host = name[..<colon]
        let number = name[name.index(after: colon)...].prefix { $0 != "." }
        guard !number.isEmpty, number.allSatisfy({ ("0"..."9").contains($0) }) else {
            return XAuthorityEntry(family: .wild, address: [], number: "", cookie: cookie)
        }
        if host.isEmpty || host == "unix" || Array(host.utf8) == hostName() {
            return XAuthorityEntry(family: .local, address: hostName(), number: String(number), cookie: cookie)
        }
        return XAuthorityEntry(family: .wild, address: [], number: String(number), cookie: cookie)
    }

    /// The record as bytes, ready to be written to a file.
    var encoded: [UInt8] {
        func field(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes }
        return [UInt8(family.rawValue >> 8), UInt8(family.rawValue & 0xFF)] + field(address) + field(Array(number.utf8))
            + field(Array(Self.protocolName.utf8)) + field(cookie)
    }

    /// Writes entries, then raw (records copied from another file), to path with mode 0600.
    ///
    /// The bytes go to a fresh file beside path (O_EXCL: never an existing file or a symlink), which
    /// then replaces path, so a client connecting meanwhile never reads half a file and whatever was
    /// at path before cannot widen the mode. O_CLOEXEC keeps the cookie out of processes spawned
    /// meanwhile.
    static func write(_ entries: [XAuthorityEntry], followedBy raw: [UInt8] = [], to path: String)
        throws(DesktopError)
    {
        let bytes = entries.flatMap(\.encoded) + raw
        var temporary = ""
        var fd: Int32 = -1
        while fd < 0 {
            temporary = path + ".new-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                if errno == EEXIST { continue }
                throw .server("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
        // The mode passed to open is masked by the umask; the cookie needs exactly owner read/write.
        var failure: String? = fchmod(fd, 0o600) == 0 ? nil : String(cString: strerror(errno))
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while failure == nil && offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    failure = n < 0 ? String(cString: strerror(errno)) : "short write"
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw .server("cannot write \(path): \(failure)")
        }
    }

    /// This host's name, the address of FamilyLocal records (what Xlib looks up for ":N").
    static func hostName() -> [UInt8] {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        return name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    }
}
