import Foundation
import TestSupport

/// Runs the built `foredesk` binary and captures what it prints.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// launcher, when given, runs foredesk (e.g. setpriv with its options, ending in "--").
func foredesk(
    _ arguments: [String], environment: [String: String] = [:], removing: [String] = [], launcher: [String] = []
) throws -> CommandResult {
    let process = Process()
    let argv = launcher + [BuiltProducts.path("foredesk")] + arguments
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    var env = ProcessInfo.processInfo.environment
    for key in removing { env[key] = nil }
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}
