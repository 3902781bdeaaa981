/// What `foredesk record` never writes down (`record:`): text typed into sensitive windows, found
/// by class and title because X11 cannot tell a password field from any other.
public struct RecordPolicy: Sendable, Equatable {
    /// `record.sensitive`, in file order; nil when the policy says nothing, which means
    /// `defaultSensitiveWindows`.
    public var sensitiveWindows: [RedactPolicy.WindowRule]?

    /// A record policy from its parts; the default names no windows, so the default list applies.
    public init(sensitiveWindows: [RedactPolicy.WindowRule]? = nil) {
        self.sensitiveWindows = sensitiveWindows
    }

    /// The windows whose typed text is never recorded: `record.sensitive`, or the default list.
    public var sensitive: [RedactPolicy.WindowRule] {
        sensitiveWindows ?? Self.defaultSensitiveWindows
    }

    /// Passphrase and password prompts: pinentry's variants, GNOME's prompter, ssh-askpass's.
    public static let defaultSensitiveWindows: [RedactPolicy.WindowRule] = [
        "Pinentry", "pinentry-gtk-2", "pinentry-gtk", "pinentry-qt", "pinentry-qt5", "pinentry-gnome3",
        "pinentry-fltk", "pinentry-x2go", "Gcr-prompter", "SshAskpass", "ssh-askpass", "ksshaskpass",
    ].map { RedactPolicy.WindowRule(windowClass: $0) }

    /// True when text typed into a window of this class, instance name and title must not be recorded.
    public func isSensitive(className: String, instanceName: String, title: String) -> Bool {
        sensitive.contains { $0.matches(className: className, instanceName: instanceName, title: title) }
    }
}
