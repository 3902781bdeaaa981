import Imaging
import TestSupport
import Testing

@Suite("Frame comparison")
struct FrameComparisonTests {
    let base = Fixtures.noisyFrame(width: 160, height: 120, seed: 40)

    @Test("Identical frames do not differ")
    func identical() throws {
        // A copy with its own storage, so the shared-storage shortcut does not answer.
        let copy = Frame(width: base.width, height: base.height, pixels: base.pixels.map { $0 })
        let difference = try base.difference(from: copy)
        #expect(difference == FrameDifference(differingPixels: 0, comparedPixels: 160 * 120, boundingBox: nil))
        #expect(difference.matches)
        #expect(difference.ratio == 0)
        #expect(base.changedBoundingBox(comparedTo: copy) == nil)
        #expect(base.changedBoundingBox(comparedTo: base) == nil)
    }

    @Test("One changed pixel is counted once and boxed exactly", arguments: [(0, 0), (159, 119), (100, 7), (3, 118)])
    func oneChangedPixel(x: Int, y: Int) throws {
        var changed = base
        var color = changed[x, y]
        color.green &+= 1
        changed[x, y] = color
        let difference = try changed.difference(from: base)
        #expect(difference.differingPixels == 1)
        #expect(difference.boundingBox == Rect(x: x, y: y, width: 1, height: 1))
        #expect(!difference.matches)
        #expect(difference.ratio == 1.0 / Double(160 * 120))
        #expect(changed.changedBoundingBox(comparedTo: base) == Rect(x: x, y: y, width: 1, height: 1))
    }

    @Test("Rows between the first and last changed rows widen the box on either side")
    func boxWidenedByMiddleRows() throws {
        var changed = base
        for (x, y) in [(50, 10), (5, 20), (150, 29), (60, 30)] {
            changed[x, y] = Color(rgb: changed[x, y] == Color(rgb: 0) ? 0xFFFFFF : 0)
        }
        let box = Rect(x: 5, y: 10, width: 146, height: 21)
        #expect(changed.changedBoundingBox(comparedTo: base) == box)
        #expect(try changed.difference(from: base).boundingBox == box)
    }

    @Test("A tolerance absorbs differences up to and including itself")
    func tolerance() throws {
        var changed = base
        let point = (x: 40, y: 50)
        var color = changed[point.x, point.y]
        color.red = color.red > 128 ? color.red - 7 : color.red + 7
        changed[point.x, point.y] = color
        changed.fill(Rect(x: 90, y: 10, width: 3, height: 2), with: Color(red: 1, green: 2, blue: 3))
        let withinSix = try changed.difference(from: base, options: CompareOptions(tolerance: 6))
        #expect(withinSix.differingPixels == 1 + 6)
        #expect(withinSix == Fixtures.referenceDifference(changed, base, tolerance: 6))
        let withinSeven = try changed.difference(from: base, options: CompareOptions(tolerance: 7))
        #expect(withinSeven.differingPixels == 6, "the 7-step pixel at 40,50 is absorbed")
        #expect(withinSeven.boundingBox == Rect(x: 90, y: 10, width: 3, height: 2))
        #expect(try changed.difference(from: base, options: CompareOptions(tolerance: 255)).matches)
    }

    @Test("Alpha is not compared")
    func alphaIgnored() throws {
        var changed = base
        for y in 20..<60 {
            for x in 10..<40 { changed[x, y].alpha = 0 }
        }
        #expect(changed.pixels != base.pixels)
        #expect(try changed.difference(from: base).matches)
        #expect(changed.changedBoundingBox(comparedTo: base) == nil)
    }

    @Test("Masks leave pixels out of the comparison and the count")
    func masks() throws {
        var changed = base
        changed.fill(Rect(x: 20, y: 30, width: 10, height: 10), with: Color(rgb: 0xFF00FF))
        changed.fill(Rect(x: 150, y: 110, width: 10, height: 10), with: Color(rgb: 0x00FF00))
        let masks = [
            Rect(x: 15, y: 25, width: 20, height: 20),
            Rect(x: 25, y: 35, width: 20, height: 20),  // overlaps the first: counted once
            Rect(x: 145, y: 105, width: 40, height: 40),  // sticks out of the frame: clipped
        ]
        let difference = try changed.difference(from: base, options: CompareOptions(masks: masks))
        #expect(difference.matches)
        #expect(difference.comparedPixels == 160 * 120 - (400 + 400 - 100) - 15 * 15)
        #expect(difference == Fixtures.referenceDifference(changed, base, tolerance: 0, masks: masks))

        let partial = try changed.difference(from: base, options: CompareOptions(masks: [masks[0]]))
        #expect(partial.boundingBox == Rect(x: 150, y: 110, width: 10, height: 10))
    }

    @Test("A region restricts the comparison to itself")
    func region() throws {
        var changed = base
        changed.fill(Rect(x: 5, y: 5, width: 4, height: 4), with: Color(rgb: 0x123456))
        changed.fill(Rect(x: 100, y: 60, width: 2, height: 3), with: Color(rgb: 0x654321))
        let region = Rect(x: 50, y: 50, width: 100, height: 50)
        let difference = try changed.difference(from: base, options: CompareOptions(region: region))
        #expect(difference.comparedPixels == 100 * 50)
        #expect(difference.boundingBox == Rect(x: 100, y: 60, width: 2, height: 3))
        #expect(
            difference.differingPixels == Fixtures.referenceDifference(changed, base, tolerance: 0).differingPixels - 16
        )
    }

    @Test("Frames of different sizes cannot be compared")
    func sizeMismatch() {
        let other = Fixtures.noisyFrame(width: 160, height: 121, seed: 40)
        #expect(throws: ImagingError.sizeMismatch(Size(width: 160, height: 120), Size(width: 160, height: 121))) {
            try base.difference(from: other)
        }
        #expect(throws: ImagingError.sizeMismatch(Size(width: 160, height: 120), Size(width: 160, height: 121))) {
            try base.diffImage(against: other)
        }
        #expect(base.changedBoundingBox(comparedTo: other) == base.bounds)
    }

    @Test(
        "A region must be non-empty and inside the frames",
        arguments: [
            Rect(x: -1, y: 0, width: 10, height: 10), Rect(x: 150, y: 0, width: 11, height: 10),
            Rect(x: 0, y: 0, width: 0, height: 10), Rect(x: 0, y: 115, width: 10, height: 6),
        ])
    func regionOutside(region: Rect) {
        #expect(throws: ImagingError.regionOutside(region, base.size)) {
            try base.difference(from: base, options: CompareOptions(region: region))
        }
    }

    @Test("The diff image shows differences in magenta, compared pixels in grey, ignored ones tinted blue")
    func diffImage() throws {
        var changed = base
        changed.fill(Rect(x: 10, y: 10, width: 5, height: 5), with: Color(rgb: 0x00FF00))
        changed.fill(Rect(x: 60, y: 60, width: 5, height: 5), with: Color(rgb: 0x00FF00))
        let mask = Rect(x: 55, y: 55, width: 20, height: 20)
        let region = Rect(x: 0, y: 0, width: 120, height: 120)
        let image = try changed.diffImage(against: base, options: CompareOptions(masks: [mask], region: region))
        let magenta = Color(red: 255, green: 0, blue: 255)
        #expect(image.size == changed.size)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = image[x, y]
                let point = Point(x: x, y: y)
                if Rect(x: 10, y: 10, width: 5, height: 5).contains(point) {
                    #expect(pixel == magenta, "at \(x),\(y)")
                } else if mask.contains(point) || !region.contains(point) {
                    #expect(pixel.blue > pixel.red && pixel.red == pixel.green, "at \(x),\(y): \(pixel)")
                } else {
                    #expect(pixel.red == pixel.green && pixel.green == pixel.blue && pixel.red <= 85, "at \(x),\(y)")
                }
                if pixel.alpha != 255 { Issue.record("alpha \(pixel.alpha) at \(x),\(y)") }
            }
        }
    }

    @Test("Fast paths agree with the pixel-by-pixel reference on random changes")
    func randomChanges() throws {
        var rng = SplitMix64(seed: 41)
        for trial in 0..<60 {
            let width = Int.random(in: 1...300, using: &rng)
            let height = Int.random(in: 1...60, using: &rng)
            let original = Fixtures.noisyFrame(width: width, height: height, seed: rng.next())
            var changed = original
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let x = Int.random(in: 0..<width, using: &rng)
                let y = Int.random(in: 0..<height, using: &rng)
                changed[x, y] = Color(rgb: UInt32(truncatingIfNeeded: rng.next()))
            }
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let x = Int.random(in: 0..<width, using: &rng)
                let y = Int.random(in: 0..<height, using: &rng)
                let rect = Rect(
                    x: x, y: y, width: Int.random(in: 1...8, using: &rng), height: Int.random(in: 1...4, using: &rng))
                let step = Int.random(in: -12...12, using: &rng)
                let channel = Int.random(in: 0...3, using: &rng)  // 3 changes alpha only
                for py in rect.y..<min(rect.maxY, height) {
                    for px in rect.x..<min(rect.maxX, width) {
                        var color = changed[px, py]
                        switch channel {
                        case 0: color.red = UInt8(clamping: Int(color.red) + step)
                        case 1: color.green = UInt8(clamping: Int(color.green) + step)
                        case 2: color.blue = UInt8(clamping: Int(color.blue) + step)
                        default: color.alpha = UInt8(clamping: Int(color.alpha) + step)
                        }
                        changed[px, py] = color
                    }
                }
            }
            let exact = Fixtures.referenceDifference(changed, original, tolerance: 0)
            #expect(changed.changedBoundingBox(comparedTo: original) == exact.boundingBox, "trial \(trial)")
            #expect(try changed.difference(from: original) == exact, "trial \(trial)")

            let masks = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                Rect(
                    x: Int.random(in: -5..<width, using: &rng), y: Int.random(in: -5..<height, using: &rng),
                    width: Int.random(in: 1...80, using: &rng), height: Int.random(in: 1...30, using: &rng))
            }
            let x = Int.random(in: 0..<width, using: &rng)
            let y = Int.random(in: 0..<height, using: &rng)
            let region = Rect(
                x: x, y: y, width: Int.random(in: 1...(width - x), using: &rng),
                height: Int.random(in: 1...(height - y), using: &rng))
            let tolerance = Int.random(in: 0...10, using: &rng)
            let options = CompareOptions(tolerance: tolerance, masks: masks, region: rng.next() % 2 == 0 ? region : nil)
            let reference = Fixtures.referenceDifference(
                changed, original, tolerance: tolerance, masks: masks, region: options.region)
            #expect(try changed.difference(from: original, options: options) == reference, "trial \(trial)")
        }
    }
}
