/// What happens to actions that need a person's approval.
public enum ApprovalMode: String, Sendable, CaseIterable {
    /// Nobody approves: what an `ask` rule matches is denied.
    case never
    /// What an `ask` rule matches is asked; everything else is allowed.
    case onRequest = "on-request"
    /// Every acting action (input, activate, launch, run) that no `allow` rule names is asked too.
    case untrusted
}
