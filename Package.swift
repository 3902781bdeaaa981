// swift-tools-version: 6.1
// foredesk: drive an X11 desktop foreground-only, inside a sandbox policy, with a record of every action.
import PackageDescription

/// Strict settings for every Swift target (see STYLE.md): a C type can leak only through `public import`.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "foredesk",
    products: [
        .executable(name: "foredesk", targets: ["foredesk"]),
        .executable(name: "fixture-app", targets: ["fixture-app"]),
        .executable(name: "foredesk-confine", targets: ["foredesk-confine"]),
        .library(name: "Desktop", targets: ["Desktop"]),
        .library(name: "Imaging", targets: ["Imaging"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // Only for the agent tests' MCP client, whose stdio transport takes SystemPackage's FileDescriptor.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // The supervision server (HTTP, server-sent events) on SwiftNIO.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Only for a request's peer address (the supervision server's pairing rate limit); Hummingbird's own.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // Header field names beyond Hummingbird's re-exports (CSRF, security headers).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C layer: declarations and tiny shims only.
        .target(
            name: "CX11",
            linkerSettings: [
                .linkedLibrary("X11"), .linkedLibrary("Xext"), .linkedLibrary("Xtst"),
                .linkedLibrary("Xfixes"), .linkedLibrary("Xdamage"), .linkedLibrary("Xrandr"),
                .linkedLibrary("XRes"), .linkedLibrary("Xi"), .linkedLibrary("xkbcommon"), .linkedLibrary("Xss"),
            ]
        ),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z"), .linkedLibrary("pthread")]),

        // Swift layers, lowest first.
        .target(name: "Imaging", dependencies: ["CPNG"], swiftSettings: strict),
        // posix_spawn with a clean signal mask, for the X server and the confinement helper alike.
        .target(name: "Processes", swiftSettings: strict),
        .target(
            name: "Desktop",
            dependencies: ["CX11", "Imaging", "Processes", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "Sandbox", dependencies: ["CSandbox", "Processes"], swiftSettings: strict),
        // The gate: an action plus desktop facts -> allow / deny / ask / pause, with a reason; no side effects.
        .target(
            name: "Policy",
            dependencies: ["Imaging", "Sandbox", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // Evidence: events.jsonl, frames, session.json, report.html and junit.xml; never runs anything.
        .target(
            name: "Session",
            dependencies: [
                "Imaging", "Policy", .product(name: "Logging", package: "swift-log"),
                // SHA-256 for the hash chain of events.jsonl and the frame digests (BoringSSL's, with assembly).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Scenarios: the YAML format and the runner.
        .target(
            name: "Scenario",
            dependencies: [
                "Imaging", "Processes", "Desktop", "Sandbox", "Policy", "Session", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // The agent door: the same gate, sandbox and session for an AI agent, over MCP (stdio) or JSON lines.
        .target(
            name: "Agent",
            dependencies: [
                "Imaging", "Desktop", "Policy", "Session", "Scenario", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The review and approval server: a paired phone watches the run and answers approvals; never the X connection.
        .target(
            name: "Supervision",
            dependencies: [
                "Imaging", "Policy", "Session", "Scenario", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "foredesk",
            dependencies: [
                "Desktop", "Imaging", "Processes", "Sandbox", "Session", "Policy", "Scenario", "Supervision", "Agent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The X11 app the tests and examples drive; it reports every input event as a JSON line.
        .executableTarget(name: "fixture-app", dependencies: ["CX11"]),

        // Confinement: the C routine that applies every layer, the helper that runs it before
        // execve (small and single-threaded, like bubblewrap), and the probe the escape tests run.
        .target(name: "CSandbox"),
        .executableTarget(name: "foredesk-confine", dependencies: ["CSandbox"]),
        .executableTarget(name: "sandbox-probe"),

        // Benchmarks live with the tools, never in the tests.
        .executableTarget(
            name: "foredesk-bench",
            dependencies: ["Desktop", "Imaging", "Processes", "Scenario", "Session"],
            path: "tools/benchmark",
            swiftSettings: strict
        ),

        .target(name: "TestSupport", dependencies: ["CX11", "Desktop", "Imaging", "Processes", "Sandbox"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DesktopTests", dependencies: ["Desktop", "Imaging", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["Imaging", "Policy", "Sandbox", "Session", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SandboxTests", dependencies: ["CSandbox", "Sandbox", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SessionTests", dependencies: ["Session", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SupervisionTests",
            dependencies: ["Imaging", "Policy", "Scenario", "Session", "Supervision", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "Imaging", "Session", "TestSupport", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict),
    ]
)
