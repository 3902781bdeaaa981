/// What went wrong in the Imaging layer; each message says what happened.
public enum ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A region lies (partly) outside the frame it was applied to.
    case regionOutside(Rect, Size)
    /// Bytes that are not a decodable PNG; the message is libpng's.
    case invalidPNG(path: String?, message: String)
    /// Encoding failed (out of memory, empty image).
    case encodeFailed(String)
    /// A file could not be read or written.
    case io(path: String, message: String)
    /// Two frames that must have the same size do not.
    case sizeMismatch(Size, Size)

    public var description: String {
        switch self {
        case let .regionOutside(rect, size):
            "region \(rect.x),\(rect.y),\(rect.width),\(rect.height) is not inside the \(size.width)x\(size.height) image"
        case let .invalidPNG(path?, message): "\(path): not a valid PNG: \(message)"
        case let .invalidPNG(nil, message): "not a valid PNG: \(message)"
        case let .encodeFailed(message): "PNG encoding failed: \(message)"
        case let .io(path, message): "\(path): \(message)"
        case let .sizeMismatch(a, b): "image sizes differ: \(a) and \(b)"
        }
    }
}
