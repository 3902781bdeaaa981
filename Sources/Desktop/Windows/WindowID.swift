/// An X window id; printed in hex as xwininfo and xdotool do.
public struct WindowID: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt

    /// The window with the given X id.
    public init(rawValue: UInt) {
        self.rawValue = rawValue
    }

    /// Parses decimal ("4194313") or hex ("0x400009") ids; nil when malformed or zero.
    public init?(parsing text: String) {
        let value: UInt? =
            if text.hasPrefix("0x") || text.hasPrefix("0X") { UInt(text.dropFirst(2), radix: 16) } else { UInt(text) }
        guard let value, value != 0 else { return nil }
        self.rawValue = value
    }

    public var description: String { "0x" + String(rawValue, radix: 16) }

    public static func < (a: WindowID, b: WindowID) -> Bool { a.rawValue < b.rawValue }
}
