import ArgumentParser
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
              sudo foredesk exec --as offline --network on -- ./test.sh

            By default the current folder is the writable workspace, its .git hooks and config stay read-only (commits work; --strict protects all of .git), /tmp is private and empty, and the network is off (loopback only). Everything else is read-only. The command gets no capabilities, no_new_privs and a seccomp filter; every process it starts lives in the run's cgroup and ends with it.

            --as offline or online runs the command as elevated mode's account of that name (root only; see foredesk sandbox setup): the workspace and --rw folders are granted to it with ACLs before the run, and foredesk-offline's packets are rejected by the firewall even with --network on.

            A layer this machine cannot apply makes foredesk refuse, naming it, unless --allow-degraded names that layer (landlock or cgroup); degraded layers are reported on stderr. The exit status is the command's (128 + N when signal N ended it), 125 when the sandbox refused.
            """)

    @Option(help: ArgumentHelp("The writable workspace (default: the current folder).", valueName: "dir"))
    var workspace: String?
    @Flag(help: "Make no folder writable by default (only --rw ones).") var noWorkspace = false
    @Flag(help: "Keep all of the workspace's .git read-only (default: only its hooks and config, so commits work).")
    var strict = false
    @Option(help: ArgumentHelp("Another writable folder (repeatable).", valueName: "dir")) var rw: [String] = []
    @Option(help: ArgumentHelp("A path kept read-only inside a writable folder (repeatable).", valueName: "path"))
    var protect: [String] = []
    @Option(help: ArgumentHelp("off (default) or on.", valueName: "mode")) var network: String = "off"
    @Flag(help: "Share the host's /tmp instead of a private one.") var sharedTmp = false
    @Option(help: ArgumentHelp("Most processes at once.", valueName: "n")) var maxProcesses: Int = 512
    @Option(help: ArgumentHelp("Run even if this machine lacks the layer: landlock or cgroup (repeatable).", valueName: "layer"))
    var allowDegraded: [String] = []
    @Option(name: .customLong("as"), help: ArgumentHelp("Whom the command runs as: caller (default), offline or online (root, elevated mode).", valueName: "identity"))
    var identity: String = "caller"
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        if NetworkAccess(rawValue: network) == nil { throw ValidationError("--network must be off or on (got '\(network)')") }
        for layer in allowDegraded where DegradableLayer(rawValue: layer) == nil {
            throw ValidationError("--allow-degraded takes landlock or cgroup (got '\(layer)')")
        }
        if command.first == "--" ? command.count < 2 : command.isEmpty {
            throw ValidationError("name the command to run after --, e.g. foredesk exec -- make test")
        }
        if maxProcesses < 1 { throw ValidationError("--max-processes must be at least 1") }
        if Self.identity(identity) == nil { throw ValidationError("--as takes caller, offline or online (got '\(identity)')") }
    }

    func run() throws {
        var confinement = Confinement()
        if !noWorkspace {
            confinement = .workspace(Self.absolute(workspace ?? Self.currentDirectory()), strict: strict)
        }
        if sharedTmp { confinement.privateDirectories.removeAll { $0 == "/tmp" } }
        confinement.writableRoots += rw.map(Self.absolute)
        confinement.protectedPaths += protect.map(Self.absolute)
        confinement.network = NetworkAccess(rawValue: network) ?? .off
        confinement.maxProcesses = maxProcesses
        confinement.allowDegraded = Set(allowDegraded.compactMap(DegradableLayer.init(rawValue:)))
        confinement.identity = Self.identity(identity) ?? .caller
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
        let status = process.wait(timeout: .seconds(365 * 24 * 3600)) ?? 1
        throw ExitCode(status)
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
        discussion: "Example:\n  foredesk sandbox check\n\nExits 0 when every layer applies, 1 when a run would need --allow-degraded.")

    func run() throws {
        let check = SandboxCheck.run()
        let width = check.items.map(\.name.count).max() ?? 0
        for item in check.items {
            let name = item.name + String(repeating: " ", count: width - item.name.count)
            print("\(item.available ? "ok  " : "MISS") \(name)  \(item.detail)")
        }
        if !check.fullyConfined { throw ExitCode(1) }
    }
}
