import ArgumentParser
import Sandbox

/// `foredesk sandbox setup`: elevated mode's accounts, group and firewall.
struct SandboxSetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Install elevated mode (root): the foredesk-offline and foredesk-online accounts, the foredesk-write group and the offline firewall.",
        discussion: """
            Examples:
              sudo foredesk sandbox setup
              sudo foredesk exec --as offline --network on -- npm test
              sudo foredesk sandbox teardown

            Creates the group foredesk-write and the system users foredesk-offline and foredesk-online (no login shell, no home, each in foredesk-write), and the nftables table inet foredesk, which rejects every IPv4 and IPv6 packet foredesk-offline sends, loopback included: host services on 127.0.0.1 are out of its reach too, while X still works through its Unix socket. foredesk-online has no firewall rule. Running it again repairs what is missing and reloads the firewall. Needs groupadd, useradd and usermod (passwd), nft (nftables) and setfacl (acl): tools/setup installs them.

            `foredesk exec --as offline|online` then runs commands as those accounts; before each run it grants foredesk-write read-write POSIX ACLs (default ACLs too) on the writable roots, except below the protected paths, because a chmod silently takes such access away.
            """)

    func run() throws {
        let done: [String]
        do {
            done = try ElevatedSetup().setup()
        } catch {
            fail(error.description, code: Exit.actionFailed)
        }
        for line in done { print(line) }
        print("elevated mode is installed (foredesk sandbox status shows it; foredesk sandbox teardown removes it)")
    }
}

/// `foredesk sandbox teardown`: removes everything setup and the runs' grants left.
struct SandboxTeardownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teardown",
        abstract: "Remove elevated mode (root): the accounts, their groups, the firewall table and every ACL grant made for runs.",
        discussion: """
            Example:
              sudo foredesk sandbox teardown

            Revokes the foredesk-write ACL entries on every folder a run was granted (recorded in \(ElevatedSetup.defaultGrantsFile)), deletes the table inet foredesk, the users foredesk-offline and foredesk-online with their private groups, and the group foredesk-write. What is already gone is skipped; afterwards foredesk sandbox status shows nothing installed. A user that still runs processes cannot be removed: end them first.
            """)

    func run() throws {
        let done: [String]
        do {
            done = try ElevatedSetup().teardown()
        } catch {
            fail(error.description, code: Exit.actionFailed)
        }
        for line in done { print(line) }
        print(done.isEmpty ? "elevated mode was not installed: nothing to remove" : "elevated mode is removed")
    }
}

/// `foredesk sandbox status`: what of elevated mode is installed.
struct SandboxStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say what of elevated mode is installed: the group, the accounts, the firewall, the granted folders.",
        discussion: """
            Example:
              sudo foredesk sandbox status

            Exits 0 when elevated mode is fully installed, 1 otherwise. Only root can read the firewall; for anyone else it shows as unknown.
            """)

    func run() throws {
        let status = ElevatedSetup().status()
        let width = status.items.map(\.name.count).max() ?? 0
        for item in status.items {
            let mark =
                switch item.state {
                case .present: "ok  "
                case .missing: "MISS"
                case .unknown: "??  "
                }
            print("\(mark) \(item.name + String(repeating: " ", count: width - item.name.count))  \(item.detail)")
        }
        for root in status.grantedRoots { print("     granted \(root)") }
        print(
            status.installed
                ? "elevated mode is installed"
                : status.absent ? "elevated mode is not installed (sudo foredesk sandbox setup)" : "elevated mode is partly installed (sudo foredesk sandbox setup repairs it)")
        if !status.installed { throw ExitCode(1) }
    }
}

extension Exec {
    /// The --as identity, checked by validate().
    static func identity(_ name: String) -> Identity? { name == "caller" ? .caller : Identity(rawValue: name) }

    /// Gets elevated mode ready for a run as confinement's identity (grants the writable roots
    /// again); refuses the run with status 125, as for any other layer, when it cannot.
    static func prepareIdentity(_ confinement: Confinement) {
        do {
            try ElevatedSetup().prepare(confinement)
        } catch {
            fail(error.description, code: 125)
        }
    }
}
