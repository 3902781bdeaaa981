#if canImport(Glibc)
    import Glibc
#endif

/// Elevated mode: what root installs once so that confined commands can run as accounts of
/// their own, the Linux counterpart of the Windows design's sandbox users and per-account firewall.
///
/// - Group `foredesk-write`: POSIX ACLs (default ACLs too, so that new files inherit them) on the
///   writable roots grant it read-write access; they are re-applied before each run because any
///   chmod recomputes the ACL mask and silently takes the access away (research D4). ACLs are never
///   the only guard: the helper's mount view and Landlock hold the same line.
/// - Accounts `foredesk-offline` and `foredesk-online`: system users with no login shell and no
///   home, each with a private primary group and in `foredesk-write`.
/// - Firewall: table `inet foredesk` rejects every IPv4 and IPv6 packet that foredesk-offline's
///   sockets send, loopback included (host loopback services — databases, dev servers, the
///   supervision server — are exactly what an offline command must not reach; X still works
///   through its Unix socket). The reject says "administratively prohibited", so a refused
///   connection is told apart from a closed port: TCP over IPv4 fails with EHOSTUNREACH, over IPv6
///   with EACCES, and UDP sends with EPERM. Tables belong to a network namespace: with network
///   `off` the run's private loopback still works, and nothing leaves it anyway.
///   foredesk-online has no rule: its network is what the confinement says.
///
/// Teardown removes all of it, and revokes the grants recorded in `grantsFile`, so that no ACL
/// entry outlives the group (a later group could otherwise get its gid, and with it the access).
public struct ElevatedSetup: Sendable {
    public static let writeGroup = "foredesk-write"
    /// The nftables table (family inet).
    public static let firewallTable = "foredesk"
    public static let defaultGrantsFile = "/var/lib/foredesk/write-roots"

    /// Where each granted folder is recorded, one path a line, for teardown to revoke.
    public let grantsFile: String

    public init(grantsFile: String = ElevatedSetup.defaultGrantsFile) {
        self.grantsFile = grantsFile
    }

    /// The accounts, in the order they are made.
    public static let accounts: [String] = Identity.allCases.compactMap(\.account)

    // MARK: setup and teardown

    /// Creates what is missing of the group, the accounts and the firewall (idempotent: an
    /// existing group or account is kept, the firewall table replaced). Returns what was done.
    @discardableResult
    public func setup() throws(ElevatedError) -> [String] {
        try Self.requireRoot("sandbox setup")
        for tool in [SystemTool.groupadd, .useradd, .usermod, .nft, .setfacl, .getfacl] { _ = try tool.require() }
        var done: [String] = []
        if SystemAccount.groupID(Self.writeGroup) == nil {
            try SystemTool.groupadd.check(["--system", Self.writeGroup])
            done.append("created group \(Self.writeGroup)")
        }
        guard let group = SystemAccount.groupID(Self.writeGroup) else { throw .notSetUp("groupadd made no group \(Self.writeGroup)") }
        let shell = access("/usr/sbin/nologin", X_OK) == 0 ? "/usr/sbin/nologin" : "/bin/false"
        for identity in Identity.allCases {
            guard let name = identity.account else { continue }
            if let account = SystemAccount.user(name) {
                if !account.groups.contains(group) {
                    try SystemTool.usermod.check(["--append", "--groups", Self.writeGroup, name])
                    done.append("added \(name) to \(Self.writeGroup)")
                }
                continue
            }
            try SystemTool.useradd.check([
                "--system", "--user-group", "--groups", Self.writeGroup, "--no-create-home", "--home-dir", "/nonexistent",
                "--shell", shell, "--comment", "foredesk sandbox (\(identity.rawValue))", name,
            ])
            guard let made = SystemAccount.user(name) else { throw .notSetUp("useradd made no user \(name)") }
            done.append("created user \(name) (uid \(made.uid))")
        }
        guard let offline = Identity.offline.account.flatMap(SystemAccount.user) else { throw .notSetUp("no foredesk-offline") }
        try installFirewall(offlineUID: offline.uid)
        done.append("installed table inet \(Self.firewallTable): uid \(offline.uid) (foredesk-offline) reaches no network")
        return done
    }

    /// Removes the grants, the firewall table, the accounts (with their private groups) and the
    /// write group; what is already gone is skipped. Returns what was done.
    @discardableResult
    public func teardown() throws(ElevatedError) -> [String] {
        try Self.requireRoot("sandbox teardown")
        for tool in [SystemTool.userdel, .groupdel, .nft, .setfacl, .getfacl] { _ = try tool.require() }
        var done: [String] = []
        // Grants first, while the group's name still resolves for setfacl.
        for root in grantedRoots() {
            if access(root, F_OK) == 0 && SystemAccount.groupID(Self.writeGroup) != nil {
                try revokeWrite(root)
                done.append("revoked \(Self.writeGroup)'s access to \(root)")
            } else {
                forget(root)
            }
        }
        unlink(grantsFile)
        let folder = String(grantsFile[..<(grantsFile.lastIndex(of: "/") ?? grantsFile.startIndex)])
        if !folder.isEmpty { rmdir(folder) }  // only when empty: anything else there is not ours
        if try firewallListing() != nil {
            try SystemTool.nft.check(["delete", "table", "inet", Self.firewallTable])
            done.append("removed table inet \(Self.firewallTable)")
        }
        for name in Self.accounts {
            if SystemAccount.user(name) != nil {
                try SystemTool.userdel.check([name])
                done.append("removed user \(name)")
            }
            // userdel removes the private group only where USERGROUPS_ENAB says so.
            if SystemAccount.groupID(name) != nil {
                try SystemTool.groupdel.check([name])
                done.append("removed group \(name)")
            }
        }
        if SystemAccount.groupID(Self.writeGroup) != nil {
            try SystemTool.groupdel.check([Self.writeGroup])
            done.append("removed group \(Self.writeGroup)")
        }
        return done
    }

    /// What is installed. The firewall can be read only by root; for anyone else it is unknown.
    public func status() -> ElevatedStatus {
        var items: [ElevatedStatus.Item] = []
        let group = SystemAccount.groupID(Self.writeGroup)
        items.append(
            ElevatedStatus.Item(
                name: "group " + Self.writeGroup, state: group == nil ? .missing : .present,
                detail: group.map { "gid \($0)" } ?? "missing"))
        for name in Self.accounts {
            guard let account = SystemAccount.user(name) else {
                items.append(ElevatedStatus.Item(name: "user " + name, state: .missing, detail: "missing"))
                continue
            }
            let member = group.map(account.groups.contains) ?? false
            items.append(
                ElevatedStatus.Item(
                    name: "user " + name, state: member ? .present : .unknown,
                    detail: "uid \(account.uid)" + (member ? ", in \(Self.writeGroup)" : ", not in \(Self.writeGroup): run setup again")))
        }
        items.append(firewallItem())
        return ElevatedStatus(items: items, grantedRoots: grantedRoots())
    }

    // MARK: runs as another account

    /// Makes a run under confinement possible when it names another identity: root, the account
    /// in the write group, the offline account's firewall in place, and write access to the
    /// writable roots granted again (except below the protected paths). Nothing for the caller.
    public func prepare(_ confinement: Confinement) throws(ElevatedError) {
        guard let name = confinement.identity.account else { return }
        try Self.requireRoot("running a command as \(name)")
        guard let group = SystemAccount.groupID(Self.writeGroup) else { throw .notSetUp("group \(Self.writeGroup) is missing") }
        guard let account = SystemAccount.user(name) else { throw .notSetUp("user \(name) is missing") }
        guard account.groups.contains(group) else { throw .notSetUp("\(name) is not in \(Self.writeGroup)") }
        if confinement.identity == .offline {
            let firewall = firewallItem()
            guard firewall.state == .present else { throw .notSetUp("the firewall: \(firewall.detail)") }
        }
        for root in confinement.writableRoots where access(root, F_OK) == 0 {
            let protected = confinement.protectedPaths.filter { $0 == root || $0.hasPrefix(root + "/") }
            try grantWrite(root, except: protected)
        }
    }

    // MARK: ACL grants

    /// Grants the write group read-write access to root and everything below it, now and for
    /// files made later (default ACLs), except below the paths in except, which lose any such
    /// access; records root for teardown.
    /// - Throws: `unreachable` when a folder above root lets the accounts not pass.
    /// - Throws: `systemFolder` for `/`, a top-level folder, or one below the system's own.
    public func grantWrite(_ root: String, except protectedPaths: [String] = []) throws(ElevatedError) {
        guard Self.grantable(root) else { throw .systemFolder(root) }
        try Self.requireRoot("granting the sandbox accounts write access")
        guard let group = SystemAccount.groupID(Self.writeGroup) else { throw .notSetUp("group \(Self.writeGroup) is missing") }
        try checkReachable(root, group: group)
        let entry = "g:\(Self.writeGroup):rwX"
        try SystemTool.setfacl.check(["-R", "-P", "-m", entry, "-m", "d:" + entry, "--", root])
        for path in protectedPaths where access(path, F_OK) == 0 {
            try removeEntries(path)
        }
        try remember(root)
    }

    /// Folders below which a grant could reach the system itself (or other users' temporary files).
    static let systemFolders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr"]

    /// Whether a recursive grant on root is confined to a folder of its own: an absolute path at
    /// least two levels deep, outside the system folders.
    static func grantable(_ root: String) -> Bool {
        let components = root.split(separator: "/")
        guard root.hasPrefix("/"), components.count >= 2, !components.contains(where: { $0 == "." || $0 == ".." }) else { return false }
        return !systemFolders.contains { root.hasPrefix($0 + "/") }
    }

    /// Takes the write group's ACL entries off root and everything below it, and forgets root.
    public func revokeWrite(_ root: String) throws(ElevatedError) {
        guard Self.grantable(root) else { throw .systemFolder(root) }
        try Self.requireRoot("revoking the sandbox accounts' write access")
        if access(root, F_OK) == 0 { try removeEntries(root) }
        forget(root)
    }

    /// The folders recorded as granted.
    public func grantedRoots() -> [String] {
        var seen = Set<String>()
        return TextFile.read(grantsFile).split(separator: "\n").map(String.init).filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    // MARK: the firewall

    /// The nftables script that setup loads (one transaction: an older table is replaced).
    public static func firewallRules(offlineUID: UInt32) -> String {
        """
        # foredesk elevated mode (foredesk sandbox setup): foredesk-offline reaches no network,
        # loopback included. Removed by foredesk sandbox teardown.
        table inet \(firewallTable) {}
        delete table inet \(firewallTable)
        table inet \(firewallTable) {
            chain output {
                type filter hook output priority filter; policy accept;
                meta skuid \(offlineUID) counter reject with icmpx admin-prohibited comment "foredesk-offline: no network"
            }
        }

        """
    }

    private func installFirewall(offlineUID: UInt32) throws(ElevatedError) {
        var template = Array("/tmp/foredesk-firewall-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw .toolFailed(command: "nft", status: -1, output: "cannot create a temporary file") }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let rules = Array(Self.firewallRules(offlineUID: offlineUID).utf8)
        let written = rules.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == rules.count else { throw .toolFailed(command: "nft", status: -1, output: "cannot write \(path)") }
        try SystemTool.nft.check(["-f", path])
    }

    /// `nft list table inet foredesk`, or nil when there is no such table.
    private func firewallListing() throws(ElevatedError) -> String? {
        let (status, output) = try SystemTool.nft.run(["list", "table", "inet", Self.firewallTable])
        if status == 0 { return output }
        if output.contains("No such file or directory") { return nil }
        throw .toolFailed(command: "nft list table inet \(Self.firewallTable)", status: status, output: output)
    }

    private func firewallItem() -> ElevatedStatus.Item {
        let name = "firewall"
        guard SystemTool.nft.path != nil else { return .init(name: name, state: .missing, detail: "nft is not installed (nftables)") }
        guard geteuid() == 0 else { return .init(name: name, state: .unknown, detail: "only root can read the firewall") }
        let listing: String?
        do {
            listing = try firewallListing()
        } catch {
            return .init(name: name, state: .unknown, detail: error.description)
        }
        guard let listing else { return .init(name: name, state: .missing, detail: "no table inet \(Self.firewallTable)") }
        let rule = Self.rejectedUID(in: listing)
        guard let offline = Identity.offline.account.flatMap(SystemAccount.user), let rule, rule.uid == offline.uid else {
            return .init(
                name: name, state: .unknown,
                detail: "table inet \(Self.firewallTable) does not reject foredesk-offline's uid (\(rule.map { "it rejects uid \($0.uid)" } ?? "no rule")): run setup again")
        }
        return .init(
            name: name, state: .present,
            detail: "table inet \(Self.firewallTable) rejects every packet of uid \(offline.uid) (foredesk-offline), loopback included; \(rule.packets) rejected so far")
    }

    /// The uid of the `meta skuid N counter packets P … reject` rule in an nft listing.
    static func rejectedUID(in listing: String) -> (uid: UInt32, packets: Int)? {
        for line in listing.split(separator: "\n") where line.contains("reject") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let at = words.firstIndex(of: "skuid"), at + 1 < words.count, let uid = UInt32(words[at + 1]) else { continue }
            let packets = words.firstIndex(of: "packets").flatMap { $0 + 1 < words.count ? Int(words[$0 + 1]) : nil } ?? 0
            return (uid, packets)
        }
        return nil
    }

    // MARK: helpers

    static func requireRoot(_ action: String) throws(ElevatedError) {
        guard geteuid() == 0 else { throw .notRoot(action: action) }
    }

    /// Every folder above root must let the write group's members search it (others' x, the
    /// group's own x, or an ACL entry for the group): an ACL on root cannot help otherwise.
    private func checkReachable(_ root: String, group: UInt32) throws(ElevatedError) {
        var folder = root
        while let slash = folder.lastIndex(of: "/"), folder != "/" {
            folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
            var info = stat()
            guard stat(folder, &info) == 0 else { continue }
            if info.st_mode & S_IXOTH != 0 || (info.st_gid == group && info.st_mode & S_IXGRP != 0) { continue }
            let acl = (try? SystemTool.getfacl.check(["-p", "--omit-header", "--", folder])) ?? ""
            if acl.split(separator: "\n").contains(where: { $0.hasPrefix("group:\(Self.writeGroup):") && $0.contains("x") }) { continue }
            throw .unreachable(root: root, folder: folder)
        }
    }

    /// Removes the group's entries below path, then clears the ACLs that are left with no named
    /// entry at all (a mask and an empty default ACL: the latter would still make new files
    /// ignore the umask), so that the folders are as before the grant.
    private func removeEntries(_ path: String) throws(ElevatedError) {
        try SystemTool.setfacl.check(["-R", "-P", "-x", "g:" + Self.writeGroup, "-x", "d:g:" + Self.writeGroup, "--", path])
        let listing = try SystemTool.getfacl.check(["-R", "-P", "-p", "--skip-base", "--", path])
        let bare = Self.pathsWithoutNamedEntries(listing)
        var start = 0
        while start < bare.count {
            let chunk = Array(bare[start..<min(start + 200, bare.count)])
            try SystemTool.setfacl.check(["-P", "-b", "--"] + chunk)
            start += chunk.count
        }
    }

    /// The files of a `getfacl -p` listing whose ACL names no user or group (unescaping
    /// getfacl's octal escapes in the names).
    static func pathsWithoutNamedEntries(_ listing: String) -> [String] {
        var paths: [String] = []
        var current: String?
        var named = false
        for line in listing.split(separator: "\n") {
            if line.hasPrefix("# file: ") {
                if let current, !named { paths.append(current) }
                current = unescape(String(line.dropFirst("# file: ".count)))
                named = false
                continue
            }
            if line.hasPrefix("#") { continue }
            let entry = line.hasPrefix("default:") ? line.dropFirst("default:".count) : line[...]
            let fields = entry.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count >= 3 && (fields[0] == "user" || fields[0] == "group") && !fields[1].isEmpty { named = true }
        }
        if let current, !named { paths.append(current) }
        return paths
    }

    /// getfacl writes a backslash as `\\` and other special bytes as `\ooo` (octal).
    static func unescape(_ name: String) -> String {
        let source = Array(name.utf8)
        let backslash = UInt8(ascii: "\\")
        func octal(_ byte: UInt8) -> UInt16? { (48...55).contains(byte) ? UInt16(byte - 48) : nil }
        var bytes: [UInt8] = []
        var i = 0
        while i < source.count {
            if source[i] == backslash, i + 1 < source.count, source[i + 1] == backslash {
                bytes.append(backslash)
                i += 2
            } else if source[i] == backslash, i + 3 < source.count, let a = octal(source[i + 1]), let b = octal(source[i + 2]),
                let c = octal(source[i + 3]), a < 4
            {
                bytes.append(UInt8(a << 6 | b << 3 | c))
                i += 4
            } else {
                bytes.append(source[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func remember(_ root: String) throws(ElevatedError) {
        if grantedRoots().contains(root) { return }
        guard !root.contains("\n") else {
            throw .toolFailed(command: "grant", status: -1, output: "a folder name with a line break cannot be recorded: \(root.debugDescription)")
        }
        let folder = String(grantsFile[..<(grantsFile.lastIndex(of: "/") ?? grantsFile.startIndex)])
        if !folder.isEmpty { mkdir(folder, 0o755) }
        let fd = open(grantsFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .toolFailed(command: "record the grant in \(grantsFile)", status: -1, output: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // One short append: concurrent grants never interleave within a line.
        let line = Array((root + "\n").utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private func forget(_ root: String) {
        let kept = grantedRoots().filter { $0 != root }
        if kept.isEmpty {
            unlink(grantsFile)
            return
        }
        let temporary = grantsFile + ".\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let text = Array(kept.map { $0 + "\n" }.joined().utf8)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        rename(temporary, grantsFile)
    }
}
