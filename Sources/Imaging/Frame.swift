/// A picture of the screen or part of it: 8-bit BGRA pixels, row-major, rows `width * 4` bytes apart.
///
/// BGRA is the byte order X delivers for 24-bit TrueColor on little-endian machines, so a capture
/// needs only one copy. Captures carry alpha 255.
public struct Frame: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// The pixel bytes, `width * height * 4` of them.
    public internal(set) var pixels: [UInt8]

    /// A frame over existing BGRA bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 4, "pixel count does not match size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A frame filled with one colour.
    public init(width: Int, height: Int, color: Color = Color(red: 0, green: 0, blue: 0)) {
        precondition(width >= 0 && height >= 0, "negative frame size")
        var row = [UInt8](repeating: 0, count: width * 4)
        for x in 0..<width {
            row[x * 4] = color.blue
            row[x * 4 + 1] = color.green
            row[x * 4 + 2] = color.red
            row[x * 4 + 3] = color.alpha
        }
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 4)
        for _ in 0..<height { pixels.append(contentsOf: row) }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// A frame whose bytes are written by body, which receives a buffer of `width * height * 4` bytes.
    public init(width: Int, height: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        let pixels = try [UInt8](unsafeUninitializedCapacity: width * height * 4) { buffer, count in
            try body(UnsafeMutableRawBufferPointer(buffer))
            count = width * height * 4
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    public var size: Size { Size(width: width, height: height) }
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }
    /// Bytes from one row to the next.
    public var bytesPerRow: Int { width * 4 }

    /// The colour at x, y, which must lie inside the frame.
    public subscript(x: Int, y: Int) -> Color {
        get {
            precondition(bounds.contains(Point(x: x, y: y)), "pixel \(x),\(y) outside \(size)")
            let i = (y * width + x) * 4
            return Color(red: pixels[i + 2], green: pixels[i + 1], blue: pixels[i], alpha: pixels[i + 3])
        }
        set {
            precondition(bounds.contains(Point(x: x, y: y)), "pixel \(x),\(y) outside \(size)")
            let i = (y * width + x) * 4
            pixels[i] = newValue.blue
            pixels[i + 1] = newValue.green
            pixels[i + 2] = newValue.red
            pixels[i + 3] = newValue.alpha
        }
    }

    /// The part of the frame inside rect.
    /// - Throws: `ImagingError.regionOutside` when rect is empty or not wholly inside the frame.
    public func cropped(to rect: Rect) throws(ImagingError) -> Frame {
        guard !rect.isEmpty, bounds.contains(rect) else { throw .regionOutside(rect, size) }
        if rect == bounds { return self }
        return pixels.withUnsafeBytes { src in
            Frame(width: rect.width, height: rect.height) { dst in
                let rowBytes = rect.width * 4
                for row in 0..<rect.height {
                    let from = ((rect.y + row) * width + rect.x) * 4
                    dst.baseAddress!.advanced(by: row * rowBytes)
                        .copyMemory(from: src.baseAddress!.advanced(by: from), byteCount: rowBytes)
                }
            }
        }
    }

    /// Fills the part of rect inside the frame with color.
    public mutating func fill(_ rect: Rect, with color: Color) {
        guard let area = rect.intersection(bounds) else { return }
        let quad = [color.blue, color.green, color.red, color.alpha]
        pixels.withUnsafeMutableBytes { dst in
            for y in area.y..<area.maxY {
                for x in area.x..<area.maxX {
                    let i = (y * width + x) * 4
                    dst[i] = quad[0]
                    dst[i + 1] = quad[1]
                    dst[i + 2] = quad[2]
                    dst[i + 3] = quad[3]
                }
            }
        }
    }

    /// Copies the part source of other (which must lie inside other) into this frame with its top-left corner at
    /// origin, clipped to the frame: how a video atlas's rectangles go back onto the screen image.
    public mutating func paste(_ other: Frame, from source: Rect, at origin: Point) {
        guard other.bounds.contains(source),
            let area = Rect(origin: origin, size: source.size).intersection(bounds)
        else { return }
        let rowBytes = area.width * 4
        let width = self.width
        other.pixels.withUnsafeBytes { src in
            pixels.withUnsafeMutableBytes { dst in
                guard let from = src.baseAddress, let to = dst.baseAddress else { return }
                for y in area.y..<area.maxY {
                    let sourceY = source.y + y - origin.y
                    let sourceX = source.x + area.x - origin.x
                    (to + (y * width + area.x) * 4).copyMemory(
                        from: from + (sourceY * other.width + sourceX) * 4, byteCount: rowBytes)
                }
            }
        }
    }

    /// Copies other into this frame with its top-left corner at origin, clipped to the frame.
    public mutating func paste(_ other: Frame, at origin: Point) {
        guard let area = Rect(origin: origin, size: other.size).intersection(bounds) else { return }
        let rowBytes = area.width * 4
        let width = self.width
        other.pixels.withUnsafeBytes { src in
            pixels.withUnsafeMutableBytes { dst in
                for y in area.y..<area.maxY {
                    let from = ((y - origin.y) * other.width + (area.x - origin.x)) * 4
                    let to = (y * width + area.x) * 4
                    dst.baseAddress!.advanced(by: to).copyMemory(from: src.baseAddress!.advanced(by: from), byteCount: rowBytes)
                }
            }
        }
    }
}
