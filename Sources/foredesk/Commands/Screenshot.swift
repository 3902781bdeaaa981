import ArgumentParser
import Desktop
import Imaging

#if canImport(Glibc)
    import Glibc
#endif

struct Screenshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the screen, a region or a window to a PNG file.",
        discussion: """
            Examples:
              foredesk screenshot -o screen.png
              foredesk screenshot -o part.png --region 0,0,640,480
              foredesk screenshot -o app.png --window active --cursor

            The default PNG setting (zlib level 1, SUB filter, two threads) favours speed: about 5x faster than level 6 for some 20% more bytes. Use --level 6 --filter adaptive for images you keep.
            """)

    @OptionGroup var display: DisplayOption

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("PNG file to write (default: screenshot-<time>.png).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Capture only this rectangle of the screen.", valueName: "x,y,w,h"))
    var region: String?

    @Option(help: ArgumentHelp("Capture a window: its id (decimal or 0x hex) or 'active'.", valueName: "id"))
    var window: String?

    @Flag(help: "Draw the pointer into the picture.")
    var cursor = false

    @Option(help: ArgumentHelp("How to read pixels: automatic, shm or get-image.", valueName: "method"))
    var method: String = "automatic"

    @Option(help: ArgumentHelp("zlib compression level 0-9.", valueName: "n"))
    var level: Int = PNGOptions.screenshot.level

    @Option(help: ArgumentHelp("PNG row filter: none, sub, up, average, paeth or adaptive.", valueName: "filter"))
    var filter: String = PNGOptions.screenshot.filter.rawValue

    func validate() throws {
        if region != nil && window != nil { throw ValidationError("give --region or --window, not both") }
        if let region, Rect(parsing: region) == nil {
            throw ValidationError("--region wants x,y,width,height with a positive size, e.g. 0,0,640,480 (got '\(region)')")
        }
        if CaptureMethod(rawValue: method) == nil {
            throw ValidationError("--method must be automatic, shm or get-image (got '\(method)')")
        }
        if !(0...9).contains(level) { throw ValidationError("--level must be 0 to 9 (got \(level))") }
        if PNGFilter(rawValue: filter) == nil {
            throw ValidationError("--filter must be one of \(PNGFilter.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        try reporting {
            let desktop = try display.open()
            var area = CaptureArea.screen
            if let region, let rect = Rect(parsing: region) { area = .region(rect) }
            if let window {
                if window == "active" {
                    guard let active = try desktop.activeWindow() else { throw CommandFailure.action("no window is active") }
                    area = .window(active.id)
                } else {
                    guard let id = WindowID(parsing: window) else {
                        throw CommandFailure.usage("--window wants a window id (decimal or 0x hex) or 'active', not '\(window)'")
                    }
                    area = .window(id)
                }
            }
            let frame = try desktop.capture(area, cursor: cursor, method: CaptureMethod(rawValue: method) ?? .automatic)
            let path = output ?? Self.defaultName()
            let options = PNGOptions(
                level: level, filter: PNGFilter(rawValue: filter) ?? .sub, threads: PNGOptions.screenshot.threads)
            try frame.writePNG(to: path, options: options)
            print("\(path) \(frame.width)x\(frame.height)")
        }
    }

    /// screenshot-20261129-142501.png in the current directory, local time.
    static func defaultName() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y%m%d-%H%M%S", &parts)
        return "screenshot-" + String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) + ".png"
    }
}
