internal import CX11

extension Desktop {
    /// The title every banner window carries, so other clients (and tests) can find it.
    public static let bannerTitle = "foredesk banner"

    /// Shows a red, always-on-top banner with text at the top-right corner of the screen (DESIGN rule 6).
    ///
    /// The banner is override-redirect (never managed, never focused) and lets pointer input through to
    /// whatever lies below it. It lasts until `removeBanner(_:)` or until this desktop disconnects.
    public func showBanner(_ text: String) throws(DesktopError) -> WindowID {
        try withConnection { (connection) throws(DesktopError) -> WindowID in
            let id = try connection.trapped("banner") { cx11_banner_create(connection.handle, text) }
            guard id != 0 else { throw .protocolError(request: "CreateWindow", message: "the banner was not created") }
            return WindowID(rawValue: id)
        }
    }

    /// Raises the banner above windows mapped since it was shown.
    public func raiseBanner(_ banner: WindowID) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            try connection.trapped("XRaiseWindow", window: banner) { _ = XRaiseWindow(connection.handle, banner.rawValue) }
        }
    }

    /// Removes a banner made by `showBanner(_:)`.
    public func removeBanner(_ banner: WindowID) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            try connection.trapped("XDestroyWindow", window: banner) { _ = XDestroyWindow(connection.handle, banner.rawValue) }
        }
    }
}
