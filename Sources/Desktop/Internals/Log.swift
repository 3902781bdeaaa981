import Logging

/// The Desktop layer's loggers. Silent unless the process bootstraps swift-log at that level
/// (the command line does with FOREDESK_LOG=debug).
enum Log {
    static let desktop = Logger(label: "foredesk.desktop")
    static let server = Logger(label: "foredesk.server")
}
