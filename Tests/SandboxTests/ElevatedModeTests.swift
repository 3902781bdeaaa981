import Foundation
import Glibc
import Sandbox
import TestSupport
import Testing

/// Elevated mode against the real system: `foredesk sandbox setup`'s accounts, group and
/// firewall, runs as foredesk-offline, and the ACL grants.
///
/// Account names are fixed by the design, so the whole machine is shared state: every test holds
/// a machine-wide lock (other checkouts may run their tests at the same time), installs elevated
/// mode, and tears it down in a defer, so that a failing test leaves the machine as it found it.
/// A machine where elevated mode is already installed is left alone (the test is cancelled,
/// saying so). No other suite depends on elevated mode.
@Suite(
    "Elevated mode (root: accounts, firewall, ACLs)", .serialized, .timeLimit(.minutes(3)),
    .enabled(if: ElevatedMachine.missing == nil, Comment(rawValue: ElevatedMachine.missing ?? "")))
struct ElevatedModeTests {
    let offline = Identity.offline.account ?? ""
    let online = Identity.online.account ?? ""

    @Test func setupCreatesTheAccountsTheGroupAndTheFirewall() throws {
        try withElevatedMode { setup in
            let group = try #require(SystemAccount.groupID(ElevatedSetup.writeGroup), "getgrnam(foredesk-write)")
            let offlineAccount = try #require(SystemAccount.user(offline), "getpwnam(foredesk-offline)")
            let onlineAccount = try #require(SystemAccount.user(online), "getpwnam(foredesk-online)")
            for account in [offlineAccount, onlineAccount] {
                #expect(account.groups.contains(group), "\(account.name) is in foredesk-write")
                #expect(account.gid != group, "\(account.name) has a private primary group")
                #expect(account.shell == "/usr/sbin/nologin" || account.shell == "/bin/false", "no login shell")
                #expect(account.home == "/nonexistent" && access(account.home, F_OK) != 0, "no home")
                #expect(account.uid != 0 && account.uid < 1000, "a system uid")
            }
            let table = try nft("list", "table", "inet", "foredesk")
            #expect(table.status == 0, "\(table.output)")
            #expect(table.output.contains("meta skuid \(offlineAccount.uid) counter packets"), "\(table.output)")
            #expect(table.output.contains("reject with icmpx admin-prohibited"))
            #expect(!table.output.contains("skuid \(onlineAccount.uid)"), "foredesk-online has no rule")
            #expect(setup.status().installed, "\(setup.status())")

            // Idempotent: a second setup keeps the accounts and has one table with one rule.
            try setup.setup()
            #expect(SystemAccount.user(offline)?.uid == offlineAccount.uid)
            #expect(SystemAccount.groupID(ElevatedSetup.writeGroup) == group)
            let again = try nft("list", "table", "inet", "foredesk").output
            #expect(again.components(separatedBy: "meta skuid").count == 2, "\(again)")
            #expect(setup.status().installed)
        }
    }

    @Test func anOfflineRunCannotReachTheNetworkEvenWithNetworkOn() throws {
        try withElevatedMode { _ in
            let asOffline = ["--user", offline, "--network", "on"]
            let asCaller = ["--network", "on"]
            let tcp4 = try HostListener(Int32(SOCK_STREAM.rawValue), "127.0.0.1")
            let tcp6 = try HostListener(Int32(SOCK_STREAM.rawValue), "::1")
            let udp = try HostListener(Int32(SOCK_DGRAM.rawValue), "127.0.0.1")
            let rejectedBefore = try rejectedPackets()

            // The control: the same run as the caller reaches the host's services.
            #expect(try attempt(asCaller, "tcp", "127.0.0.1", "\(tcp4.port)").result == "OK")
            #expect(try attempt(asCaller, "tcp", "::1", "\(tcp6.port)").result == "OK")
            // The firewall's reject is "administratively prohibited", not a closed port's refusal:
            // ICMP host-prohibited for TCP over IPv4, ICMPv6 admin-prohibited (EACCES) over IPv6,
            // and the send itself fails for UDP.
            let blocked = try attempt(asOffline, "tcp", "127.0.0.1", "\(tcp4.port)")
            #expect(blocked.result == "EHOSTUNREACH", "\(blocked)")
            #expect(try attempt(asOffline, "tcp", "::1", "\(tcp6.port)").result == "EACCES")
            #expect(try attempt(asOffline, "udp", "127.0.0.1", "\(udp.port)").result == "EPERM")
            #expect(udp.receivedDatagram() == nil, "no datagram got through")

            // A host service on the machine's own network address, the way it is reached from the LAN.
            if let address = ownNetworkAddress() {
                let lan = try HostListener(Int32(SOCK_STREAM.rawValue), address)
                #expect(try attempt(asCaller, "tcp", address, "\(lan.port)").result == "OK", "control via \(address)")
                #expect(try attempt(asOffline, "tcp", address, "\(lan.port)").result == "EHOSTUNREACH", "via \(address)")
            } else {
                Issue.record("this machine has no non-loopback IPv4 address to try")
            }
            // Past the machine (TEST-NET-3, never answered), where a route exists at all.
            if hasDefaultRoute() {
                #expect(try attempt(asOffline, "tcp", "203.0.113.1", "9").result == "EHOSTUNREACH")
            }
            #expect(try rejectedPackets() > rejectedBefore, "the firewall rule counted the rejects")

            // With network off the run has its own namespace, where the host's table does not
            // apply: its loopback is its own, and the host's services are another machine's.
            #expect(try attempt(["--user", offline, "--network", "off"], "tcp", "127.0.0.1", "\(tcp4.port)").result == "ECONNREFUSED")
            // foredesk-online has no rule.
            #expect(try attempt(["--user", online, "--network", "on"], "tcp", "127.0.0.1", "\(tcp4.port)").result == "OK")
        }
    }

    @Test func theRunHasTheAccountsIdentityAndNoCapability() throws {
        try withElevatedMode { _ in
            for name in [offline, online] {
                let account = try #require(SystemAccount.user(name))
                let outcome = try attempt(["--user", name], "status")
                #expect(outcome.status == 0, "\(outcome)")
                #expect(outcome.stdout.contains("Uid:\t\(account.uid)\t\(account.uid)\t\(account.uid)\t\(account.uid)\n"), "\(outcome)")
                #expect(outcome.stdout.contains("CapPrm:\t0000000000000000"))
                #expect(outcome.stdout.contains("CapEff:\t0000000000000000"))
                #expect(outcome.stdout.contains("CapBnd:\t0000000000000000"))
                #expect(outcome.stdout.contains("NoNewPrivs:\t1"))
                #expect(outcome.stdout.contains("Seccomp:\t2"))
            }
            // The groups are the account's (initgroups), not root's.
            let group = try #require(SystemAccount.groupID(ElevatedSetup.writeGroup))
            let ids = try spawn([Built.confine, "--user", offline, "--", "/usr/bin/id", "-G"])
            let account = try #require(SystemAccount.user(offline))
            #expect(Set(ids.stdout.split(whereSeparator: \.isWhitespace).compactMap { UInt32($0) }) == Set([account.gid, group]), "\(ids)")
        }
    }

    @Test func workspaceWritesNeedTheACLGrant() throws {
        try withElevatedMode { setup in
            try withWorkspace { ws in
                let options = ["--user", offline] + ws.options
                let owner = try #require(SystemAccount.user(offline)).uid
                let denied = try attempt(options, "write", ws.root + "/new")
                #expect(denied.result == "EACCES", "without the grant: \(denied)")

                try setup.grantWrite(ws.root, except: [ws.git])
                let allowed = try attempt(options, "write", ws.root + "/new")
                #expect(allowed.result == "OK", "after the grant: \(allowed)")
                var info = stat()
                #expect(stat(ws.root + "/new", &info) == 0 && info.st_uid == owner, "the file is the account's")
                #expect(try attempt(options, "write", ws.root + "/file").result == "OK", "an existing file")
                #expect(try attempt(options, "write", ws.git + "/config").result == "EROFS", "the mount view still protects .git")
                #expect(try facl(ws.git).contains("foredesk-write") == false, "no grant below a protected path")
                #expect(try attempt(options, "write", ws.outside + "/new").result == "EROFS")
                #expect(setup.status().grantedRoots == [ws.root])

                // A chmod recomputes the mask and takes the access away (research D4); the grant
                // before the next run gives it back.
                chmod(ws.root, 0o755)
                #expect(try attempt(options, "write", ws.root + "/after-chmod").result == "EACCES")
                try setup.grantWrite(ws.root, except: [ws.git])
                #expect(try attempt(options, "write", ws.root + "/after-chmod").result == "OK")

                try setup.revokeWrite(ws.root)
                #expect(try attempt(options, "write", ws.root + "/after-revoke").result == "EACCES")
                #expect(namedEntries(try facl(ws.root, recursive: true)).isEmpty)
                #expect(try bareACLs(under: ws.base).isEmpty, "no mask or empty default ACL left")
                #expect(setup.status().grantedRoots.isEmpty)
            }
        }
    }

    @Test func aFolderAboveTheWorkspaceMustLetTheAccountsPass() throws {
        try withElevatedMode { setup in
            try withWorkspace { ws in
                chmod(ws.base, 0o700)
                #expect(throws: ElevatedError.unreachable(root: ws.root, folder: ws.base)) { try setup.grantWrite(ws.root) }
                chmod(ws.base, 0o755)
            }
        }
    }

    @Test func teardownLeavesNothingBehind() throws {
        try withElevatedMode { setup in
            let accounts = [offline, online].compactMap(SystemAccount.user)
            #expect(accounts.count == 2)
            try withWorkspace { ws in
                // Names that getfacl escapes, to see the revocation find them.
                let odd = ws.root + "/odd name\\with\nbreak"
                try FileManager.default.createDirectory(atPath: odd, withIntermediateDirectories: true)
                try setup.grantWrite(ws.root, except: [ws.git])
                #expect(try attempt(["--user", offline] + ws.options, "write", odd + "/made").result == "OK")

                let done = try setup.teardown()
                #expect(!done.isEmpty)
                #expect(SystemAccount.user(offline) == nil && SystemAccount.user(online) == nil, "no user")
                #expect(SystemAccount.groupID(ElevatedSetup.writeGroup) == nil, "no write group")
                for account in accounts {
                    #expect(getgrgid(account.gid) == nil, "no private group \(account.gid) of \(account.name)")
                }
                let table = try nft("list", "table", "inet", "foredesk")
                #expect(table.status != 0 && table.output.contains("No such file or directory"), "no table: \(table.output)")
                #expect(access(setup.grantsFile, F_OK) != 0, "no record of grants")
                let left = try facl(ws.root, recursive: true)
                #expect(namedEntries(left).isEmpty, "no ACL entry left: \(left)")
                #expect(try bareACLs(under: ws.root).isEmpty)
                #expect(setup.status().absent, "\(setup.status())")
                // A second teardown has nothing to do.
                #expect(try setup.teardown().isEmpty)
            }
        }
    }

    @Test func theHelperRefusesUnknownAccountsAndRoot() throws {
        let unknown = try attempt(["--user", "foredesk-no-such-account"], "status")
        #expect(unknown.status == 125)
        #expect(unknown.report == "failed step=identity errno=2 name=ENOENT\n", "\(unknown)")
        let root = try attempt(["--user", "root"], "status")
        #expect(root.status == 125)
        #expect(root.report == "failed step=identity errno=22 name=EINVAL\n", "\(root)")
        #expect(root.stdout.isEmpty, "nothing ran")
    }
}

/// The parts of elevated mode that need no root.
@Suite("Elevated mode, without root")
struct ElevatedModeValueTests {
    @Test func theIdentityBecomesTheHelpersUserOption() {
        #expect(!Confinement().helperArguments(command: ["true"], cgroups: [], reportFD: 3).contains("--user"))
        let offline = Confinement(identity: .offline).helperArguments(command: ["true"], cgroups: [], reportFD: 3)
        let at = offline.firstIndex(of: "--user")
        #expect(at.map { offline[$0 + 1] } == "foredesk-offline")
        #expect(offline.suffix(2) == ["--", "true"])
        var online = Confinement.workspace("/srv/ws")
        online.identity = .online
        #expect(online.helperArguments(command: ["true"], cgroups: [], reportFD: 3).contains("foredesk-online"))
        #expect(Identity.caller.account == nil)
    }

    @Test func theFirewallRejectsTheOfflineUidOnly() {
        let rules = ElevatedSetup.firewallRules(offlineUID: 1234)
        #expect(rules.contains("table inet foredesk {"))
        #expect(rules.contains("type filter hook output priority filter; policy accept;"))
        #expect(rules.contains("meta skuid 1234 counter reject with icmpx admin-prohibited"))
        // Replaced in one transaction: an older table goes, whatever it held.
        #expect(rules.contains("delete table inet foredesk"))
        #expect(rules.components(separatedBy: "skuid").count == 2)
    }

    @Test(arguments: ["/", "/home", "/srv", "/tmp", "/usr/lib", "/etc/foredesk", "/proc/1", "relative/ws", "/srv/../etc"])
    func grantsNeverReachTheWholeSystem(root: String) {
        #expect(throws: ElevatedError.systemFolder(root)) { try ElevatedSetup(grantsFile: "/nonexistent/grants").grantWrite(root) }
    }

    @Test func errorsSayWhatToDo() {
        #expect(ElevatedError.notRoot(action: "sandbox setup").description == "sandbox setup needs root: run it with sudo")
        #expect(
            ElevatedError.toolMissing(tool: "nft", package: "nftables").description
                == "nft is missing: install the nftables package (apt-get install nftables, or run tools/setup)")
        #expect(ElevatedError.notSetUp("user foredesk-offline is missing").description.hasSuffix("run sudo foredesk sandbox setup"))
    }
}

// MARK: support

/// Whether this machine can run the elevated tests, and if not, why.
enum ElevatedMachine {
    static let missing: String? = {
        if let unavailable = ElevatedMode.unavailable { return unavailable }
        // foredesk-offline must be able to run the probe from the build folder.
        var folder = Built.probe
        while let slash = folder.lastIndex(of: "/"), slash != folder.startIndex {
            folder = String(folder[..<slash])
            var info = stat()
            if stat(folder, &info) == 0 && info.st_mode & S_IXOTH == 0 {
                return "the build folder is not reachable by other users (\(folder) has no o+x)"
            }
        }
        return nil
    }()
}

/// Installs elevated mode for body and tears it down afterwards, under the machine-wide lock
/// (TestSupport's `ElevatedMode`); cancels the test when elevated mode was installed before.
func withElevatedMode(_ body: (ElevatedSetup) throws -> Void) throws {
    try ElevatedMode.withInstalled(body)
}

/// Runs nft with arguments; its status and output (stdout and stderr).
func nft(_ arguments: String...) throws -> (status: Int32, output: String) {
    let outcome = try spawn(["/usr/sbin/nft"] + arguments)
    return (outcome.status, outcome.stdout + outcome.stderr)
}

/// The packets the offline rule has rejected so far.
func rejectedPackets() throws -> Int {
    let listing = try nft("list", "table", "inet", "foredesk").output
    guard let range = listing.range(of: #"counter packets (\d+)"#, options: .regularExpression) else { return -1 }
    return Int(listing[range].split(separator: " ").last ?? "") ?? -1
}

/// getfacl's listing of path (every file below it when recursive).
func facl(_ path: String, recursive: Bool = false) throws -> String {
    try spawn(["/usr/bin/getfacl", "-p", "-P"] + (recursive ? ["-R"] : []) + ["--", path]).stdout
}

/// The lines of a getfacl listing that name a user or group (`group:foredesk-write:rwx`, or its
/// number once the group is gone).
func namedEntries(_ listing: String) -> [String] {
    listing.split(separator: "\n").map(String.init).filter { line in
        let fields = (line.hasPrefix("default:") ? String(line.dropFirst(8)) : line).split(separator: ":", omittingEmptySubsequences: false)
        return fields.count == 3 && (fields[0] == "user" || fields[0] == "group") && !fields[1].isEmpty
    }
}

/// Files below path whose ACL is more than the mode bits (a mask, a default ACL).
func bareACLs(under path: String) throws -> [String] {
    try spawn(["/usr/bin/getfacl", "-p", "-P", "-R", "--skip-base", "--", path]).stdout
        .split(separator: "\n").filter { $0.hasPrefix("# file: ") }.map { String($0.dropFirst(8)) }
}

/// The first IPv4 address of an interface that is up and not loopback.
func ownNetworkAddress() -> String? {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0 else { return nil }
    defer { freeifaddrs(list) }
    var cursor = list
    while let entry = cursor {
        defer { cursor = entry.pointee.ifa_next }
        let flags = Int32(entry.pointee.ifa_flags)
        guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
            flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0
        else { continue }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        var v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
        guard inet_ntop(AF_INET, &v4, &text, socklen_t(text.count)) != nil else { continue }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return nil
}

/// Whether IPv4 has a default route (so that packets for the internet get as far as the firewall).
func hasDefaultRoute() -> Bool {
    let routes = (try? String(contentsOfFile: "/proc/net/route", encoding: .utf8)) ?? ""
    return routes.split(separator: "\n").dropFirst().contains { $0.split(separator: "\t").dropFirst().first == "00000000" }
}
