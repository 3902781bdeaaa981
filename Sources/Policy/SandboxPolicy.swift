public import Sandbox

/// The policy's `sandbox:` section: what confined processes may do, with paths still holding
/// `${workspace}`, `${out}` and `${tmp}` until a run fills them in (`confinement(for:)`).
public struct SandboxPolicy: Sendable, Equatable {
    /// How much a GUI app is trusted on the session's display (issue 3).
    public enum DisplayTrust: String, Sendable, CaseIterable {
        /// An untrusted X cookie: the app opens windows but cannot capture, inject or snoop.
        case untrusted
        /// A trusted X cookie.
        case trusted
    }

    /// The variables a path may start with.
    public static let variables = ["workspace", "out", "tmp"]

    /// Folders processes may write below (templates).
    public var writable: [String]
    /// Paths kept read-only inside the writable roots, on top of git's (templates).
    public var protected: [String]
    /// Keep all of `.git` read-only in each writable root, not only its hooks and config.
    public var strictGit: Bool
    /// Give processes a private, empty `/tmp`.
    public var privateTmp: Bool
    /// The network processes reach.
    public var network: NetworkAccess
    /// The account processes run as: the caller, or elevated mode's offline or online account.
    public var identity: Identity
    /// How much GUI apps are trusted on the session's display.
    public var display: DisplayTrust
    /// The most processes at once.
    public var maxProcesses: Int?
    /// The most address space per process, in bytes (`RLIMIT_AS`).
    public var maxMemory: Int?
    /// The most open files per process (`RLIMIT_NOFILE`).
    public var maxOpenFiles: Int?
    /// The most CPU time per process (`RLIMIT_CPU`, whole seconds, rounded up).
    public var maxCPUTime: Duration?
    /// The largest file a process may write, in bytes (`RLIMIT_FSIZE`).
    public var maxFileSize: Int?
    /// How long a run may take in all, from its start to its end.
    public var maxWallTime: Duration?
    /// Layers a run may do without on a machine that lacks them.
    public var allowDegraded: Set<DegradableLayer>

    /// A sandbox section from its parts; the defaults are the workspace sandbox with the network off.
    public init(
        writable: [String] = ["${workspace}"], protected: [String] = [], strictGit: Bool = false,
        privateTmp: Bool = true, network: NetworkAccess = .off, identity: Identity = .caller,
        display: DisplayTrust = .untrusted, maxProcesses: Int? = 512, maxMemory: Int? = nil,
        maxOpenFiles: Int? = nil, maxCPUTime: Duration? = nil, maxFileSize: Int? = nil,
        allowDegraded: Set<DegradableLayer> = []
    ) {
        self.writable = writable
        self.protected = protected
        self.strictGit = strictGit
        self.privateTmp = privateTmp
        self.network = network
        self.identity = identity
        self.display = display
        self.maxProcesses = maxProcesses
        self.maxMemory = maxMemory
        self.maxOpenFiles = maxOpenFiles
        self.maxCPUTime = maxCPUTime
        self.maxFileSize = maxFileSize
        self.allowDegraded = allowDegraded
    }

    /// The paths a run fills into the templates.
    public struct Paths: Sendable, Equatable {
        /// `${workspace}`: the folder the scenario or command works in.
        public var workspace: String
        /// `${out}`: the session folder.
        public var out: String
        /// `${tmp}`: the run's own temporary folder.
        public var tmp: String

        /// Paths from their parts (absolute, resolved).
        public init(workspace: String, out: String, tmp: String) {
            self.workspace = workspace
            self.out = out
            self.tmp = tmp
        }
    }

    /// The Sandbox layer's confinement for a run.
    ///
    /// Each writable root keeps git's hooks and config read-only (all of `.git` with `strict_git`),
    /// as `Confinement.workspace` decides from isDirectory, which the caller passes in (usually
    /// `FileKind.isDirectory`) so that the policy itself touches no file.
    public func confinement(for paths: Paths, isDirectory: (String) -> Bool?) -> Confinement {
        let roots = writable.map { Self.substitute($0, paths) }
        var protectedPaths: [String] = []
        for root in roots {
            protectedPaths += Confinement.workspace(root, strict: strictGit, isDirectory: isDirectory).protectedPaths
        }
        protectedPaths += protected.map { Self.substitute($0, paths) }
        var limits: [String: Int] = [:]
        if let maxMemory { limits["as"] = maxMemory }
        if let maxOpenFiles { limits["nofile"] = maxOpenFiles }
        if let maxFileSize { limits["fsize"] = maxFileSize }
        if let maxCPUTime {
            let (seconds, attoseconds) = maxCPUTime.components
            limits["cpu"] = Int(seconds) + (attoseconds > 0 ? 1 : 0)
        }
        var confinement = Confinement(
            writableRoots: Self.unique(roots), protectedPaths: Self.unique(protectedPaths),
            privateDirectories: privateTmp ? ["/tmp"] : [], network: network, maxProcesses: maxProcesses,
            resourceLimits: limits, allowDegraded: allowDegraded, identity: identity)
        confinement.maxWallTime = maxWallTime
        return confinement
    }

    /// template with `${workspace}`, `${out}` and `${tmp}` replaced.
    static func substitute(_ template: String, _ paths: Paths) -> String {
        template.replacing("${workspace}", with: paths.workspace).replacing("${out}", with: paths.out)
            .replacing("${tmp}", with: paths.tmp)
    }

    private static func unique(_ paths: [String]) -> [String] {
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }
}
