/// What of elevated mode is installed on this machine (`foredesk sandbox status`).
public struct ElevatedStatus: Sendable, Equatable {
    /// Whether one part is there.
    public enum State: String, Sendable, Equatable {
        case present
        case missing
        /// It could not be read (the firewall without root), or it is there but wrong.
        case unknown
    }

    /// One part: the group, an account, the firewall.
    public struct Item: Sendable, Equatable {
        public var name: String
        public var state: State
        public var detail: String
    }

    public var items: [Item]
    /// Folders whose ACLs grant the write group access (recorded by each grant, revoked by teardown).
    public var grantedRoots: [String]

    /// Every part is there and right.
    public var installed: Bool { items.allSatisfy { $0.state == .present } }
    /// No part is there and no grant is recorded: what a teardown leaves.
    public var absent: Bool { items.allSatisfy { $0.state == .missing } && grantedRoots.isEmpty }

    public func item(_ name: String) -> Item? { items.first { $0.name == name } }
}
