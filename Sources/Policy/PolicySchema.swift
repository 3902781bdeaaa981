/// The keys a policy file may hold, section by section: the parser refuses any other, and the
/// documentation test checks that `Scenarios/README.md` describes every one.
enum PolicySchema {
    static let top = ["sandbox", "input", "deny_keys", "allow_keys", "ask", "allow", "approval", "limits", "redact", "record"]
    static let sandbox = [
        "writable", "protected", "strict_git", "private_tmp", "network", "identity", "display", "limits",
        "degrade",
    ]
    static let sandboxLimits = ["max_processes", "max_memory", "max_open_files", "max_cpu_time", "max_file_size", "max_wall_time"]
    static let input = ["apps", "window_classes"]
    static let rule = ["action", "window_class", "command"]
    static let limits = ["max_actions", "max_duration", "max_actions_per_second", "max_screenshots_per_minute"]
    static let redact = ["windows", "regions"]
    static let redactWindow = ["class", "title"]
    static let record = ["sensitive"]

    /// Every key as a path: `sandbox.network`, `ask[].command`, `limits.max_duration`.
    static var keyPaths: [String] {
        top + sandbox.map { "sandbox.\($0)" } + sandboxLimits.map { "sandbox.limits.\($0)" }
            + input.map { "input.\($0)" } + rule.map { "ask[].\($0)" } + rule.map { "allow[].\($0)" }
            + limits.map { "limits.\($0)" } + redact.map { "redact.\($0)" }
            + redactWindow.map { "redact.windows[].\($0)" } + record.map { "record.\($0)" }
            + redactWindow.map { "record.sensitive[].\($0)" }
    }
}
