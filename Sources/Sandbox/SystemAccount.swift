#if canImport(Glibc)
    import Glibc
#endif

/// A user or group in the system's account database, as NSS resolves it (getpwnam_r, getgrnam_r).
public struct SystemAccount: Sendable, Equatable {
    public var name: String
    public var uid: UInt32
    /// The primary group.
    public var gid: UInt32
    /// Every group the account is in, the primary one included (getgrouplist).
    public var groups: [UInt32]
    public var home: String
    public var shell: String

    /// The user named name, or nil when there is none.
    public static func user(_ name: String) -> SystemAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        var count: Int32 = 32
        var groups = [gid_t](repeating: 0, count: Int(count))
        while getgrouplist(name, entry.pw_gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count) + 32)
            count = Int32(groups.count)
        }
        return SystemAccount(
            name: name, uid: entry.pw_uid, gid: entry.pw_gid, groups: Array(groups.prefix(Int(count))),
            home: String(cString: entry.pw_dir), shell: String(cString: entry.pw_shell))
    }

    /// The id of the group named name, or nil when there is none.
    public static func groupID(_ name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 65536)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
