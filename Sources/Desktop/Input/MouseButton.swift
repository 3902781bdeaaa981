/// A pointer button.
public enum MouseButton: String, Sendable, CaseIterable {
    case left, middle, right

    /// The X button number.
    var number: UInt32 {
        switch self {
        case .left: 1
        case .middle: 2
        case .right: 3
        }
    }
}
