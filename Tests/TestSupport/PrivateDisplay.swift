public import Desktop
import Imaging
public import Testing

/// The private X server of the running suite; see `Trait.privateDisplay`.
public enum PrivateDisplay {
    @TaskLocal public static var current: VirtualDisplay?

    /// The suite's display; fails the test when the suite has no `.privateDisplay` trait.
    public static func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> VirtualDisplay {
        try #require(current, "this suite needs the .privateDisplay() trait", sourceLocation: sourceLocation)
    }
}

/// Starts a private Xvfb (free display number, own cookie, no TCP) around a suite and stops it after.
public struct PrivateDisplayTrait: SuiteTrait, TestTrait, TestScoping {
    public let options: VirtualDisplay.Options
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let display = try VirtualDisplay(options)
        defer { display.stop() }
        try await PrivateDisplay.$current.withValue(display) { try await function() }
    }
}

extension Trait where Self == PrivateDisplayTrait {
    /// A private X server for this suite: size, MIT-SHM on or off, and openbox for EWMH.
    public static func privateDisplay(
        width: Int = 1024, height: Int = 768, sharedMemory: Bool = true, windowManager: Bool = false
    ) -> Self {
        PrivateDisplayTrait(
            options: VirtualDisplay.Options(
                size: Size(width: width, height: height), sharedMemory: sharedMemory, windowManager: windowManager))
    }
}
