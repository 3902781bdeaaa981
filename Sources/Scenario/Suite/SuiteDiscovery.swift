import Foundation

/// Finds the scenario files of a suite in the paths `foredesk test` was given.
///
/// A folder is searched recursively for `.yaml` / `.yml` files that have a top-level `steps:` key (a
/// line starting with `steps:`), which a policy never has; folders named `golden` and hidden
/// folders are skipped. A file named directly is always taken as a scenario, so a file without
/// steps is reported as malformed rather than passed over.
public enum SuiteDiscovery {
    /// Folders never searched: golden images, and hidden folders (`.git`, `.build`).
    public static func skipsFolder(named name: String) -> Bool {
        name == "golden" || name.hasPrefix(".")
    }

    /// Whether YAML text is a scenario rather than a policy: it has a top-level `steps:` key.
    /// Textual on purpose, so a scenario with broken YAML is still found and reported as malformed.
    public static func isScenario(text: String) -> Bool {
        text.split(separator: "\n", omittingEmptySubsequences: true).contains { line in
            guard line.hasPrefix("steps") else { return false }
            return line.dropFirst("steps".count).drop { $0 == " " || $0 == "\t" }.first == ":"
        }
    }

    /// Whether a file name ends in `.yaml` or `.yml`.
    public static func isYAML(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }

    /// The scenario files below paths, in the suite's order (`SuiteEntry.precedes`), each file once.
    /// - Throws: `SuiteError` when a path does not exist, or when the paths hold no scenario at all.
    public static func collect(_ paths: [String]) throws(SuiteError) -> [SuiteEntry] {
        var found: [SuiteEntry] = []
        for argument in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                throw SuiteError("\(argument): no such file or folder")
            }
            if isFolder.boolValue {
                found += scenarios(inFolder: argument)
            } else {
                let name = argument.split(separator: "/").last.map(String.init) ?? argument
                found.append(SuiteEntry(path: argument, key: name))
            }
        }
        let entries = unique(found)
        guard !entries.isEmpty else {
            throw SuiteError(
                "no scenario files in \(paths.joined(separator: ", ")) (a scenario is a .yaml file with a top-level steps: key)")
        }
        return entries
    }

    /// Sorted, with a file reached through two arguments kept once (under its first key in order).
    static func unique(_ entries: [SuiteEntry]) -> [SuiteEntry] {
        var seen: Set<String> = []
        return entries.sorted(by: SuiteEntry.precedes).filter {
            seen.insert(URL(fileURLWithPath: $0.path).standardizedFileURL.resolvingSymlinksInPath().path).inserted
        }
    }

    static func scenarios(inFolder root: String) -> [SuiteEntry] {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        var result: [SuiteEntry] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? base : base + "/" + relative
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names {
                let key = relative.isEmpty ? name : relative + "/" + name
                let path = base + "/" + key
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
                if isFolder.boolValue {
                    if !skipsFolder(named: name) { pending.append(key) }
                } else if isYAML(name), let data = FileManager.default.contents(atPath: path),
                    isScenario(text: String(decoding: data, as: UTF8.self))
                {
                    result.append(SuiteEntry(path: path, key: key))
                }
            }
        }
        return result
    }
}
