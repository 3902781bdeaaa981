import Foundation
import Imaging
import TestSupport

enum Fixtures {
    /// Noise over horizontal and vertical gradients: hard to compress, with structure that the row
    /// filters (sub, up, average, paeth) each treat differently.
    static func noisyFrame(width: Int, height: Int, seed: UInt64, randomAlpha: Bool = false) -> Frame {
        var rng = SplitMix64(seed: seed)
        return Frame(width: width, height: height) { out in
            for y in 0..<height {
                for x in 0..<width {
                    let i = (y * width + x) * 4
                    let noise = Int(rng.byte() % 48)
                    out[i] = UInt8((x * 255 / max(width - 1, 1) + noise) % 256)
                    out[i + 1] = UInt8((y * 255 / max(height - 1, 1) + noise / 2) % 256)
                    out[i + 2] = rng.byte()
                    out[i + 3] = randomAlpha ? rng.byte() : 255
                }
            }
        }
    }

    /// Every pixel an independent random opaque colour: the worst case for a template search.
    static func busyFrame(width: Int, height: Int, seed: UInt64) -> Frame {
        var rng = SplitMix64(seed: seed)
        return Frame(width: width, height: height) { out in
            for i in stride(from: 0, to: out.count, by: 4) {
                out[i] = rng.byte()
                out[i + 1] = rng.byte()
                out[i + 2] = rng.byte()
                out[i + 3] = 255
            }
        }
    }

    /// The comparison written plainly, pixel by pixel with `Color.distance(to:)`, to check the fast paths.
    static func referenceDifference(
        _ a: Frame, _ b: Frame, tolerance: Int, masks: [Rect] = [], region: Rect? = nil
    ) -> FrameDifference {
        let area = region ?? a.bounds
        var count = 0
        var compared = 0
        var box: Rect?
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX {
                let point = Point(x: x, y: y)
                if masks.contains(where: { $0.contains(point) }) { continue }
                compared += 1
                if a[x, y].distance(to: b[x, y]) > tolerance {
                    count += 1
                    let pixel = Rect(x: x, y: y, width: 1, height: 1)
                    box = box.map { $0.union(pixel) } ?? pixel
                }
            }
        }
        return FrameDifference(differingPixels: count, comparedPixels: compared, boundingBox: box)
    }
}

/// Nil when the frames are equal, otherwise where they first differ: a readable failure instead
/// of two dumps of a few hundred thousand bytes.
func firstMismatch(_ actual: Frame, _ expected: Frame) -> String? {
    guard actual.size == expected.size else { return "size \(actual.size), expected \(expected.size)" }
    for y in 0..<actual.height {
        for x in 0..<actual.width where actual[x, y] != expected[x, y] {
            let a = actual[x, y]
            let e = expected[x, y]
            return "pixel \(x),\(y) is \(a) alpha \(a.alpha), expected \(e) alpha \(e.alpha)"
        }
    }
    return nil
}

/// A fresh directory under the system temporary directory, removed after body returns.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("foredesk-imaging-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}
