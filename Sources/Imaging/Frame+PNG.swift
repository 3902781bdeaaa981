internal import CPNG

extension Frame {
    /// The frame encoded as PNG bytes.
    public func pngData(options: PNGOptions = .screenshot) throws(ImagingError) -> [UInt8] {
        var buffer = cpng_buffer()
        defer { cpng_buffer_free(&buffer) }
        var message = [CChar](repeating: 0, count: 256)
        let filter: Int32 =
            switch options.filter {
            case .none: Int32(CPNG_FILTER_NONE)
            case .sub: Int32(CPNG_FILTER_SUB)
            case .up: Int32(CPNG_FILTER_UP)
            case .average: Int32(CPNG_FILTER_AVERAGE)
            case .paeth: Int32(CPNG_FILTER_PAETH)
            case .adaptive: Int32(CPNG_FILTER_ADAPTIVE)
            }
        let rc = pixels.withUnsafeBufferPointer { px in
            cpng_encode(
                px.baseAddress!, Int32(width), Int32(height), bytesPerRow, options.keepAlpha ? 1 : 0,
                Int32(options.level), filter, Int32(options.threads), &buffer, &message, Int32(message.count))
        }
        guard rc == 0, let data = buffer.data else { throw .encodeFailed(String(cBuffer: message)) }
        return [UInt8](UnsafeBufferPointer(start: data, count: buffer.size))
    }

    /// Decodes PNG bytes of any 8- or 16-bit colour type (gray, palette, RGB, with or without alpha).
    public init(pngData data: [UInt8]) throws(ImagingError) {
        try self.init(pngData: data, path: nil)
    }

    init(pngData data: [UInt8], path: String?) throws(ImagingError) {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0
        var height: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let rc = data.withUnsafeBufferPointer { bytes in
            cpng_decode(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, bytes.count, &pixels, &width, &height,
                        &message, Int32(message.count))
        }
        defer { cpng_free(pixels) }
        guard rc == 0, let pixels else { throw .invalidPNG(path: path, message: String(cBuffer: message)) }
        let count = Int(width) * Int(height) * 4
        self.init(width: Int(width), height: Int(height), pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Reads and decodes the PNG file at path.
    public init(contentsOfPNG path: String) throws(ImagingError) {
        try self.init(pngData: try File.read(path), path: path)
    }

    /// Encodes the frame and writes it to path whole (temporary file, then rename).
    public func writePNG(to path: String, options: PNGOptions = .screenshot) throws(ImagingError) {
        try File.writeAtomically(try pngData(options: options), to: path)
    }
}
