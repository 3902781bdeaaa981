/// Scaling a frame down for a model's input, and mapping points between the two sizes.
extension Frame {
    /// The frame shrunk by scale (0 < scale ≤ 1) with a box filter: each output pixel is the mean of
    /// the source pixels whose centres it covers; the size is `floor(width × scale)` (at least 1).
    public func scaled(by scale: Double) -> Frame {
        precondition(scale > 0 && scale <= 1, "scale \(scale) outside (0, 1]")
        guard scale < 1 else { return self }
        let size = ScaleMapping(scale: scale).scaledSize(of: self.size)
        var out = Frame(width: size.width, height: size.height)
        pixels.withUnsafeBufferPointer { source in
            out.pixels.withUnsafeMutableBufferPointer { target in
                for y in 0..<size.height {
                    let top = y * height / size.height
                    let bottom = max(top + 1, (y + 1) * height / size.height)
                    for x in 0..<size.width {
                        let left = x * width / size.width
                        let right = max(left + 1, (x + 1) * width / size.width)
                        var sums = (0, 0, 0, 0)
                        for sy in top..<bottom {
                            var i = (sy * width + left) * 4
                            for _ in left..<right {
                                sums.0 += Int(source[i])
                                sums.1 += Int(source[i + 1])
                                sums.2 += Int(source[i + 2])
                                sums.3 += Int(source[i + 3])
                                i += 4
                            }
                        }
                        let count = (bottom - top) * (right - left)
                        let o = (y * size.width + x) * 4
                        target[o] = UInt8(sums.0 / count)
                        target[o + 1] = UInt8(sums.1 / count)
                        target[o + 2] = UInt8(sums.2 / count)
                        target[o + 3] = UInt8(sums.3 / count)
                    }
                }
            }
        }
        return out
    }
}

/// How points on a frame scaled by `scale` relate to the full-size frame.
///
/// A scaled pixel covers the full-size pixels `scaled(full)` maps into it; `full(_:)` gives the
/// middle one of those, so a point read off the scaled image lands inside what the model saw.
public struct ScaleMapping: Sendable, Equatable {
    public let scale: Double

    public init(scale: Double) {
        self.scale = scale
    }

    /// The scaled size of a frame of size full.
    public func scaledSize(of full: Size) -> Size {
        Size(width: max(1, Int(Double(full.width) * scale)), height: max(1, Int(Double(full.height) * scale)))
    }

    /// The full-size coordinate of a scaled one (the middle of the pixels it covers), clamped to limit.
    public func full(_ value: Int, limit: Int) -> Int {
        guard scale < 1 else { return min(max(value, 0), max(limit - 1, 0)) }
        let first = Int((Double(value) / scale).rounded(.up))
        let next = Int((Double(value + 1) / scale).rounded(.up))
        return min(max((first + next - 1) / 2, 0), max(limit - 1, 0))
    }

    /// A scaled point on a screen of size full, as a full-size point.
    public func full(_ point: Point, on full: Size) -> Point {
        Point(x: self.full(point.x, limit: full.width), y: self.full(point.y, limit: full.height))
    }

    /// The scaled coordinate of a full-size one.
    public func scaled(_ value: Int) -> Int {
        Int((Double(value) * scale).rounded(.down))
    }

    /// A scaled rectangle as the full-size rectangle it covers.
    public func full(_ rect: Rect) -> Rect {
        let x = Int((Double(rect.x) / scale).rounded(.up))
        let y = Int((Double(rect.y) / scale).rounded(.up))
        return Rect(
            x: x, y: y, width: Int((Double(rect.x + rect.width) / scale).rounded(.up)) - x,
            height: Int((Double(rect.y + rect.height) / scale).rounded(.up)) - y)
    }
}
