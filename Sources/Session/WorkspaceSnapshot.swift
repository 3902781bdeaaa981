#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The regular files under a run's writable roots at one moment, so that what the run changed can
/// be shown later as unified diffs (`diff(now:)`).
///
/// Bounded: `.git` folders and symbolic links are skipped, at most `maxFiles` files are looked at,
/// files above `maxContentBytes` are compared by size and modification time only, and the text
/// kept to diff against stays under `maxKeptBytes` in all (later files are compared by hash).
public struct WorkspaceSnapshot: Sendable {
    /// At most this many files are looked at; the rest are left out (`isTruncated`).
    public static let maxFiles = 5000
    /// Larger files are not read, only compared by size and modification time.
    public static let maxContentBytes = 1 << 20
    /// At most this much old text is kept to show diffs against.
    public static let maxKeptBytes = 32 << 20

    struct Entry: Sendable, Equatable {
        var name: String
        var size: Int
        var modified: Int
        /// SHA-256 of the content; nil when the file is larger than `maxContentBytes`.
        var hash: String?
        var isBinary: Bool
        /// The text, when it is text and the snapshot had room for it.
        var text: String?
    }

    /// The folders looked at (absolute; missing ones are left out).
    public let roots: [String]
    /// More than `maxFiles` files were there; the later ones were not looked at.
    public private(set) var isTruncated = false
    /// Absolute path → what the file was.
    var entries: [String: Entry] = [:]

    /// The files under roots now, leaving out the folders in excluding (the session folder).
    public static func take(roots: [String], excluding: [String] = []) -> WorkspaceSnapshot {
        // A root inside another is walked with it.
        let folders = roots.filter { root in
            FileSystem.isDirectory(root) && !excluding.contains { root == $0 || root.hasPrefix($0 + "/") }
        }
        let outer = folders.filter { root in !folders.contains { $0 != root && root.hasPrefix($0 + "/") } }
        var snapshot = WorkspaceSnapshot(roots: outer)
        var kept = 0
        var count = 0
        for root in snapshot.roots {
            var pending = [root]
            while let folder = pending.popLast() {
                let names = ((try? FileSystem.entries(in: folder)) ?? []).sorted()
                for name in names {
                    let path = folder == "/" ? "/" + name : folder + "/" + name
                    if name == ".git" || excluding.contains(path) { continue }
                    var info = stat()
                    guard lstat(path, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR:
                        pending.append(path)
                    case S_IFREG:
                        count += 1
                        if count > maxFiles {
                            snapshot.isTruncated = true
                            return snapshot
                        }
                        let entry = Self.entry(path, name: relative(path, to: root), info, room: maxKeptBytes - kept)
                        kept += entry.text?.utf8.count ?? 0
                        snapshot.entries[path] = entry
                    default:
                        continue
                    }
                }
            }
        }
        return snapshot
    }

    /// The files added, removed or modified between this snapshot and later, a snapshot of the
    /// same roots; ordered by path.
    public func diff(now later: WorkspaceSnapshot) -> [FileChange] {
        var changes: [FileChange] = []
        for path in Set(entries.keys).union(later.entries.keys).sorted() {
            let before = entries[path]
            let after = later.entries[path]
            if let before, let after, !Self.differ(before, after) { continue }
            // A file missing from a truncated snapshot may simply not have been looked at.
            if before == nil && isTruncated || after == nil && later.isTruncated { continue }
            if let change = Self.change(path, before, after) { changes.append(change) }
        }
        return changes
    }

    /// The changes since this snapshot: a new snapshot of the same roots, compared.
    public func diffNow(excluding: [String] = []) -> [FileChange] {
        diff(now: Self.take(roots: roots, excluding: excluding))
    }

    // MARK: - Helpers

    static func entry(_ path: String, name: String, _ info: stat, room: Int) -> Entry {
        let size = Int(info.st_size)
        let modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        var entry = Entry(name: name, size: size, modified: modified, hash: nil, isBinary: false, text: nil)
        guard size <= maxContentBytes, let bytes = try? FileSystem.readBytes(path), bytes.count <= maxContentBytes
        else { return entry }
        entry.hash = EventChain.hash(bytes)
        let text = String(validating: bytes, as: UTF8.self)
        entry.isBinary = bytes.contains(0) || text == nil
        if !entry.isBinary, bytes.count <= room { entry.text = text }
        return entry
    }

    static func differ(_ before: Entry, _ after: Entry) -> Bool {
        if let old = before.hash, let new = after.hash { return old != new }
        return before.size != after.size || before.modified != after.modified
    }

    static func change(_ path: String, _ before: Entry?, _ after: Entry?) -> FileChange? {
        guard let either = after ?? before else { return nil }
        let name = either.name
        let kind: FileChange.Kind = before == nil ? .added : after == nil ? .removed : .modified
        let binary = before?.isBinary == true || after?.isBinary == true
        if binary {
            return FileChange(
                path: path, name: name, kind: kind, isBinary: true, unifiedText: "Binary file \(name) \(kind.rawValue)\n")
        }
        let tooLarge = [before, after].contains { $0 != nil && $0?.hash == nil }
        if tooLarge {
            return FileChange(
                path: path, name: name, kind: kind, isBinary: false,
                unifiedText: "File \(name) \(kind.rawValue) (larger than 1 MB, not compared line by line)\n")
        }
        // Text that did not fit in the snapshot's budget cannot be shown against.
        guard before == nil || before?.text != nil else {
            return FileChange(
                path: path, name: name, kind: kind, isBinary: false,
                unifiedText: "File \(name) \(kind.rawValue) (its earlier text was not kept)\n")
        }
        let old = before?.text ?? ""
        let new = after.flatMap { $0.text ?? (try? FileSystem.readText(path)) ?? nil } ?? ""
        let header = "--- \(before == nil ? "/dev/null" : "a/" + name)\n+++ \(after == nil ? "/dev/null" : "b/" + name)\n"
        return FileChange(
            path: path, name: name, kind: kind, isBinary: false,
            unifiedText: header + LineDiff.hunks(from: old, to: new))
    }

    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
