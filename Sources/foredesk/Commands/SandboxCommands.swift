import ArgumentParser
import FoundationEssentials
import Policy
import Processes
import Sandbox

#if canImport(Glibc)
    import Glibc
#endif

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command confined: write only in the workspace, .git read-only, no network.",
        discussion: """
            Examples:
              foredesk exec -- make test
              foredesk exec --workspace ~/src/app --network on -- npm install
              foredesk exec --rw /data/out --no-workspace -- ./render.sh
              foredesk exec --max-processes 64 --allow-degraded landlock -- ./build.sh
              foredesk exec --policy Scenarios/policies/strict.yaml -- ./tool
              sudo foredesk exec --as offline --network on -- ./test.sh

            By default the current folder is the writable workspace, its .git hooks and config stay read-only (commits work; --strict protects all of .git), /tmp is private and empty, and the network is off (loopback only). Everything else is read-only. The command gets no capabilities, no_new_privs and a seccomp filter; every process it starts lives in the run's cgroup and ends with it.

            --as offline or online runs the command as elevated mode's account of that name (root only; see foredesk sandbox setup): the workspace and --rw folders are granted to it with ACLs before the run, and foredesk-offline's packets are rejected by the firewall even with --network on.

            A layer this machine cannot apply makes foredesk refuse, naming it, unless --allow-degraded names that layer (landlock or cgroup); degraded layers are reported on stderr. The exit status is the command's (128 + N when signal N ended it), 125 when the sandbox refused.
            """)

    @Option(help: ArgumentHelp("A policy file whose sandbox: section sets the defaults the other options adjust.", valueName: "file"))
    var policy: String?
    @Option(help: ArgumentHelp("The writable workspace (default: the current folder).", valueName: "dir"))
    var workspace: String?
    @Flag(help: "Make no folder writable by default (only --rw ones).") var noWorkspace = false
    @Flag(help: "Keep all of the workspace's .git read-only (default: only its hooks and config, so commits work).")
    var strict = false
    @Option(help: ArgumentHelp("Another writable folder (repeatable).", valueName: "dir")) var rw: [String] = []
    @Option(help: ArgumentHelp("A path kept read-only inside a writable folder (repeatable).", valueName: "path"))
    var protect: [String] = []
    @Option(help: ArgumentHelp("off (default) or on.", valueName: "mode")) var network: String?
    @Flag(help: "Share the host's /tmp instead of a private one.") var sharedTmp = false
    @Option(help: ArgumentHelp("Most processes at once (default 512).", valueName: "n")) var maxProcesses: Int?
    @Option(help: ArgumentHelp("Run even if this machine lacks the layer: landlock or cgroup (repeatable).", valueName: "layer"))
    var allowDegraded: [String] = []
    @Option(name: .customLong("as"), help: ArgumentHelp("Whom the command runs as: self (default), offline or online (root, elevated mode).", valueName: "identity"))
    var identity: String?
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        if let network, NetworkAccess(rawValue: network) == nil {
            throw ValidationError("--network must be off or on (got '\(network)')")
        }
        for layer in allowDegraded where DegradableLayer(rawValue: layer) == nil {
            throw ValidationError("--allow-degraded takes landlock or cgroup (got '\(layer)')")
        }
        if let first = command.first, first != "--", first.hasPrefix("-") {
            throw ValidationError("unknown option '\(first)' (the command goes after --, e.g. foredesk exec -- make test)")
        }
        if command.first == "--" ? command.count < 2 : command.isEmpty {
            throw ValidationError("name the command to run after --, e.g. foredesk exec -- make test")
        }
        if let maxProcesses, maxProcesses < 1 { throw ValidationError("--max-processes must be at least 1") }
        if let identity, Self.identity(identity) == nil {
            throw ValidationError("--as takes self, offline or online (got '\(identity)')")
        }
    }

    func run() throws {
        let root = Self.absolute(workspace ?? Self.currentDirectory())
        var confinement = Confinement()
        if let policy {
            confinement = try reporting { () throws -> Confinement in try Self.confinement(fromPolicy: policy, workspace: root) }
            if noWorkspace { confinement.writableRoots.removeAll { $0 == root } }
        } else if !noWorkspace {
            confinement = .workspace(root, strict: strict)
        }
        if sharedTmp { confinement.privateDirectories.removeAll { $0 == "/tmp" } }
        confinement.writableRoots += rw.map(Self.absolute)
        confinement.protectedPaths += protect.map(Self.absolute)
        if let network { confinement.network = NetworkAccess(rawValue: network) ?? .off }
        if let maxProcesses { confinement.maxProcesses = maxProcesses }
        confinement.allowDegraded.formUnion(allowDegraded.compactMap(DegradableLayer.init(rawValue:)))
        if let identity { confinement.identity = Self.identity(identity) ?? .caller }
        Self.prepareIdentity(confinement)
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        let process: SandboxedProcess
        do {
            process = try SandboxedProcess(argv, confinement: confinement)
        } catch let SandboxError.cannotExecute(command, name) {
            // As env(1) and shells do: 127 when not found, 126 when it cannot be run.
            fail(SandboxError.cannotExecute(command: command, name: name).description, code: name == "ENOENT" ? 127 : 126)
        } catch {
            fail(error.description, code: 125)
        }
        for step in process.report.degraded {
            let line = "foredesk: warning: running without \(step.layer ?? step.step) (\(step.errnoName)), as --allow-degraded allows\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }
        // Signals meant for foredesk go to the command; the helper forwards them inside.
        let (status, timedOut) = process.waitForExit()
        if timedOut, let limit = confinement.maxWallTime {
            fail("the command ran past the policy's max_wall_time of \(limit) and was ended", code: 124)
        }
        throw ExitCode(status)
    }

    /// The confinement a policy file's sandbox: section describes for this workspace.
    static func confinement(fromPolicy path: String, workspace: String) throws -> Confinement {
        guard let file = fopen(path, "r") else {
            throw CommandFailure.usage("cannot read the policy \(path): \(String(cString: strerror(errno)))")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        fclose(file)
        let policy: Policy
        do {
            policy = try Policy(yaml: String(decoding: bytes, as: UTF8.self), file: path)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        // ${tmp} is a fresh folder for this run, made only when the policy names it and removed
        // when foredesk exits (atexit also runs on the error paths, which call exit()).
        var tmp = "/tmp"
        if String(decoding: bytes, as: UTF8.self).contains("${tmp}") {
            var template = Array("/tmp/foredesk-exec-\(getpid())-XXXXXX".utf8CString)
            if let made = mkdtemp(&template) {
                tmp = String(cString: made)
                runTemporaryFolder = tmp
                atexit { if let folder = runTemporaryFolder { try? FileManager.default.removeItem(atPath: folder) } }
            }
        }
        let paths = SandboxPolicy.Paths(workspace: workspace, out: workspace + "/out", tmp: tmp)
        return policy.sandbox.confinement(for: paths, isDirectory: FileKind.isDirectory)
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// An absolute, resolved path (symlinks followed), as the helper wants them.
    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        guard let resolved = realpath(joined, nil) else { return joined }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// The ${tmp} folder of this exec, removed at exit.
nonisolated(unsafe) private var runTemporaryFolder: String?

struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Inspect what the sandbox can do on this machine; install or remove elevated mode.",
        subcommands: [SandboxCheckCommand.self, SandboxSetupCommand.self, SandboxStatusCommand.self, SandboxTeardownCommand.self])
}

struct SandboxCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Say which sandbox layers this kernel and machine support, by probing and one confined run.",
        discussion: """
            Examples:
              foredesk sandbox check
              foredesk sandbox check --policy Scenarios/policies/app.yaml

            With --policy it also says what a run under that policy would get here: every layer, a run without the layers its degrade: list allows, or a refusal naming the missing layer. Exits 0 when a run (under the policy, if given) gets every layer it needs, 1 otherwise.
            """)

    @Option(help: ArgumentHelp("A policy file: say which mode a run under it would get here.", valueName: "file"))
    var policy: String?

    func run() throws {
        let check = SandboxCheck.run()
        let width = check.items.map(\.name.count).max() ?? 0
        for item in check.items {
            let name = item.name + String(repeating: " ", count: width - item.name.count)
            print("\(item.available ? "ok  " : "MISS") \(name)  \(item.detail)")
        }
        guard let policy else {
            if !check.fullyConfined { throw ExitCode(1) }
            return
        }
        let confinement = try reporting { () throws -> Confinement in
            try Exec.confinement(fromPolicy: policy, workspace: Exec.currentDirectory())
        }
        let verdict = Self.mode(of: confinement, on: check, elevated: ElevatedSetup().status())
        print("\npolicy \(policy): \(verdict.text)")
        if !verdict.ok { throw ExitCode(1) }
    }

    /// What a run under confinement would get on a machine where check found what it found.
    static func mode(of confinement: Confinement, on check: SandboxCheck, elevated: ElevatedStatus)
        -> (ok: Bool, text: String)
    {
        let available = { (name: String) in check.items.first { $0.name == name }?.available ?? false }
        var missing: [String] = []
        var degraded: [String] = []
        for (name, layer) in [("landlock", DegradableLayer.landlock), ("cgroup", .cgroup)] where !available(name) {
            if confinement.allowDegraded.contains(layer) { degraded.append(name) } else { missing.append(name) }
        }
        if confinement.identity != .caller && !elevated.installed {
            missing.append("elevated mode for identity \(confinement.identity.rawValue) (sudo foredesk sandbox setup)")
        }
        if !missing.isEmpty { return (false, "would refuse: " + missing.joined(separator: ", ") + " missing") }
        if !degraded.isEmpty { return (true, "would run without " + degraded.joined(separator: ", ") + ", as its degrade: list allows") }
        return (true, "would run with every layer")
    }
}
