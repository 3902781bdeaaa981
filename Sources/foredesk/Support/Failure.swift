import ArgumentParser
import Desktop
import Imaging
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Exit codes from sysexits(3), so scripts can tell the kinds of failure apart.
enum Exit {
    static let actionFailed: Int32 = 1
    static let usage: Int32 = 64
    static let data: Int32 = 65
    static let unavailable: Int32 = 69
}

/// Runs a command body, turning foredesk errors into one line on stderr and the matching exit code.
@discardableResult
func reporting<T>(_ body: () throws -> T) throws -> T {
    bootstrapLogging()
    do {
        return try body()
    } catch let error as DesktopError {
        fail(error.description, code: exitCode(for: error))
    } catch let error as ImagingError {
        fail(error.description, code: exitCode(for: error))
    } catch let error as CommandFailure {
        fail(error.message, code: error.code)
    }
}

/// A failure a command detects itself, with its exit code.
struct CommandFailure: Error {
    let message: String
    let code: Int32

    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, code: Exit.usage) }
    static func action(_ message: String) -> CommandFailure { CommandFailure(message: message, code: Exit.actionFailed) }
}

func fail(_ message: String, code: Int32) -> Never {
    var line = "foredesk: error: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(code)
}

func exitCode(for error: DesktopError) -> Int32 {
    switch error {
    case .noDisplay, .cannotOpen, .connectionLost, .missingExtension, .unsupportedVisual, .server:
        Exit.unavailable
    case .outsideScreen, .regionOutside, .unknownKey:
        Exit.usage
    case .windowGone, .protocolError, .timeout, .activationFailed, .interrupted:
        Exit.actionFailed
    case let .imaging(inner):
        exitCode(for: inner)
    }
}

func exitCode(for error: ImagingError) -> Int32 {
    switch error {
    case .invalidPNG: Exit.data
    case .regionOutside, .sizeMismatch: Exit.usage
    case .encodeFailed, .io: Exit.actionFailed
    }
}

/// FOREDESK_LOG=debug (or trace, info, notice, warning) shows the library's log on stderr; quiet otherwise.
func bootstrapLogging() {
    _ = loggingBootstrap
}

/// swift-log may be bootstrapped once per process; a global's initialiser runs exactly once.
private let loggingBootstrap: Void = {
    let level = getenv("FOREDESK_LOG").flatMap { Logger.Level(rawValue: String(cString: $0)) } ?? .warning
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}()
