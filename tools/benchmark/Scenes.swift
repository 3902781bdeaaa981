import Desktop
import Processes
import Imaging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The two scenes of the baselines (research/baselines.md).
enum Scene: String, CaseIterable {
    /// Photo-like wallpaper, three xterms full of text (two antialiased, one coloured `ls`), an
    /// image viewer, xclock and xlogo, plus the target xterm.
    case busy
    /// Solid background, one small xterm with two lines, plus the target xterm.
    case flat
}

/// A private 1920x1080x24 X server with openbox, the scene on it, and the target xterm.
///
/// The target xterm ("bench-target") runs `cat`, so a key pressed into it shows up as tty echo: the
/// cheapest real redraw an application can do. cat writes each line it receives to a file (where
/// the baselines used /dev/null), so the typing measurements can check what really arrived.
final class Lab: Sendable {
    static let screen = Size(width: 1920, height: 1080)
    static let targetTitle = "bench-target"

    let display: VirtualDisplay
    let desktop: Desktop
    let watch: ScreenWatch
    /// The run's output directory.
    let outputDirectory: String
    /// Where the scene's X clients write their messages.
    let logFile: String
    let target: WindowInfo
    /// Everything typed into the target xterm, one line per Return.
    let targetInputFile: String
    private let targetProcess: ChildProcess
    private let content = Mutex<[ChildProcess]>([])
    private let shown = Mutex<Scene?>(nil)

    /// Starts the server and the target xterm; the display's name becomes this process's DISPLAY,
    /// so every tool the bench runs (and the scene's clients) use it.
    init(outputDirectory: String) throws {
        self.outputDirectory = outputDirectory
        logFile = outputDirectory + "/scene.log"
        let display = try VirtualDisplay(.init(size: Self.screen, sharedMemory: true, windowManager: true))
        self.display = display
        Cleanup.register { display.stop() }
        setenv("DISPLAY", display.name, 1)
        desktop = try Desktop(display: display.name)
        watch = try desktop.watchScreen()
        // 80x12 cells of the 6x13 "fixed" font: 480x156 pixels, the baselines' 484x160 window region.
        targetInputFile = outputDirectory + "/target-input.txt"
        targetProcess = try ChildProcess(
            "xterm",
            ["-T", Self.targetTitle, "-geometry", "80x12+40+880", "-e", "sh", "-c", "exec cat > \"$0\"", targetInputFile],
            environment: ["DISPLAY": display.name], output: .file(logFile))
        let process = targetProcess
        Cleanup.register { process.terminate(grace: .seconds(2)) }
        target = try desktop.waitForWindow(matching: WindowQuery(titlePattern: "^\(Self.targetTitle)$"), timeout: .seconds(20))
    }

    /// Stops the scene, the target xterm and the server, and moves the server's log into the
    /// output directory (left in the private auth directory, it would keep that from being removed).
    func stop() {
        stopContent()
        targetProcess.terminate(grace: .seconds(2))
        display.stop()
        if let log = fopen(display.logFile, "rb") {
            if let copy = fopen(outputDirectory + "/xvfb.log", "ab") {
                var chunk = [UInt8](repeating: 0, count: 4096)
                while case let n = fread(&chunk, 1, chunk.count, log), n > 0 { fwrite(chunk, 1, n, copy) }
                fclose(copy)
            }
            fclose(log)
            unlink(display.logFile)
        }
    }

    /// The scene on screen now.
    var scene: Scene? { shown.withLock { $0 } }

    /// Replaces whatever scene is shown by scene, waits until it has drawn and settled, and makes
    /// the target xterm the active window.
    func show(_ scene: Scene, assets: SceneAssets) throws {
        if self.scene == scene { return try focusTarget() }
        do {
            try build(scene, assets: assets)
        } catch {
            // Seen once on the loaded 2-core machine: a new xterm never got mapped. Start over once.
            Console.say(" (the \(scene.rawValue) scene did not come up: \(error); starting it again)", terminator: "")
            try build(scene, assets: assets)
        }
    }

    private func build(_ scene: Scene, assets: SceneAssets) throws {
        stopContent()
        var started: [ChildProcess] = []
        var titles: [String] = []
        func spawn(_ program: String, _ arguments: [String], title: String) throws {
            started.append(try ChildProcess(program, arguments, environment: ["DISPLAY": display.name], output: .file(logFile)))
            content.withLock { $0 = started }
            titles.append(title)
        }
        func xterm(_ title: String, _ geometry: String, font: [String], colors: [String] = [], _ script: String) throws {
            try spawn("xterm", ["-T", title, "-geometry", geometry] + font + colors + ["-e", "sh", "-c", script + "; exec cat"], title: title)
        }
        let antialiased = ["-fa", "DejaVu Sans Mono", "-fs", "10"]
        switch scene {
        case .busy:
            try setBackground(assets.wallpaper)
            try xterm("bench-xterm-1", "88x38+20+20", font: antialiased, "ls -lR /usr/share | head -500")
            try xterm("bench-xterm-2", "88x38+760+20", font: antialiased, colors: ["-bg", "#fdf6e3", "-fg", "#073642"],
                      "ls -lR /usr/lib | head -500")
            try xterm("bench-xterm-3", "60x24+1520+20", font: [], colors: ["-bg", "black", "-fg", "gray90"],
                      "ls --color=always -lR /usr/share/doc | head -500")
            try spawn("xclock", ["-title", "bench-clock", "-geometry", "160x160+1520+400"], title: "bench-clock")
            try spawn("xlogo", ["-title", "bench-logo", "-geometry", "160x160+1720+400"], title: "bench-logo")
            if let viewer = assets.viewerImage {
                try spawn("display", ["-title", "bench-viewer", "-geometry", "+800+660", viewer], title: "bench-viewer")
            }
        case .flat:
            try setBackground(assets.solid)
            try xterm("bench-flat", "40x2+600+300", font: [], "printf 'flat scene\\nsecond line'")
        }
        for title in titles {
            _ = try desktop.waitForWindow(matching: WindowQuery(titlePattern: "^\(title)$"), timeout: .seconds(15))
        }
        shown.withLock { $0 = scene }
        // The xterms print their listings after mapping; wait for the screen to go quiet.
        _ = try watch.waitUntilSettled(quiet: .milliseconds(400), timeout: .seconds(20))
        try focusTarget()
    }

    /// Makes the target xterm active and puts the pointer over it.
    func focusTarget() throws {
        try desktop.activate(target.id)
        try desktop.move(to: target.frame.center)
        settle()
    }

    /// Waits until nothing has drawn for quiet milliseconds (at most 10 s).
    func settle(quiet: Int = 60) {
        _ = try? watch.waitUntilSettled(quiet: .milliseconds(Int64(quiet)), timeout: .seconds(10))
    }

    /// Sets the root window's background to a PNG (ImageMagick `display -window root`, which exits
    /// once the pixmap is set; it reports status 1 even then, so success is checked on screen).
    private func setBackground(_ image: String?) throws {
        guard let image else { return }
        _ = ToolCommand(["display", "-window", "root", image], errorLog: logFile).run()
    }

    private func stopContent() {
        let running = content.withLock { list in
            defer { list = [] }
            return list
        }
        for process in running.reversed() { process.terminate(grace: .seconds(2)) }
        shown.withLock { $0 = nil }
    }

    /// The bytes cat has written from the target xterm since offset.
    func targetInput(from offset: Int) -> [UInt8] {
        guard let file = fopen(targetInputFile, "rb") else { return [] }
        defer { fclose(file) }
        fseek(file, offset, SEEK_SET)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    /// The size of the target's input file now.
    var targetInputSize: Int { BenchContext.fileSize(targetInputFile) }

    /// A place for a w x h patch that lies on the wallpaper, away from every window (and its
    /// decorations), or nil when there is none.
    func wallpaperSpot(width: Int, height: Int) throws -> Rect? {
        // Client frames grown by the decorations openbox draws around them, and a margin.
        let windows = try desktop.windows().map {
            Rect(x: $0.frame.x - 12, y: $0.frame.y - 40, width: $0.frame.width + 24, height: $0.frame.height + 52)
        }
        for y in stride(from: 600, to: Self.screen.height - height - 20, by: 20) {
            for x in stride(from: Self.screen.width - width - 40, to: 40, by: -20) {
                let candidate = Rect(x: x, y: y, width: width, height: height)
                if !windows.contains(where: { $0.intersection(candidate) != nil }) { return candidate }
            }
        }
        return nil
    }
}

/// The images the scenes use, made once with ImageMagick and cached in out/bench-cache.
struct SceneAssets {
    /// 1920x1080 seeded plasma fractal, blurred and posterized a little so that the busy screen
    /// compresses to about the baselines' size (≈ 1 MB at level 1 SUB).
    let wallpaper: String?
    /// A smaller plasma for the image viewer.
    let viewerImage: String?
    /// A solid 1920x1080 colour.
    let solid: String?

    static func prepare(cacheDirectory: String, log: String) -> SceneAssets {
        guard ToolCommand.isInstalled("convert"), ToolCommand.isInstalled("display") else {
            return SceneAssets(wallpaper: nil, viewerImage: nil, solid: nil)
        }
        mkdir(cacheDirectory, 0o755)
        func make(_ name: String, _ arguments: [String]) -> String? {
            let path = cacheDirectory + "/" + name
            if access(path, R_OK) == 0 { return path }
            let status = ToolCommand(["convert"] + arguments + ["-depth", "8", path], errorLog: log).run().status
            return status == 0 ? path : nil
        }
        return SceneAssets(
            wallpaper: make(
                "wallpaper-1920x1080-seed7-blur2-posterize64.png",
                ["-seed", "7", "-size", "1920x1080", "plasma:fractal", "-blur", "0x2", "-posterize", "64"]),
            viewerImage: make("viewer-480x360-seed11.png", ["-seed", "11", "-size", "480x360", "plasma:fractal"]),
            solid: make("solid-1920x1080.png", ["-size", "1920x1080", "xc:#3a6ea5"]))
    }
}
