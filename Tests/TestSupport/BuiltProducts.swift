public import Foundation

/// Executables SwiftPM built beside the test bundle (fixture-app, foredesk).
public enum BuiltProducts {
    /// The folder holding the test bundle and every product of this build.
    public static let directory: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test binary may sit inside foredeskPackageTests.xctest/.
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("fixture-app").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    /// The path of a built product.
    public static func path(_ name: String) -> String { directory + "/" + name }

    /// Starts the built foredesk (or executable) with arguments; its stdout and stderr go to
    /// `dir/stdout` and `dir/stderr`, readable while it runs, and its stdin is empty.
    public static func startForedesk(_ arguments: [String], in dir: String, executable: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? path("foredesk"))
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: dir + "/stdout", contents: nil)
        _ = FileManager.default.createFile(atPath: dir + "/stderr", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/stdout"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/stderr"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// A fresh temporary directory for body, removed afterwards.
public func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "foredesk-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A fresh temporary directory that lives until the process ends (for objects that outlive a scope).
public func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "foredesk-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
