import Foundation
import Session

/// The past sessions in a sessions folder (`--out`), and their files by a path that cannot leave it.
struct SessionFiles: Sendable {
    /// A past session as `GET /api/sessions` lists it.
    struct Entry: Codable, Sendable, Equatable {
        var name: String
        var scenario: String
        var verdict: String
        var start: String
        /// `/sessions/NAME/report.html`, when the session has a report.
        var report: String?
    }

    /// The sessions folder, absolute and without symbolic links; nil when there is none.
    let root: String?

    init(root: String?) {
        self.root = root.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    /// Every folder in root with a readable session.json, newest first.
    func list() -> [Entry] {
        guard let root, let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var entries: [Entry] = []
        for name in names where Self.isPlainName(name) {
            let folder = root + "/" + name
            guard let text = try? String(contentsOfFile: folder + "/session.json", encoding: .utf8),
                let info = try? SessionInfo(jsonText: text)
            else { continue }
            let report = FileManager.default.fileExists(atPath: folder + "/report.html")
            entries.append(
                Entry(
                    name: name, scenario: info.scenario, verdict: info.verdict.rawValue, start: info.start.iso8601,
                    report: report ? "/sessions/\(name)/report.html" : nil))
        }
        return entries.sorted { $0.start > $1.start }
    }

    /// The file for a request path below `/sessions/` (`NAME/report.html`): every part percent-decoded and
    /// plain (no `..`, `.`, hidden or empty part), and the resolved file still inside root. Nil otherwise.
    func file(_ relative: Substring) -> String? {
        guard let root else { return nil }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).removingPercentEncoding
        }
        guard !parts.isEmpty, parts.count <= 8 else { return nil }
        var path = root
        for part in parts {
            guard let part, Self.isPlainName(part) else { return nil }
            path += "/" + part
        }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var isFolder: ObjCBool = false
        guard resolved.hasPrefix(root + "/"), FileManager.default.fileExists(atPath: resolved, isDirectory: &isFolder),
            !isFolder.boolValue
        else { return nil }
        return resolved
    }

    /// A file or folder name that names nothing above it or hidden.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
    }

    /// The Content-Type for a session file.
    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "json": "application/json"
        case "png": "image/png"
        case "xml": "application/xml"
        case "mp4": "video/mp4"
        case "css": "text/css"
        case "js": "text/javascript"
        default: "text/plain; charset=utf-8"
        }
    }
}
