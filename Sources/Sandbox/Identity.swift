/// Whom a confined command runs as.
///
/// The caller's own identity needs nothing set up. The two accounts are elevated mode's (root,
/// once: `foredesk sandbox setup`), the Linux counterpart of the Windows design's dedicated
/// offline and online sandbox users: a uid of their own, so that nothing the caller owns is
/// writable unless granted (the `foredesk-write` group's ACLs on the writable roots), and, for
/// the offline account, a firewall rule keyed on its uid.
public enum Identity: String, Sendable, CaseIterable {
    /// The user who runs foredesk (root stays root, without capabilities); spelled `self` in
    /// policies, as the design names it.
    case caller = "self"
    /// `foredesk-offline`: the firewall rejects every IP packet it sends, loopback included, even
    /// when the run shares the host's network.
    case offline
    /// `foredesk-online`: no firewall rule; its network is what the confinement says.
    case online

    /// The system account, or nil for the caller.
    public var account: String? {
        switch self {
        case .caller: nil
        case .offline: "foredesk-offline"
        case .online: "foredesk-online"
        }
    }
}
