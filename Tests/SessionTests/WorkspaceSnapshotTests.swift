import Foundation
import Session
import TestSupport
import Testing

/// What changed under a writable root since a snapshot: text as unified diffs, binary files named
/// only, `.git` and the session folder left out.
@Suite struct WorkspaceSnapshotTests {
    func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func addedRemovedModifiedAndBinaryFilesAreReported() throws {
        try withTemporaryDirectory { dir in
            let ws = dir + "/ws"
            try write("one\ntwo\nthree\n", ws + "/notes.txt")
            try write("gone\n", ws + "/old.txt")
            try write("same\n", ws + "/same.txt")
            try Data([0, 1, 2]).write(to: URL(fileURLWithPath: ws + "/blob.bin"))
            try write("[core]\n", ws + "/.git/config")
            try write("session\n", ws + "/out/s1/events.jsonl")
            let before = WorkspaceSnapshot.take(roots: [ws, ws + "/out/s1"], excluding: [ws + "/out"])

            try write("one\n2\nthree\nfour\n", ws + "/notes.txt")
            try FileManager.default.removeItem(atPath: ws + "/old.txt")
            try write("new file\n", ws + "/sub/new.txt")
            try Data([0, 9, 9, 9]).write(to: URL(fileURLWithPath: ws + "/blob.bin"))
            try write("[core]\nbare = true\n", ws + "/.git/config")
            try write("more\n", ws + "/out/s1/events.jsonl")

            let changes = before.diffNow(excluding: [ws + "/out"])
            #expect(changes.map(\.name) == ["blob.bin", "notes.txt", "old.txt", "sub/new.txt"])
            #expect(changes.map(\.kind) == [.modified, .modified, .removed, .added])
            #expect(changes[0].isBinary && changes[0].unifiedText == "Binary file blob.bin modified\n")
            #expect(
                changes[1].unifiedText == """
                    --- a/notes.txt
                    +++ b/notes.txt
                    @@ -1,3 +1,4 @@
                     one
                    -two
                    +2
                     three
                    +four

                    """)
            #expect(changes[2].unifiedText == "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n")
            #expect(changes[3].unifiedText == "--- /dev/null\n+++ b/sub/new.txt\n@@ -0,0 +1 @@\n+new file\n")
            #expect(changes[3].path == ws + "/sub/new.txt")
        }
    }

    @Test func largeFilesAreComparedWithoutTheirLines() throws {
        try withTemporaryDirectory { dir in
            let big = String(repeating: "x", count: WorkspaceSnapshot.maxContentBytes + 10)
            try write(big, dir + "/big.txt")
            let before = WorkspaceSnapshot.take(roots: [dir])
            try write(big + "y", dir + "/big.txt")
            let changes = before.diffNow()
            #expect(changes.count == 1)
            #expect(changes.first?.unifiedText.contains("larger than 1 MB") == true)
            #expect(WorkspaceSnapshot.take(roots: [dir + "/missing"]).diffNow().isEmpty)
        }
    }
}
