extension Frame {
    /// Every place where template appears, best first (score, then top to bottom, left to right),
    /// with overlapping matches reduced to the best of them; empty when there is none.
    ///
    /// Colours are compared over red, green and blue; template pixels with alpha 0 are "don't care"
    /// and do not count towards the score. A template larger than the searched area, or with no
    /// pixel that is not transparent, finds nothing.
    /// - Throws: `ImagingError.regionOutside` when the region is empty or not inside the frame.
    public func find(_ template: Frame, options: SearchOptions = .init()) throws(ImagingError) -> [TemplateMatch] {
        try search(template, options: options, bestOnly: false)
    }

    /// The best place where template appears, or nil; the first match `find(_:options:)` would return.
    /// - Throws: `ImagingError.regionOutside` when the region is empty or not inside the frame.
    public func findBest(_ template: Frame, options: SearchOptions = .init()) throws(ImagingError) -> TemplateMatch? {
        var options = options
        options.maxMatches = 1
        return try search(template, options: options, bestOnly: true).first
    }

    private func search(_ template: Frame, options: SearchOptions, bestOnly: Bool) throws(ImagingError)
        -> [TemplateMatch]
    {
        if options.region == nil && bounds.isEmpty { return [] }
        let region = options.region ?? bounds
        guard !region.isEmpty, bounds.contains(region) else { throw .regionOutside(region, size) }
        guard template.width <= region.width, template.height <= region.height, options.maxMatches > 0 else {
            return []
        }
        // The fields are public and settable, so the clamping of the initializer may have been bypassed.
        let tolerance = min(max(options.tolerance, 0), 255)
        let minScore = options.minScore.isNaN ? 1 : min(max(options.minScore, 0), 1)
        let plan = TemplateProbes(template: template, frameWidth: width, tolerance: tolerance, minScore: minScore)
        guard plan.careCount > 0 else { return [] }
        let places = Rect(
            x: region.x, y: region.y, width: region.width - template.width + 1,
            height: region.height - template.height + 1)
        let coverages = plan.dominantColors.map { color in
            ColorCoverage(frame: self, area: region, probe: color.probe, templateCount: color.count)
        }
        var suppressor = MatchSuppressor(size: template.size, limit: options.maxMatches)
        if tolerance == 0 {
            scan(places, plan, coverages, ExactProbeTest.self, bestOnly: bestOnly, into: &suppressor)
        } else {
            scan(places, plan, coverages, TolerantProbeTest.self, bestOnly: bestOnly, into: &suppressor)
        }
        let careCount = Double(plan.careCount)
        return suppressor.kept.map { match in
            TemplateMatch(
                rect: Rect(origin: match.origin, size: template.size),
                score: Double(plan.careCount - match.misses) / careCount)
        }
    }

    /// Tests every place whose top-left corner lies in places and offers the matches to suppressor,
    /// best first.
    private func scan<Test: ProbeTest>(
        _ places: Rect, _ plan: TemplateProbes, _ coverages: [ColorCoverage], _: Test.Type, bestOnly: Bool,
        into suppressor: inout MatchSuppressor
    ) {
        let templateSize = suppressor.size
        let bounded = !coverages.isEmpty
        var budget = plan.missBudget
        var candidates: [(misses: Int, origin: Point)] = []
        let rowBytes = bytesPerRow
        pixels.withUnsafeBytes { bytes in
            plan.probes.withUnsafeBufferPointer { probes in
                guard let frame = bytes.baseAddress, let first = probes.first else { return }
                for y in places.y..<places.maxY {
                    for x in places.x..<places.maxX {
                        let place = y * rowBytes + x * 4
                        var misses = 0
                        if bounded {
                            for coverage in coverages {
                                let near = coverage.count(at: Point(x: x, y: y), size: templateSize)
                                misses += max(coverage.templateCount - near, 0)
                            }
                            if misses > budget { continue }
                            // The bound only filters; the probes below count the misses themselves.
                            misses = 0
                        }
                        // Most places fail on the first anchor; testing it before setting up the
                        // loop keeps that case to one load and one compare.
                        if !Test.passes(PixelWord.load(frame, place + first.offset), first) {
                            if budget == 0 { continue }
                            misses = 1
                        }
                        var i = 1
                        while i < probes.count {
                            let probe = probes[i]
                            if !Test.passes(PixelWord.load(frame, place + probe.offset), probe) {
                                misses += 1
                                if misses > budget { break }
                            }
                            i += 1
                        }
                        if misses > budget { continue }
                        let origin = Point(x: x, y: y)
                        if bestOnly {
                            // Only a strictly better place can beat this one, since ties go to the earlier.
                            candidates = [(misses, origin)]
                            if misses == 0 { return }
                            budget = misses - 1
                        } else if plan.missBudget == 0 {
                            // Every match scores 1, so row order is already best-first order and
                            // suppression can run as the scan goes, stopping once enough are kept.
                            suppressor.offer(origin, misses: 0)
                            if suppressor.isFull { return }
                        } else {
                            candidates.append((misses, origin))
                        }
                    }
                }
            }
        }
        candidates.sort { a, b in
            if a.misses != b.misses { return a.misses < b.misses }
            if a.origin.y != b.origin.y { return a.origin.y < b.origin.y }
            return a.origin.x < b.origin.x
        }
        for candidate in candidates {
            suppressor.offer(candidate.origin, misses: candidate.misses)
            if suppressor.isFull { break }
        }
    }
}
