internal import CX11

extension X11Connection {
    /// A new MIT-MAGIC-COOKIE-1 authorization from the SECURITY extension (its id and cookie).
    ///
    /// timeoutSeconds counts from the last client's disconnect; 0 means never.
    func generateAuthorization(trusted: Bool, timeoutSeconds: UInt32) throws(DesktopError)
        -> (id: UInt, cookie: [UInt8])
    {
        guard hasExtension("SECURITY") else { throw .missingExtension("SECURITY") }
        var cookie = [UInt8](repeating: 0, count: 256)
        var id: UInt = 0
        let length = try trapped("SecurityGenerateAuthorization") { () throws(DesktopError) -> Int32 in
            cx11_security_generate(
                handle, trusted ? XSecurityClientTrusted : XSecurityClientUntrusted, timeoutSeconds, &cookie,
                Int32(cookie.count), &id)
        }
        guard length > 0 else {
            throw .protocolError(request: "SecurityGenerateAuthorization", message: "the server returned no cookie")
        }
        return (id, Array(cookie.prefix(Int(length))))
    }

    /// Revokes an authorization, which closes every connection that uses it.
    ///
    /// Returns false when the server knows no such authorization (it expired or was revoked already).
    func revokeAuthorization(_ id: UInt) throws(DesktopError) -> Bool {
        var opcode: Int32 = 0
        var eventBase: Int32 = 0
        var errorBase: Int32 = 0
        guard XQueryExtension(handle, "SECURITY", &opcode, &eventBase, &errorBase) != 0 else {
            throw .missingExtension("SECURITY")
        }
        try checkAlive()
        cx11_trap_begin()
        XSecurityRevokeAuthorization(handle, id)
        var first = cx11_error()
        let errors = cx11_trap_end(handle, &first)
        try checkAlive()
        if errors == 0 { return true }
        if first.error_code == errorBase + XSecurityBadAuthorization { return false }
        throw .protocolError(request: "SecurityRevokeAuthorization", message: errorText(Int32(first.error_code)))
    }
}
