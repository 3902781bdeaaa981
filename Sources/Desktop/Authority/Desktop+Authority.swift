import Logging

extension Desktop {
    /// Has the X server generate an untrusted cookie for this display and writes it to a new
    /// Xauthority file at path (mode 0600), for an app that may show windows but not watch or drive
    /// the rest of the desktop.
    ///
    /// A client that connects with the file as XAUTHORITY can open and draw its own windows, but the
    /// server hides XTEST, XInput, XKB, MIT-SHM and most other extensions from it, refuses to read other
    /// clients' pixels (the root window's included) and drops the input events it sends to their
    /// windows. The cookie expires idleTimeout (rounded up to whole seconds) after its last client
    /// disconnects, or after this call if none connects; nil keeps it until `revoke(_:)` or until
    /// the server exits. The corresponding X call is `XSecurityGenerateAuthorization` with
    /// `XSecurityClientUntrusted`.
    /// - Throws: `.missingExtension("SECURITY")` when the server cannot make untrusted cookies, and
    ///   `.server` when the file cannot be written (the cookie is revoked again).
    public func grantUntrustedAccess(authorityFile path: String, idleTimeout: Duration? = .seconds(60))
        throws(DesktopError) -> XAuthorityGrant
    {
        try grantAccess(trusted: false, authorityFile: path, idleTimeout: idleTimeout)
    }

    /// Like `grantUntrustedAccess(authorityFile:idleTimeout:)`, but the cookie is trusted: a client using
    /// it has the rights of the display's normal cookie (it can see every window and use every extension),
    /// yet the grant can still be revoked on its own at the end of a run.
    public func grantTrustedAccess(authorityFile path: String, idleTimeout: Duration? = .seconds(60))
        throws(DesktopError) -> XAuthorityGrant
    {
        try grantAccess(trusted: true, authorityFile: path, idleTimeout: idleTimeout)
    }

    private func grantAccess(trusted: Bool, authorityFile path: String, idleTimeout: Duration?)
        throws(DesktopError) -> XAuthorityGrant
    {
        let seconds = Self.wholeSeconds(idleTimeout)
        return try withConnection { (connection) throws(DesktopError) -> XAuthorityGrant in
            let (id, cookie) = try connection.generateAuthorization(trusted: trusted, timeoutSeconds: seconds)
            do throws(DesktopError) {
                try XAuthorityEntry.write([.forDisplay(named: connection.name, cookie: cookie)], to: path)
            } catch {
                _ = try? connection.revokeAuthorization(id)
                throw error
            }
            let grant = XAuthorityGrant(
                file: path, display: connection.name, idleTimeout: idleTimeout.map { _ in .seconds(seconds) },
                authorizationID: id)
            Log.desktop.debug("granted \(grant)")
            return grant
        }
    }

    /// Revokes a grant this display made: the server forgets the cookie and closes every connection
    /// opened with it.
    ///
    /// Revoking a grant that expired or was revoked already does nothing. The file stays where it
    /// was, now useless. The corresponding X call is `XSecurityRevokeAuthorization`.
    public func revoke(_ grant: XAuthorityGrant) throws(DesktopError) {
        // Authorization ids are per server: another server may use the same id for another cookie.
        precondition(grant.display == displayName, "\(grant) belongs to another display than \(displayName)")
        let revoked = try withConnection { (connection) throws(DesktopError) -> Bool in
            try connection.revokeAuthorization(grant.authorizationID)
        }
        Log.desktop.debug("\(revoked ? "revoked" : "already gone:") \(grant)")
    }

    /// The SECURITY extension's timeout: 0 means "never expires", so a fraction of a second rounds
    /// up to 1 rather than down to 0.
    private static func wholeSeconds(_ timeout: Duration?) -> UInt32 {
        guard let timeout else { return 0 }
        precondition(
            timeout > .zero, "an idle timeout must be positive; pass nil for a cookie that lasts until revoked")
        let (seconds, attoseconds) = timeout.components
        return UInt32(clamping: attoseconds > 0 ? seconds + 1 : seconds)
    }
}
