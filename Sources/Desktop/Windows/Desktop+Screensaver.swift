internal import CX11

extension Desktop {
    /// Whether the screen saver is on (DESIGN rule 3), from the MIT-SCREEN-SAVER extension; nil when
    /// the server lacks it. The corresponding X call is `XScreenSaverQueryInfo`.
    public func screensaverActive() throws(DesktopError) -> Bool? {
        try withConnection { (connection) throws(DesktopError) -> Bool? in
            let state = try connection.trapped("XScreenSaverQueryInfo") { cx11_screensaver_active(connection.handle) }
            return state < 0 ? nil : state == 1
        }
    }

    /// Turns the screen saver on or off now, as `xset s activate` / `reset` do (for tests).
    func forceScreensaver(_ on: Bool) throws(DesktopError) {
        try withConnection { (connection) throws(DesktopError) in
            try connection.trapped("XForceScreenSaver") {
                _ = XForceScreenSaver(connection.handle, on ? ScreenSaverActive : ScreenSaverReset)
            }
        }
    }
}
