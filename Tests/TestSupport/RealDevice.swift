internal import CX11
import Foundation

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

/// A scripted person at Xvfb's own keyboard and mouse ("Xvfb keyboard", "Xvfb mouse"): a separate X
/// client that injects with XTestFakeDeviceKeyEvent, XTestFakeDeviceButtonEvent and
/// XTestFakeDeviceMotionEvent on those XInput devices, so the server reports the input as theirs,
/// not XTEST's, as it would a real person's. Characters the keymap lacks are typed by binding a
/// spare keycode to their keysym first, as a person's layout would carry them.
public final class RealPerson {
    private let connection: OpaquePointer
    private let keyboard: UnsafeMutablePointer<XDevice>
    private let mouse: UnsafeMutablePointer<XDevice>
    private let lost: UnsafeMutablePointer<Int32>
    /// Spare keycodes this person bound, by keysym; given back in deinit.
    private var bound: [UInt: UInt32] = [:]
    /// Pause after each event, as a hand takes time.
    public var pace: Duration = .milliseconds(30)

    /// The server's own mouse device, as XInput names it on Xvfb.
    public static let mouse = "Xvfb mouse"

    /// Opens display and its real devices; nil when the server has no such devices (the caller skips).
    public init?(display: String) {
        cx11_install_error_handlers()
        let lost = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        lost.initialize(to: 0)
        guard let connection = cx11_open_display(display, lost) else {
            lost.deallocate()
            return nil
        }
        var count: Int32 = 0
        guard let list = XListInputDevices(connection, &count) else {
            XCloseDisplay(connection)
            lost.deallocate()
            return nil
        }
        defer { XFreeDeviceList(list) }
        func open(_ name: String) -> UnsafeMutablePointer<XDevice>? {
            guard let info = (0..<Int(count)).map({ list[$0] }).first(where: { String(cString: $0.name) == name }) else {
                return nil
            }
            return XOpenDevice(connection, info.id)
        }
        guard let keyboard = open(RealDevice.keyboard), let mouse = open(Self.mouse) else {
            XCloseDisplay(connection)
            lost.deallocate()
            return nil
        }
        self.lost = lost
        self.connection = connection
        self.keyboard = keyboard
        self.mouse = mouse
    }

    deinit {
        for (code, _) in bound {
            var none: [KeySym] = [0, 0]
            XChangeKeyboardMapping(connection, Int32(code), 2, &none, 1)
        }
        XCloseDevice(connection, keyboard)
        XCloseDevice(connection, mouse)
        XSync(connection, 0)
        XCloseDisplay(connection)
        lost.deallocate()
    }

    private func settle() {
        XSync(connection, 0)
        Thread.sleep(forTimeInterval: Double(pace.components.attoseconds) / 1e18 + Double(pace.components.seconds))
    }

    /// Moves the pointer to point (absolute screen coordinates).
    public func move(to x: Int, _ y: Int) {
        var axes: [Int32] = [Int32(x), Int32(y)]
        XTestFakeDeviceMotionEvent(connection, mouse, 0, 0, &axes, 2, 0)
        settle()
    }

    /// Presses (down) or releases a mouse button.
    public func button(_ number: UInt32, down: Bool) {
        XTestFakeDeviceButtonEvent(connection, mouse, number, down ? 1 : 0, nil, 0, 0)
        settle()
    }

    /// Moves to (x, y) and clicks button count times.
    public func click(_ x: Int, _ y: Int, button number: UInt32 = 1, count: Int = 1) {
        move(to: x, y)
        for _ in 0..<count {
            button(number, down: true)
            button(number, down: false)
        }
    }

    /// Presses the left button at from, moves there in steps, releases at to.
    public func drag(from: (Int, Int), to: (Int, Int), steps: Int = 8) {
        move(to: from.0, from.1)
        button(1, down: true)
        for i in 1...steps {
            move(to: from.0 + (to.0 - from.0) * i / steps, from.1 + (to.1 - from.1) * i / steps)
        }
        button(1, down: false)
    }

    /// Presses or releases keycode.
    public func key(_ keycode: UInt32, down: Bool) {
        XTestFakeDeviceKeyEvent(connection, keyboard, keycode, down ? 1 : 0, nil, 0, 0)
        settle()
    }

    /// The keycode for keysym name ("Control_L", "a", "Return"), binding a spare one when the keymap lacks it.
    public func keycode(for keysym: UInt) -> UInt32 {
        let existing = XKeysymToKeycode(connection, KeySym(keysym))
        if existing != 0 { return UInt32(existing) }
        if let code = bound.first(where: { $0.value == UInt32(keysym) })?.key { return UInt32(code) }
        var minCode: Int32 = 0
        var maxCode: Int32 = 0
        XDisplayKeycodes(connection, &minCode, &maxCode)
        var perKeycode: Int32 = 0
        guard let map = XGetKeyboardMapping(connection, UInt8(minCode), maxCode - minCode + 1, &perKeycode) else { return 0 }
        defer { XFree(map) }
        for code in minCode...maxCode where bound[UInt(code)] == nil {
            let row = Int(code - minCode) * Int(perKeycode)
            if (0..<Int(perKeycode)).allSatisfy({ map[row + $0] == 0 }) {
                var symbols: [KeySym] = [KeySym(keysym), KeySym(keysym)]
                XChangeKeyboardMapping(connection, code, 2, &symbols, 1)
                bound[UInt(code)] = UInt32(keysym)
                // Everyone (the app, the recorder) reads the new mapping when its MappingNotify comes.
                settle()
                return UInt32(code)
            }
        }
        return 0
    }

    /// Taps the key carrying keysym, with Shift when it sits on the shifted level.
    public func tap(keysym: UInt) {
        let code = keycode(for: keysym)
        let shifted = XkbKeycodeToKeysym(connection, UInt8(code), 0, 0) != KeySym(keysym)
            && XkbKeycodeToKeysym(connection, UInt8(code), 0, 1) == KeySym(keysym)
        let shift = keycode(for: 0xFFE1)
        if shifted { key(shift, down: true) }
        key(code, down: true)
        key(code, down: false)
        if shifted { key(shift, down: false) }
    }

    /// Types text character by character, as a person at this layout would.
    public func type(_ text: String) {
        for scalar in text.unicodeScalars {
            let value = UInt(scalar.value)
            let keysym: UInt =
                switch value {
                case 0x20...0x7E, 0xA0...0xFF: value
                default: 0x0100_0000 | value
                }
            tap(keysym: keysym)
        }
    }

    /// Holds modifiers (keysyms) while tapping keysym: `combo([0xFFE3], 0x61)` is ctrl+a.
    public func combo(_ modifiers: [UInt], _ keysym: UInt) {
        let held = modifiers.map { keycode(for: $0) }
        for code in held { key(code, down: true) }
        let code = keycode(for: keysym)
        key(code, down: true)
        key(code, down: false)
        for code in held.reversed() { key(code, down: false) }
    }

    /// The connection still works.
    public var isConnected: Bool { lost.pointee == 0 }
}
