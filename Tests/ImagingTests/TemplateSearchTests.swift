import Imaging
import TestSupport
import Testing

@Suite("Template search")
struct TemplateSearchTests {
    let screen = Fixtures.busyFrame(width: 640, height: 480, seed: 50)

    @Test("A patch cut from a busy frame is found exactly where it was cut")
    func findsCutPatch() throws {
        let rect = Rect(x: 417, y: 233, width: 60, height: 30)
        let patch = try screen.cropped(to: rect)
        #expect(try screen.find(patch) == [TemplateMatch(rect: rect, score: 1)])
        #expect(try screen.findBest(patch) == TemplateMatch(rect: rect, score: 1))
        #expect(try screen.findBest(patch)?.center == Point(x: 447, y: 248))
    }

    @Test("Patches at the frame's corners are found", arguments: [(0, 0), (580, 0), (0, 450), (580, 450)])
    func findsAtEdges(x: Int, y: Int) throws {
        let rect = Rect(x: x, y: y, width: 60, height: 30)
        #expect(try screen.find(screen.cropped(to: rect)) == [TemplateMatch(rect: rect, score: 1)])
    }

    @Test("A template that is not in the frame finds nothing")
    func absentTemplate() throws {
        let elsewhere = Fixtures.busyFrame(width: 40, height: 20, seed: 51)
        #expect(try screen.find(elsewhere).isEmpty)
        #expect(try screen.findBest(elsewhere) == nil)
        #expect(try screen.find(elsewhere, options: SearchOptions(tolerance: 20)).isEmpty)
    }

    @Test("A patch with noise of ±5 is found only with a tolerance of 5 or more")
    func toleranceAbsorbsNoise() throws {
        let rect = Rect(x: 101, y: 307, width: 48, height: 24)
        var noisy = try screen.cropped(to: rect)
        var rng = SplitMix64(seed: 52)
        var largest = 0
        for y in 0..<noisy.height {
            for x in 0..<noisy.width {
                var color = noisy[x, y]
                for channel in 0..<3 {
                    let step = Int.random(in: -5...5, using: &rng)
                    switch channel {
                    case 0: color.red = UInt8(clamping: Int(color.red) + step)
                    case 1: color.green = UInt8(clamping: Int(color.green) + step)
                    default: color.blue = UInt8(clamping: Int(color.blue) + step)
                    }
                }
                largest = max(largest, color.distance(to: noisy[x, y]))
                noisy[x, y] = color
            }
        }
        try #require(largest == 5)
        #expect(try screen.find(noisy).isEmpty)
        #expect(try screen.find(noisy, options: SearchOptions(tolerance: 4)).isEmpty)
        #expect(try screen.find(noisy, options: SearchOptions(tolerance: 5)) == [TemplateMatch(rect: rect, score: 1)])
        #expect(try screen.find(noisy, options: SearchOptions(tolerance: 9)) == [TemplateMatch(rect: rect, score: 1)])
    }

    @Test("Two pasted copies are both found, top to bottom, then left to right")
    func twoCopies() throws {
        let patch = Fixtures.busyFrame(width: 50, height: 40, seed: 53)
        var frame = screen
        frame.paste(patch, at: Point(x: 400, y: 300))
        frame.paste(patch, at: Point(x: 30, y: 60))
        frame.paste(patch, at: Point(x: 200, y: 300))
        let matches = try frame.find(patch)
        #expect(matches.map(\.rect.origin) == [Point(x: 30, y: 60), Point(x: 200, y: 300), Point(x: 400, y: 300)])
        #expect(matches.allSatisfy { $0.score == 1 && $0.rect.size == patch.size })
        #expect(
            try frame.find(patch, options: SearchOptions(maxMatches: 2)).map(\.rect.origin)
                == [Point(x: 30, y: 60), Point(x: 200, y: 300)])
    }

    @Test("A region restricts the search to places wholly inside it")
    func region() throws {
        let patch = Fixtures.busyFrame(width: 50, height: 40, seed: 54)
        var frame = screen
        frame.paste(patch, at: Point(x: 30, y: 60))
        frame.paste(patch, at: Point(x: 400, y: 300))
        let around = Rect(x: 350, y: 250, width: 100, height: 90)
        #expect(
            try frame.find(patch, options: SearchOptions(region: around)).map(\.rect.origin) == [Point(x: 400, y: 300)])
        let cutting = Rect(x: 350, y: 250, width: 99, height: 90)  // ends one column short of the copy
        #expect(try frame.find(patch, options: SearchOptions(region: cutting)).isEmpty)
        let outside = Rect(x: 600, y: 0, width: 41, height: 10)
        #expect(throws: ImagingError.regionOutside(outside, frame.size)) {
            try frame.find(patch, options: SearchOptions(region: outside))
        }
    }

    @Test("A template bigger than the frame or region finds nothing")
    func templateTooBig() throws {
        let small = Fixtures.busyFrame(width: 30, height: 20, seed: 55)
        #expect(try small.find(screen).isEmpty)
        #expect(try small.find(Frame(width: 31, height: 5)).isEmpty)
        let patch = try screen.cropped(to: Rect(x: 0, y: 0, width: 60, height: 30))
        #expect(
            try screen.find(patch, options: SearchOptions(region: Rect(x: 0, y: 0, width: 59, height: 100))).isEmpty)
    }

    @Test("Overlapping matches collapse to the first; touching ones are kept")
    func suppression() throws {
        var frame = Frame(width: 120, height: 40, color: Color(rgb: 0xFFFFFF))
        frame.fill(Rect(x: 10, y: 5, width: 30, height: 10), with: Color(rgb: 0x3366CC))
        let block = Frame(width: 10, height: 10, color: Color(rgb: 0x3366CC))
        // Places 10...30 all match; greedy suppression in row order keeps 10, 20 and 30.
        let matches = try frame.find(block)
        #expect(matches.map(\.rect.origin) == [Point(x: 10, y: 5), Point(x: 20, y: 5), Point(x: 30, y: 5)])
    }

    @Test("With a lower minimum score, the best match wins over overlapping weaker ones and scores are exact")
    func scoresAndRanking() throws {
        let frame = Fixtures.busyFrame(width: 160, height: 120, seed: 56)
        let rect = Rect(x: 70, y: 40, width: 30, height: 20)
        var damaged = try frame.cropped(to: rect)
        // 60 of 600 pixels wrong: score 0.9 at the true place.
        for i in 0..<60 { damaged[(i * 7) % 30, (i * 3) % 20] = Color(rgb: 0x000000) }
        let wrong = (0..<60).reduce(into: Set<Point>()) { $0.insert(Point(x: ($1 * 7) % 30, y: ($1 * 3) % 20)) }
        let expectedScore =
            Double(600 - wrong.filter { frame[rect.x + $0.x, rect.y + $0.y] != Color(rgb: 0) }.count) / 600
        #expect(try frame.find(damaged).isEmpty)
        #expect(try frame.find(damaged, options: SearchOptions(minScore: expectedScore + 0.001)).isEmpty)
        let matches = try frame.find(damaged, options: SearchOptions(minScore: expectedScore))
        #expect(matches == [TemplateMatch(rect: rect, score: expectedScore)])

        // At score 0 every place matches: results are best first, never overlap, and each score
        // agrees with a pixel count at that place.
        let all = try frame.find(damaged, options: SearchOptions(minScore: 0, maxMatches: 20))
        #expect(all.count == 20)
        #expect(all.first?.rect == rect)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.score >= $1.score })
        for (i, a) in all.enumerated() {
            for b in all[(i + 1)...] { #expect(a.rect.intersection(b.rect) == nil, "\(a) overlaps \(b)") }
            let place = try frame.cropped(to: a.rect)
            let matching = (0..<600).filter { place[$0 % 30, $0 / 30] == damaged[$0 % 30, $0 / 30] }.count
            #expect(a.score == Double(matching) / 600, "\(a)")
        }
    }

    @Test("findBest returns the best match even when a weaker one comes first")
    func findBestPrefersScore() throws {
        let patch = Fixtures.busyFrame(width: 40, height: 25, seed: 57)
        var weaker = patch
        weaker.fill(Rect(x: 0, y: 0, width: 5, height: 5), with: Color(rgb: 0x010101))
        // Smaller than the shared screen: a 10% miss budget makes every wrong place cost 100 probes.
        var frame = Fixtures.busyFrame(width: 240, height: 160, seed: 58)
        frame.paste(weaker, at: Point(x: 20, y: 20))
        frame.paste(patch, at: Point(x: 180, y: 120))
        let options = SearchOptions(minScore: 0.9)
        let best = TemplateMatch(rect: Rect(x: 180, y: 120, width: 40, height: 25), score: 1)
        #expect(try frame.findBest(patch, options: options) == best)
        #expect(
            try frame.find(patch, options: options) == [
                best, TemplateMatch(rect: Rect(x: 20, y: 20, width: 40, height: 25), score: 0.975),
            ])
    }

    @Test("Transparent template pixels are don't-care and do not count")
    func transparentPixels() throws {
        let rect = Rect(x: 222, y: 111, width: 40, height: 30)
        var template = try screen.cropped(to: rect)
        template.fill(Rect(x: 10, y: 10, width: 20, height: 10), with: Color(red: 1, green: 2, blue: 3, alpha: 0))
        #expect(try screen.find(template) == [TemplateMatch(rect: rect, score: 1)])
        template.fill(Rect(x: 10, y: 10, width: 20, height: 10), with: Color(red: 1, green: 2, blue: 3, alpha: 1))
        #expect(try screen.find(template).isEmpty)
        #expect(
            try screen.find(Frame(width: 10, height: 10, color: Color(red: 0, green: 0, blue: 0, alpha: 0))).isEmpty)
    }

    @Test("A flat template on a flat screen stops at maxMatches")
    func flatScreenLimit() throws {
        let white = Frame(width: 640, height: 480, color: Color(rgb: 0xFFFFFF))
        let block = Frame(width: 16, height: 16, color: Color(rgb: 0xFFFFFF))
        let matches = try white.find(block, options: SearchOptions(maxMatches: 5))
        #expect(matches.map(\.rect.origin) == (0..<5).map { Point(x: $0 * 16, y: 0) })
        #expect(try white.find(block, options: SearchOptions(maxMatches: 0)).isEmpty)
    }
}

@Suite("Template search against a brute-force reference")
struct TemplateSearchReferenceTests {
    /// Flat panels and speckle on a flat background, like a screen: templates cut from it have a
    /// dominant colour, which is what the coverage bound of a search with a miss budget works on.
    static func screenLike(seed: UInt64) -> Frame {
        var rng = SplitMix64(seed: seed)
        let palette = [Color(rgb: 0xF0F0F0), Color(rgb: 0x2050A0), Color(rgb: 0x202020), Color(rgb: 0xF3EEF1)]
        var frame = Frame(width: 56, height: 40, color: palette[0])
        for _ in 0..<6 {
            let rect = Rect(
                x: Int.random(in: 0..<56, using: &rng), y: Int.random(in: 0..<40, using: &rng),
                width: Int.random(in: 3...20, using: &rng), height: Int.random(in: 2...10, using: &rng))
            frame.fill(rect, with: palette.randomElement(using: &rng) ?? palette[1])
        }
        for _ in 0..<120 {
            frame[Int.random(in: 0..<56, using: &rng), Int.random(in: 0..<40, using: &rng)] =
                palette.randomElement(using: &rng) ?? palette[2]
        }
        return frame
    }

    /// Every place scored pixel by pixel, ranked, then suppressed greedily: the definition that
    /// the anchors, early exits and coverage bound of the real search must not change.
    static func referenceFind(
        _ frame: Frame, _ template: Frame, tolerance: Int, minScorePermille: Int, region: Rect?, maxMatches: Int
    ) -> [TemplateMatch] {
        let area = region ?? frame.bounds
        var care: [(Point, Color)] = []
        for y in 0..<template.height {
            for x in 0..<template.width where template[x, y].alpha != 0 {
                care.append((Point(x: x, y: y), template[x, y]))
            }
        }
        guard !care.isEmpty, template.width <= area.width, template.height <= area.height else { return [] }
        var candidates: [(matched: Int, origin: Point)] = []
        for y in area.y...(area.maxY - template.height) {
            for x in area.x...(area.maxX - template.width) {
                let matched = care.filter { frame[x + $0.0.x, y + $0.0.y].distance(to: $0.1) <= tolerance }.count
                if matched * 1000 >= minScorePermille * care.count { candidates.append((matched, Point(x: x, y: y))) }
            }
        }
        candidates.sort { a, b in
            (b.matched, a.origin.y, a.origin.x) < (a.matched, b.origin.y, b.origin.x)
        }
        var kept: [TemplateMatch] = []
        for candidate in candidates where kept.count < maxMatches {
            let rect = Rect(origin: candidate.origin, size: template.size)
            if kept.contains(where: { $0.rect.intersection(rect) != nil }) { continue }
            kept.append(TemplateMatch(rect: rect, score: Double(candidate.matched) / Double(care.count)))
        }
        return kept
    }

    @Test("find and findBest agree with the reference on random screens, templates and options")
    func randomSearches() throws {
        var rng = SplitMix64(seed: 60)
        var budgeted = 0
        for trial in 0..<50 {
            let frame = Self.screenLike(seed: rng.next())
            let cut = Rect(
                x: Int.random(in: 0..<44, using: &rng), y: Int.random(in: 0..<32, using: &rng),
                width: Int.random(in: 3...12, using: &rng), height: Int.random(in: 2...8, using: &rng))
            var template = try frame.cropped(to: cut)
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let x = Int.random(in: 0..<template.width, using: &rng)
                let y = Int.random(in: 0..<template.height, using: &rng)
                var color = template[x, y]
                color.green = UInt8(clamping: Int(color.green) + Int.random(in: -12...12, using: &rng))
                color.alpha = rng.next() % 4 == 0 ? 0 : 255
                template[x, y] = color
            }
            let tolerance = [0, 3, 10][Int(rng.next() % 3)]
            let permille = [1000, 970, 900, 750, 500][Int(rng.next() % 5)]
            let maxMatches = [1, 3, 100][Int(rng.next() % 3)]
            var region: Rect?
            if rng.next() % 3 == 0 {
                let x = Int.random(in: 0..<40, using: &rng)
                let y = Int.random(in: 0..<30, using: &rng)
                region = Rect(
                    x: x, y: y, width: Int.random(in: 1...(56 - x), using: &rng),
                    height: Int.random(in: 1...(40 - y), using: &rng))
            }
            if permille < 1000 { budgeted += 1 }
            let options = SearchOptions(
                tolerance: tolerance, minScore: Double(permille) / 1000, region: region, maxMatches: maxMatches)
            let expected = Self.referenceFind(
                frame, template, tolerance: tolerance, minScorePermille: permille, region: region,
                maxMatches: maxMatches)
            let context = "trial \(trial): \(template.size) cut at \(cut), \(options)"
            #expect(try frame.find(template, options: options) == expected, "\(context)")
            #expect(try frame.findBest(template, options: options) == expected.first, "\(context)")
        }
        #expect(budgeted > 25, "too few trials with a miss budget to exercise the coverage bound")
    }
}
