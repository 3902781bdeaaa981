/// A cookie the X server generated for one display (SECURITY extension), and the Xauthority file
/// that holds it; made by `Desktop.grantUntrustedAccess(authorityFile:idleTimeout:)`.
public struct XAuthorityGrant: Sendable, Hashable, CustomStringConvertible {
    /// The Xauthority file (mode 0600) with one entry for the display: give it to a client as XAUTHORITY.
    public let file: String
    /// The display the cookie opens (":5"), as the granting `Desktop` named it.
    public let display: String
    /// How long the cookie outlives its last client (whole seconds); nil when it lasts until revoked.
    public let idleTimeout: Duration?
    /// The server's id for the authorization, which revoking names.
    let authorizationID: UInt

    /// What the grant is, for logs: display, file, id and lifetime.
    public var description: String {
        let lifetime = idleTimeout.map { "expires \($0.formattedSeconds) after its last client disconnects" }
        return "untrusted X cookie \(authorizationID) for \(display) in \(file) (\(lifetime ?? "valid until revoked"))"
    }
}
