internal import CX11

/// Input that the X server attributes to one of its own devices rather than to XTEST, as a person at
/// a keyboard would cause: XTestFakeDeviceKeyEvent on Xvfb's "Xvfb keyboard" (an XInput 1 device
/// that Xvfb creates and nothing else drives), so tests can play someone typing at the desktop.
public enum RealDevice {
    /// The server's own keyboard device, as XInput names it on Xvfb.
    public static let keyboard = "Xvfb keyboard"

    /// Presses and releases keycode on the device named name on display; false when the server has
    /// no such device (then the caller skips, saying so).
    public static func pressKey(_ keycode: UInt32 = 38, on display: String, device name: String = keyboard) -> Bool {
        cx11_install_error_handlers()
        var lost: Int32 = 0
        guard let connection = cx11_open_display(display, &lost) else { return false }
        defer { XCloseDisplay(connection) }
        var count: Int32 = 0
        guard let list = XListInputDevices(connection, &count) else { return false }
        defer { XFreeDeviceList(list) }
        guard let info = (0..<Int(count)).map({ list[$0] }).first(where: { String(cString: $0.name) == name }),
            let device = XOpenDevice(connection, info.id)
        else { return false }
        defer { XCloseDevice(connection, device) }
        XTestFakeDeviceKeyEvent(connection, device, keycode, 1, nil, 0, 0)
        XTestFakeDeviceKeyEvent(connection, device, keycode, 0, nil, 0, 0)
        XSync(connection, 0)
        return lost == 0
    }
}
