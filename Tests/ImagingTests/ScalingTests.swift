import Imaging
import Testing

/// Scaling a frame down and mapping points back: a point read off the scaled image must land on a
/// full-size pixel that the scaled pixel covers.
struct ScalingTests {
    @Test func halfScaleAveragesEachTwoByTwoBlock() {
        var frame = Frame(width: 4, height: 2, color: Color(red: 0, green: 0, blue: 0))
        frame[0, 0] = Color(red: 200, green: 100, blue: 40)
        frame[1, 1] = Color(red: 200, green: 100, blue: 40)
        frame[2, 0] = Color(red: 255, green: 255, blue: 255)
        let half = frame.scaled(by: 0.5)
        #expect(half.size == Size(width: 2, height: 1))
        #expect(half[0, 0] == Color(red: 100, green: 50, blue: 20))
        #expect(half[1, 0] == Color(red: 63, green: 63, blue: 63))
        #expect(frame.scaled(by: 1) == frame)
    }

    @Test(arguments: [0.5, 0.37, 0.8, 0.25, 1.0])
    func everyScaledPixelMapsBackIntoItself(scale: Double) {
        let mapping = ScaleMapping(scale: scale)
        let full = Size(width: 1920, height: 1080)
        let scaled = mapping.scaledSize(of: full)
        for v in 0..<scaled.width {
            let back = mapping.full(v, limit: full.width)
            #expect(mapping.scaled(back) == v, "scale \(scale): \(v) -> \(back) -> \(mapping.scaled(back))")
        }
        #expect(mapping.full(Point(x: scaled.width + 50, y: -3), on: full) == Point(x: full.width - 1, y: 0), "clamped")
    }

    @Test func aScaledRegionCoversTheFullSizePixelsOfItsScaledPixels() {
        let mapping = ScaleMapping(scale: 0.5)
        #expect(mapping.full(Rect(x: 10, y: 20, width: 30, height: 40)) == Rect(x: 20, y: 40, width: 60, height: 80))
    }
}
