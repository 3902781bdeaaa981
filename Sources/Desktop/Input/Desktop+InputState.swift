internal import CX11

/// Which buttons and keys the server has down right now, whoever pressed them.
public struct PressedInput: Sendable, Equatable {
    /// Pointer buttons 1-5 that are down.
    public var buttons: [Int]
    /// Keycodes that are down.
    public var keycodes: [Int]

    /// Nothing is pressed.
    public var isEmpty: Bool { buttons.isEmpty && keycodes.isEmpty }
}

extension Desktop {
    /// The buttons and keys down on the server now, for checking that nothing was left pressed.
    /// The corresponding X calls are `XQueryPointer` (its button mask) and `XQueryKeymap`.
    public func pressedInput() throws(DesktopError) -> PressedInput {
        try withConnection { (connection) throws(DesktopError) -> PressedInput in
            try connection.trapped("XQueryKeymap") { () -> PressedInput in
                let mask = connection.queryPointer().mask
                // Button1Mask is 1 << 8, up to Button5Mask at 1 << 12.
                let buttons = (1...5).filter { mask & (UInt32(1) << UInt32(7 + $0)) != 0 }
                var keys = [CChar](repeating: 0, count: 32)
                XQueryKeymap(connection.handle, &keys)
                var keycodes: [Int] = []
                for (index, byte) in keys.enumerated() {
                    for bit in 0..<8 where UInt8(bitPattern: byte) & (1 << bit) != 0 { keycodes.append(index * 8 + bit) }
                }
                return PressedInput(buttons: buttons, keycodes: keycodes)
            }
        }
    }
}
