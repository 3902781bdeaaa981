import Foundation
import Imaging
import TestSupport
import Testing

@Suite("PNG codec")
struct PNGCodecTests {
    @Test("RGB round trip gives identical pixels when alpha is 255")
    func rgbRoundTrip() throws {
        let frame = Fixtures.noisyFrame(width: 97, height: 61, seed: 1)
        let data = try frame.pngData(options: PNGOptions(level: 6, filter: .adaptive, keepAlpha: false))
        #expect(PNGFile.colorType(of: data) == 2)
        #expect(try firstMismatch(Frame(pngData: data), frame) == nil)
    }

    @Test("RGBA round trip keeps every alpha value")
    func rgbaRoundTrip() throws {
        let frame = Fixtures.noisyFrame(width: 97, height: 61, seed: 2, randomAlpha: true)
        let data = try frame.pngData(options: PNGOptions(level: 6, filter: .adaptive, keepAlpha: true))
        #expect(PNGFile.colorType(of: data) == 6)
        #expect(try firstMismatch(Frame(pngData: data), frame) == nil)
    }

    @Test(
        "Round trip with every filter on one and two threads",
        arguments: PNGFilter.allCases, [1, 2])
    func everyFilterAndThreadCount(filter: PNGFilter, threads: Int) throws {
        // 200 rows: the banded two-thread writer only runs from 64 rows up.
        let opaque = Fixtures.noisyFrame(width: 300, height: 200, seed: 3)
        let translucent = Fixtures.noisyFrame(width: 300, height: 200, seed: 4, randomAlpha: true)
        for (frame, keepAlpha) in [(opaque, false), (translucent, true)] {
            for level in [1, 6] {
                let options = PNGOptions(level: level, filter: filter, keepAlpha: keepAlpha, threads: threads)
                let data = try frame.pngData(options: options)
                #expect(try firstMismatch(Frame(pngData: data), frame) == nil, "level \(level), keepAlpha \(keepAlpha)")
            }
        }
    }

    @Test("Two threads take the banded writer for none, sub and up", arguments: [PNGFilter.none, .sub, .up])
    func twoThreadsUseTheBandedWriter(filter: PNGFilter) throws {
        // The banded writer restarts deflate per band, so its bytes differ from libpng's own
        // stream; equal bytes would mean the round trip above never exercised it.
        let frame = Fixtures.noisyFrame(width: 300, height: 200, seed: 5)
        let single = try frame.pngData(options: PNGOptions(level: 1, filter: filter, threads: 1))
        let banded = try frame.pngData(options: PNGOptions(level: 1, filter: filter, threads: 2))
        #expect(single != banded)
        #expect(try firstMismatch(Frame(pngData: banded), frame) == nil)
    }

    @Test("The screenshot default round trips a full-height frame")
    func screenshotDefaults() throws {
        let frame = Fixtures.noisyFrame(width: 640, height: 480, seed: 6)
        #expect(try firstMismatch(Frame(pngData: frame.pngData()), frame) == nil)
    }

    @Test("writePNG and init(contentsOfPNG:) round trip through a file")
    func fileRoundTrip() throws {
        let frame = Fixtures.noisyFrame(width: 50, height: 70, seed: 7)
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("frame.png").path
            try frame.writePNG(to: path)
            #expect(try firstMismatch(Frame(contentsOfPNG: path), frame) == nil)
        }
    }

    @Test("Encoding an empty frame throws encodeFailed")
    func emptyFrameDoesNotEncode() {
        let error = #expect(throws: ImagingError.self) { try Frame(width: 0, height: 0).pngData() }
        guard case .encodeFailed = error else {
            Issue.record("expected encodeFailed, got \(String(describing: error))")
            return
        }
    }
}

@Suite("PNG decoding of other colour types", .enabled(if: ImageMagick.path != nil, "ImageMagick convert not found"))
struct PNGColorTypeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let source: @Sendable () -> Frame
        let arguments: [String]
        let colorType: UInt8
        let bitDepth: UInt8
        let interlaced: Bool
        var transparencyChunk = false
        /// ImageMagick rounds the colours of translucent palette entries, so only its own reading
        /// of the file is the expected result there.
        var lossless = true
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "gray 8", source: { grayFrame(alpha: false) },
            arguments: ["-define", "png:color-type=0", "-depth", "8"],
            colorType: 0, bitDepth: 8, interlaced: false),
        Case(
            name: "gray 16", source: { grayFrame(alpha: false) },
            arguments: ["-depth", "16", "-define", "png:bit-depth=16", "-define", "png:color-type=0"],
            colorType: 0, bitDepth: 16, interlaced: false),
        Case(
            name: "gray+alpha 8", source: { grayFrame(alpha: true) },
            arguments: ["-define", "png:color-type=4", "-depth", "8"],
            colorType: 4, bitDepth: 8, interlaced: false),
        Case(
            name: "palette", source: { paletteFrame(alpha: false) }, arguments: ["-define", "png:color-type=3"],
            colorType: 3, bitDepth: 8, interlaced: false),
        // A forced png:color-type=3 drops the alpha; PaletteAlpha keeps it in a tRNS chunk.
        Case(
            name: "palette with transparency", source: { paletteFrame(alpha: true) },
            arguments: ["-type", "PaletteAlpha"], colorType: 3, bitDepth: 8, interlaced: false, transparencyChunk: true,
            lossless: false),
        Case(
            name: "RGB 16", source: { Fixtures.noisyFrame(width: 83, height: 67, seed: 10) },
            arguments: ["-depth", "16", "-define", "png:bit-depth=16", "-define", "png:color-type=2"],
            colorType: 2, bitDepth: 16, interlaced: false),
        Case(
            name: "RGBA 16", source: { Fixtures.noisyFrame(width: 83, height: 67, seed: 11, randomAlpha: true) },
            arguments: ["-depth", "16", "-define", "png:bit-depth=16", "-define", "png:color-type=6"],
            colorType: 6, bitDepth: 16, interlaced: false),
        Case(
            name: "RGB interlaced", source: { Fixtures.noisyFrame(width: 83, height: 67, seed: 12) },
            arguments: ["-interlace", "PNG", "-define", "png:color-type=2"], colorType: 2, bitDepth: 8, interlaced: true
        ),
    ]

    @Test("Decodes to the pixels it was converted from", arguments: cases)
    func decodes(_ testCase: Case) throws {
        let source = testCase.source()
        let (converted, expected) = try withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("in.png").path
            let output = directory.appendingPathComponent("out.png").path
            let raw = directory.appendingPathComponent("out.bgra").path
            try source.writePNG(to: input, options: PNGOptions(level: 1, filter: .sub, keepAlpha: true))
            try ImageMagick.convert([input] + testCase.arguments + [output])
            try ImageMagick.convert([output, "-depth", "8", "BGRA:\(raw)"])
            let pixels = try [UInt8](Data(contentsOf: URL(fileURLWithPath: raw)))
            try #require(pixels.count == source.pixels.count)
            return (
                try [UInt8](Data(contentsOf: URL(fileURLWithPath: output))),
                Frame(width: source.width, height: source.height, pixels: pixels)
            )
        }
        // Without these checks a convert that quietly wrote plain RGB would pass the test.
        #expect(PNGFile.colorType(of: converted) == testCase.colorType)
        #expect(PNGFile.bitDepth(of: converted) == testCase.bitDepth)
        #expect(PNGFile.isInterlaced(converted) == testCase.interlaced)
        #expect((PNGFile.chunkData(named: "tRNS", in: converted) != nil) == testCase.transparencyChunk)
        let decoded = try Frame(pngData: converted)
        #expect(firstMismatch(decoded, expected) == nil, "against ImageMagick's reading")
        if testCase.transparencyChunk {
            #expect(decoded.pixels.enumerated().contains { $0.offset % 4 == 3 && $0.element < 255 })
        }
        if testCase.lossless {
            #expect(firstMismatch(decoded, source) == nil, "against the source")
        }
    }

    /// Gray pixels (red = green = blue), so that a gray PNG holds them without loss; alpha stays
    /// above 0 because ImageMagick may rewrite the colour of fully transparent pixels.
    static func grayFrame(alpha: Bool) -> Frame {
        var rng = SplitMix64(seed: 20)
        return Frame(width: 71, height: 66) { out in
            for i in stride(from: 0, to: out.count, by: 4) {
                let value = rng.byte()
                out[i] = value
                out[i + 1] = value
                out[i + 2] = value
                out[i + 3] = alpha ? max(rng.byte(), 1) : 255
            }
        }
    }

    /// At most 40 distinct colours, so that a palette holds them without loss.
    static func paletteFrame(alpha: Bool) -> Frame {
        var rng = SplitMix64(seed: 21)
        let palette = (0..<40).map { index in
            Color(red: rng.byte(), green: rng.byte(), blue: rng.byte(), alpha: alpha ? [255, 128, 7][index % 3] : 255)
        }
        var frame = Frame(width: 75, height: 64)
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                frame[x, y] = palette[Int(rng.next() % UInt64(palette.count))]
            }
        }
        return frame
    }
}

@Suite("Corrupt PNG data")
struct CorruptPNGTests {
    static let valid: [UInt8] = {
        // A failing encode here would surface as a crash of every test in the suite, hence the
        // simple frame: encoding it is covered by the round-trip tests.
        (try? Fixtures.noisyFrame(width: 40, height: 30, seed: 30).pngData(options: PNGOptions(level: 6, filter: .up)))
            ?? []
    }()

    @Test("A bad signature is rejected before libpng sees the data")
    func badSignature() throws {
        var data = Self.valid
        try #require(!data.isEmpty)
        data[1] = UInt8(ascii: "Q")
        expectInvalidPNG(data, mentioning: "signature")
    }

    @Test("Empty data is not a PNG")
    func emptyData() {
        expectInvalidPNG([], mentioning: "signature")
    }

    @Test(
        "Truncated data throws instead of reading past the end",
        arguments: [7, 20, 40, 500, -12])  // in the signature, IHDR, before IDAT, inside IDAT, without IEND
    func truncated(length: Int) throws {
        let data = Self.valid
        try #require(data.count > 1000)
        expectInvalidPNG(Array(data.prefix(length > 0 ? length : data.count + length)), mentioning: nil)
    }

    @Test("A wrong CRC on a critical chunk is an error", arguments: ["IHDR", "IDAT"])
    func badCRC(chunk: String) throws {
        var data = Self.valid
        let range = try #require(PNGFile.chunkData(named: chunk, in: data))
        // The CRC itself is damaged, not the data: a damaged IDAT would fail zlib's check first.
        data[range.upperBound + 1] ^= 0x40
        expectInvalidPNG(data, mentioning: "CRC")
    }

    @Test("Damaged compressed data with a correct CRC is reported by zlib's check")
    func badDeflateStream() throws {
        var data = Self.valid
        let idat = try #require(PNGFile.chunkData(named: "IDAT", in: data))
        for i in idat.dropFirst(2).prefix(24) { data[i] = 0xFF }
        PNGFile.fixCRC(ofChunkAt: idat, in: &data)
        expectInvalidPNG(data, mentioning: nil)
    }

    @Test("The file path is part of the error")
    func pathInMessage() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("broken.png").path
            try Data(Self.valid.prefix(50)).write(to: URL(fileURLWithPath: path))
            do throws(ImagingError) {
                _ = try Frame(contentsOfPNG: path)
                Issue.record("decoding a truncated file succeeded")
            } catch {
                guard case let .invalidPNG(errorPath, message) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(errorPath == path)
                #expect(error.description.hasPrefix("\(path): not a valid PNG: \(message)"))
            }
        }
    }

    private func expectInvalidPNG(
        _ data: [UInt8], mentioning word: String?, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do throws(ImagingError) {
            let frame = try Frame(pngData: data)
            Issue.record("decoded \(frame.size) from corrupt data", sourceLocation: sourceLocation)
        } catch {
            guard case let .invalidPNG(path, message) = error else {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(path == nil, sourceLocation: sourceLocation)
            #expect(!message.isEmpty, sourceLocation: sourceLocation)
            if let word {
                #expect(message.contains(word), "message: \(message)", sourceLocation: sourceLocation)
            }
        }
    }
}

/// Reads the few PNG fields the tests check (PNG specification, section 11.2.2 and 5.3).
enum PNGFile {
    static func bitDepth(of data: [UInt8]) -> UInt8? { data.count > 28 ? data[24] : nil }
    static func colorType(of data: [UInt8]) -> UInt8? { data.count > 28 ? data[25] : nil }
    static func isInterlaced(_ data: [UInt8]) -> Bool { data.count > 28 && data[28] == 1 }

    /// The byte range of the first chunk named name's data.
    static func chunkData(named name: String, in data: [UInt8]) -> Range<Int>? {
        var offset = 8
        while offset + 12 <= data.count {
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
            if type == name { return offset + 8..<min(offset + 8 + length, data.count) }
            offset += 12 + length
        }
        return nil
    }

    /// Rewrites the CRC after the chunk whose data is range, so a reader gets past the CRC check.
    static func fixCRC(ofChunkAt range: Range<Int>, in data: inout [UInt8]) {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data[range.lowerBound - 4..<range.upperBound] {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        for i in 0..<4 { data[range.upperBound + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
    }
}

/// ImageMagick's convert, which writes the PNG colour types the codec never writes itself.
enum ImageMagick {
    static let path: String? = {
        let candidates =
            ["/usr/bin/convert"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/convert" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) && isImageMagick($0) }
    }()

    static func convert(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "convert")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ConvertFailed(arguments: arguments, message: String(decoding: message, as: UTF8.self))
        }
    }

    private static func isImageMagick(_ path: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 && text.contains("Version: ImageMagick")
    }

    struct ConvertFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let message: String
        var description: String { "convert \(arguments.joined(separator: " ")) failed: \(message)" }
    }
}
