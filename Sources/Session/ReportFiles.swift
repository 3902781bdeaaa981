/// What the report viewer reads from a session folder besides its events: short command output to show
/// inline, the video index, and where each failed `expect_screen`'s golden image lies.
///
/// Images are never read: the page names them by relative path and the browser loads the few it shows.
struct ReportFiles: Equatable {
    /// Output files of at most `outputLimit` bytes, by their path relative to the folder.
    var outputs: [String: String] = [:]
    /// The session's `video/`, when it has one.
    var video: ReportVideo?
    /// A failed `expect_screen`'s golden, by the `golden` parameter, as a URL relative to the folder.
    var goldens: [String: String] = [:]

    /// Output up to this size is shown in the page; larger files are linked.
    static let outputLimit = 4096
    /// All inline output together stays below this, so a session of many commands keeps a small page.
    static let outputBudget = 256 * 1024

    /// Reads what the events of folder refer to; a file that cannot be read is left out, never an error.
    static func read(folder: String, info: SessionInfo, events: [Event]) -> ReportFiles {
        var files = ReportFiles(video: ReportVideo.read(folder: folder, sessionStart: info.start))
        var budget = outputBudget
        for event in events {
            for path in [event.output?.stdout, event.output?.stderr].compactMap({ $0 }) {
                guard Markup.relativeURL(path) != "#", let size = FileSystem.fileSize(folder + "/" + path),
                    size <= outputLimit, size <= budget, let text = try? FileSystem.readText(folder + "/" + path)
                else { continue }
                budget -= size
                files.outputs[path] = text
            }
            if event.action.kind == "expect_screen", event.error != nil, let golden = event.action.golden,
                let link = goldenLink(golden, folder: folder)
            {
                files.goldens[golden] = link
            }
        }
        return files
    }

    /// The golden image relative to the session folder, when it still exists where the run found it.
    ///
    /// Scenario paths are resolved against the scenario's folder when it is parsed, so a relative one is
    /// relative to where the run started; `foredesk report` started elsewhere may not find it, and says nothing.
    private static func goldenLink(_ golden: String, folder: String) -> String? {
        guard golden.lowercased().hasSuffix(".png"), FileSystem.fileSize(golden) != nil,
            let target = try? FileSystem.absolutePath(golden), let base = try? FileSystem.absolutePath(folder)
        else { return nil }
        return Markup.pathURL(FileSystem.relativePath(from: base, to: target))
    }
}

extension RecordedAction {
    /// The `golden` parameter of an `expect_screen`.
    var golden: String? {
        parameters.first { $0.name == "golden" }?.value.stringValue
    }
}
