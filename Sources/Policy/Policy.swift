/// A policy: the sandbox for the processes a run starts, and the gate's rules for every action
/// (which apps get input, which keys are denied, what needs approval, how much a run may do).
///
/// Read it from YAML with `init(yaml:file:)`; decide with `decide(_:facts:)`. A pure value: reading
/// the file and applying the confinement are the caller's.
public struct Policy: Sendable, Equatable {
    /// The `sandbox:` section.
    public var sandbox: SandboxPolicy
    /// The `input:` section.
    public var input: InputPolicy
    /// `deny_keys:` and `allow_keys:`.
    public var keys: KeyPolicy
    /// `ask:` rules, in file order.
    public var ask: [ActionRule]
    /// `allow:` rules, in file order.
    public var allow: [ActionRule]
    /// `approval:`.
    public var approval: ApprovalMode
    /// `limits:`.
    public var limits: ActionLimits
    /// `redact:`.
    public var redact: RedactPolicy
    /// `record:`, what `foredesk record` must not write down.
    public var record: RecordPolicy

    /// A policy from its parts; the defaults are `Policy.default`.
    public init(
        sandbox: SandboxPolicy = SandboxPolicy(), input: InputPolicy = InputPolicy(), keys: KeyPolicy = KeyPolicy(),
        ask: [ActionRule] = [], allow: [ActionRule] = [], approval: ApprovalMode = .onRequest,
        limits: ActionLimits = ActionLimits(), redact: RedactPolicy = RedactPolicy(),
        record: RecordPolicy = RecordPolicy()
    ) {
        self.sandbox = sandbox
        self.input = input
        self.keys = keys
        self.ask = ask
        self.allow = allow
        self.approval = approval
        self.limits = limits
        self.redact = redact
        self.record = record
    }

    /// The policy without a file: the workspace sandbox with the network off, input to every
    /// launched app, the default key denials, approval on request, no `ask` rules and no limits.
    public static let `default` = Policy()

    /// Every key a policy file may hold, as paths such as `sandbox.network` or `ask[].command`.
    public static var keyPaths: [String] { PolicySchema.keyPaths }

    /// Reads a policy from YAML text; file names it in error messages.
    ///
    /// Sections left out keep their defaults; an empty text is `Policy.default`.
    /// - Throws: `PolicyError`, whose message starts with `file:line:column`.
    public init(yaml: String, file: String) throws(PolicyError) {
        self = try PolicyParser(file: file).policy(from: yaml)
    }
}
