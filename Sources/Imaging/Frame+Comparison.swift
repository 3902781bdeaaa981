#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension Frame {
    /// How this frame differs from other over red, green and blue (alpha is ignored).
    /// - Throws: `ImagingError.sizeMismatch` when the frames differ in size, `.regionOutside` when
    ///   the region is empty or not inside the frames.
    public func difference(from other: Frame, options: CompareOptions = .init()) throws(ImagingError)
        -> FrameDifference
    {
        let area = try comparedArea(against: other, options: options)
        var count = 0
        var minX = Int.max
        var minY = Int.max
        var maxX = Int.min
        var maxY = Int.min
        forEachDifference(in: area, against: other, tolerance: options.tolerance) { x, y in
            count += 1
            minX = min(minX, x)
            maxX = max(maxX, x)
            minY = min(minY, y)
            maxY = max(maxY, y)
        }
        let box = count == 0 ? nil : Rect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
        return FrameDifference(differingPixels: count, comparedPixels: area.pixelCount, boundingBox: box)
    }

    /// A picture for a reviewer: this frame dimmed to grey, differing pixels magenta, and the parts
    /// left out of the comparison (masks, outside the region) tinted dark blue.
    /// - Throws: the same errors as `difference(from:options:)`.
    public func diffImage(against other: Frame, options: CompareOptions = .init()) throws(ImagingError) -> Frame {
        let area = try comparedArea(against: other, options: options)
        let width = self.width
        var image = Frame(width: width, height: height) { out in
            pixels.withUnsafeBytes { src in
                // A third of the brightness keeps the layout readable while magenta stays the brightest thing.
                func grey(_ i: Int) -> UInt8 {
                    let luma = 29 * Int(src[i]) + 150 * Int(src[i + 1]) + 77 * Int(src[i + 2])
                    return UInt8(truncatingIfNeeded: (luma >> 8) / 3)
                }
                for i in stride(from: 0, to: src.count, by: 4) {
                    let g = grey(i) / 2
                    out[i] = g + 64
                    out[i + 1] = g
                    out[i + 2] = g
                    out[i + 3] = 255
                }
                for band in area.bands {
                    for y in band.rows {
                        for span in band.spans {
                            for x in span {
                                let i = (y * width + x) * 4
                                let g = grey(i)
                                out[i] = g
                                out[i + 1] = g
                                out[i + 2] = g
                            }
                        }
                    }
                }
            }
        }
        forEachDifference(in: area, against: other, tolerance: options.tolerance) { x, y in
            image[x, y] = Color(red: 255, green: 0, blue: 255)
        }
        return image
    }

    /// The smallest rectangle holding every pixel whose red, green or blue differs from other; nil
    /// when none does.
    ///
    /// The exact, mask-free fast path for recording, meant to run on every captured frame: rows are
    /// compared with `memcmp` and only the columns outside the box found so far are examined.
    /// Frames of different sizes count as changed everywhere, so the result is this frame's bounds.
    public func changedBoundingBox(comparedTo other: Frame) -> Rect? {
        guard size == other.size else { return bounds }
        guard width > 0, height > 0 else { return nil }
        let width = self.width
        let height = self.height
        let rowBytes = bytesPerRow
        return pixels.withUnsafeBytes { (mine: UnsafeRawBufferPointer) -> Rect? in
            other.pixels.withUnsafeBytes { (theirs: UnsafeRawBufferPointer) -> Rect? in
                guard let a = mine.baseAddress, let b = theirs.baseAddress else { return nil }
                // Copies of one capture share storage; nothing to read.
                if a == b { return nil }

                func firstChange(row y: Int, in columns: Range<Int>) -> Int? {
                    let base = y * rowBytes
                    for x in columns {
                        let o = base + x * 4
                        if (PixelWord.load(a, o) ^ PixelWord.load(b, o)) & PixelWord.rgbMask != 0 { return x }
                    }
                    return nil
                }
                func lastChange(row y: Int, in columns: Range<Int>) -> Int? {
                    let base = y * rowBytes
                    for x in columns.reversed() {
                        let o = base + x * 4
                        if (PixelWord.load(a, o) ^ PixelWord.load(b, o)) & PixelWord.rgbMask != 0 { return x }
                    }
                    return nil
                }
                func bytesDiffer(row y: Int, in columns: Range<Int>) -> Bool {
                    let o = y * rowBytes + columns.lowerBound * 4
                    return memcmp(a + o, b + o, columns.count * 4) != 0
                }

                // An alpha-only change makes memcmp report a row that firstChange then clears.
                var top = 0
                var left = 0
                var right = 0
                while top < height {
                    if bytesDiffer(row: top, in: 0..<width), let first = firstChange(row: top, in: 0..<width) {
                        left = first
                        right = lastChange(row: top, in: first..<width) ?? first
                        break
                    }
                    top += 1
                }
                guard top < height else { return nil }

                var bottom = height - 1
                while bottom > top {
                    if bytesDiffer(row: bottom, in: 0..<width), let first = firstChange(row: bottom, in: 0..<width) {
                        left = min(left, first)
                        right = max(right, lastChange(row: bottom, in: first..<width) ?? first)
                        break
                    }
                    bottom -= 1
                }

                // Rows in between can only widen the box, so only the columns outside it are read.
                var y = top + 1
                while y < bottom, left > 0 || right < width - 1 {
                    if left > 0, bytesDiffer(row: y, in: 0..<left), let first = firstChange(row: y, in: 0..<left) {
                        left = first
                    }
                    if right < width - 1, bytesDiffer(row: y, in: (right + 1)..<width),
                        let last = lastChange(row: y, in: (right + 1)..<width)
                    {
                        right = last
                    }
                    y += 1
                }
                return Rect(x: left, y: top, width: right - left + 1, height: bottom - top + 1)
            }
        }
    }

    private func comparedArea(against other: Frame, options: CompareOptions) throws(ImagingError) -> ComparedArea {
        guard size == other.size else { throw .sizeMismatch(size, other.size) }
        let region = options.region ?? bounds
        if options.region != nil || !bounds.isEmpty {
            guard !region.isEmpty, bounds.contains(region) else { throw .regionOutside(region, size) }
        }
        return ComparedArea(region: region, masks: options.masks)
    }

    /// Calls body with x, y of every pixel in area whose colour differs from other's by more than tolerance.
    private func forEachDifference(
        in area: ComparedArea, against other: Frame, tolerance: Int, _ body: (Int, Int) -> Void
    ) {
        let width = self.width
        let tolerance = min(max(tolerance, 0), 255)
        // Equal screens are the common case; memcmp over chunks skips them without touching pixels.
        let chunk = 64
        pixels.withUnsafeBytes { mine in
            other.pixels.withUnsafeBytes { theirs in
                guard let a = mine.baseAddress, let b = theirs.baseAddress else { return }
                for band in area.bands {
                    for y in band.rows {
                        for span in band.spans {
                            var start = span.lowerBound
                            while start < span.upperBound {
                                let end = min(start + chunk, span.upperBound)
                                let offset = (y * width + start) * 4
                                if memcmp(a + offset, b + offset, (end - start) * 4) != 0 {
                                    for x in start..<end {
                                        let o = (y * width + x) * 4
                                        let p = PixelWord.load(a, o)
                                        let q = PixelWord.load(b, o)
                                        if (p ^ q) & PixelWord.rgbMask != 0,
                                            tolerance == 0 || PixelWord.distance(p, q) > tolerance
                                        {
                                            body(x, y)
                                        }
                                    }
                                }
                                start = end
                            }
                        }
                    }
                }
            }
        }
    }
}
