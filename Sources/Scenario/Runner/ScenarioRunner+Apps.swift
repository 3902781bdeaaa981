import Desktop
import Foundation
import Imaging
import Policy
import Processes
import Sandbox
import Session

// Launching apps in their sandboxes, finding and activating their windows.
extension ScenarioRunner {
    func launch(_ name: String, timeout: Duration, _ event: inout Event) throws {
        guard let app = scenario.app(named: name) else { throw StepFailure("no app named '\(name)' is declared") }
        let policy = policies[name] ?? gate
        var argv = app.command.argv.map(fill)
        if let tools = options.toolDirectory, let program = argv.first, !program.contains("/"),
            FileManager.default.isExecutableFile(atPath: tools + "/" + program)
        {
            argv[0] = tools + "/" + program
        }
        let (facts, _) = try facts()
        try check(Action.launch(app: name, command: argv.joined(separator: " ")), facts, &event)
        var confinement = policy.sandbox.confinement(
            for: SandboxPolicy.Paths(workspace: options.workspace, out: session.path, tmp: runTemp),
            isDirectory: FileKind.isDirectory)
        confinement.displaySocket = "/tmp/.X11-unix/X" + Self.displayNumber(desktop.displayName)
        // Grants first: a later grant would widen the cookie's ACL mask again.
        let account = try prepareIdentity(confinement, for: name, &event)
        let cookieFolder = try makeCookieFolder(for: name, owner: account)
        defer { try? FileManager.default.removeItem(atPath: cookieFolder) }
        // /tmp is private inside the sandbox: the cookie's folder is shown there, read-only.
        confinement.readOnlyPaths.append(cookieFolder)
        // A trusted app gets a cookie with the display's normal rights; an untrusted one (the default)
        // may show windows but neither read other clients' pixels nor inject input.
        let trusted = policy.sandbox.display == .trusted
        let file = cookieFolder + "/xauthority"
        let grant =
            trusted
            ? try desktop.grantTrustedAccess(authorityFile: file, idleTimeout: nil)
            : try desktop.grantUntrustedAccess(authorityFile: file, idleTimeout: nil)
        grants.append(grant)
        if let account, chown(file, account.uid, account.gid) != 0 {
            throw StepFailure("cannot give \(name)'s X cookie to \(account.name): \(String(cString: strerror(errno)))")
        }
        event.action.parameters.append(.init("x11", .string(trusted ? "trusted" : "untrusted")))
        let output = session.outputFiles(name: name)
        event.output = output
        let process: SandboxedProcess
        do {
            process = try SandboxedProcess(
                argv, confinement: confinement,
                environment: ["DISPLAY": desktop.displayName, "XAUTHORITY": grant.file],
                output: .files(
                    stdout: session.absolutePath(output.stdout ?? "out"),
                    stderr: session.absolutePath(output.stderr ?? "err")))
        } catch {
            throw StepFailure("cannot start \(name) in its sandbox: \(error)")
        }
        launched.append((name, process))
        options.control?.register(process: process)
        if let match = app.window {
            let window = try waitForWindow(match, timeout: timeout, ownedBy: name)
            event.foreground = WindowRecord(Self.facts(window))
            // A window maps before its app has drawn it and while the window manager still places and
            // focuses it; input sent meanwhile can be lost. The launch ends once the screen is quiet.
            try watch.reset()
            let settling = try watch.waitUntilSettled(quiet: scenario.settle, timeout: .seconds(5))
            event.settleMilliseconds = Self.milliseconds(settling.elapsed)
        }
    }

    /// Gets elevated mode ready when confinement runs as another account than the caller's, as
    /// `foredesk exec --as` does (the writable roots granted again), and records the identity in
    /// event; the account, nil for the caller. Fails closed when foredesk is not root or elevated
    /// mode is not installed.
    func prepareIdentity(_ confinement: Confinement, for what: String, _ event: inout Event) throws -> SystemAccount? {
        let identity = confinement.identity
        event.action.parameters.append(.init("identity", .string(identity.rawValue)))
        guard let name = identity.account else { return nil }
        event.action.parameters.append(.init("account", .string(name)))
        do throws(ElevatedError) {
            try ElevatedSetup().prepare(confinement)
        } catch {
            if case .notRoot = error {
                throw StepFailure(
                    "\(what) runs as \(name) (sandbox identity: \(identity.rawValue)), which needs foredesk to run as root "
                        + "with elevated mode installed: run sudo foredesk sandbox setup once, then foredesk as root")
            }
            throw StepFailure("cannot run \(what) as \(name): \(error)")
        }
        guard let account = SystemAccount.user(name) else { throw StepFailure("cannot run \(what) as \(name): no such user") }
        return account
    }

    /// A fresh folder for app's X cookie, outside every writable root (nothing confined can plant a
    /// link there or rewrite the cookie), 0700 and owned by owner when the app runs as another account.
    func makeCookieFolder(for app: String, owner: SystemAccount?) throws -> String {
        var template = Array("/tmp/foredesk-cookie-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw StepFailure("cannot make a folder for \(app)'s X cookie: \(String(cString: strerror(errno)))")
        }
        let folder = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if let owner, chown(folder, owner.uid, owner.gid) != 0 {
            let reason = String(cString: strerror(errno))
            rmdir(folder)
            throw StepFailure("cannot give \(app)'s X cookie folder to \(owner.name): \(reason)")
        }
        return folder
    }

    func waitForWindow(
        _ match: WindowMatch, timeout: Duration, ownedBy app: String? = nil, verb: String = "waited for"
    ) throws -> WindowInfo {
        let deadline = runNow + timeout
        while true {
            let found = try desktop.windows().last { window in
                Self.matches(match, window)
                    && (app == nil || window.pid.flatMap { owner(of: $0) } == app)
            }
            if let found { return found }
            if let app, let entry = launched.first(where: { $0.app == app }),
                let status = entry.process.process.exitStatus()
            {
                throw StepFailure("\(app) exited with status \(status) before its window appeared")
            }
            if runNow >= deadline {
                throw StepFailure("\(verb) a window \(Self.describe(match)) for \(timeout); none appeared")
            }
            if isInterrupted { throw StepFailure("interrupted") }
            blockingSleep(.milliseconds(20))
        }
    }

    func owner(of pid: Int32) -> String? {
        for (app, process) in launched where process.cgroup?.processIDs().contains(pid) == true { return app }
        return launchedAncestor(of: pid)
    }

    static func matches(_ match: WindowMatch, _ window: WindowInfo) -> Bool {
        if let title = match.title, !title.matches(window.title) { return false }
        if let wanted = match.windowClass?.lowercased(),
            window.className.lowercased() != wanted && window.instanceName.lowercased() != wanted
        {
            return false
        }
        return true
    }

    static func describe(_ match: WindowMatch) -> String {
        [match.title.map { "titled /\($0.source)/" }, match.windowClass.map { "of class \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
    }

    func activate(_ target: Step.ActivationTarget, timeout: Duration, _ event: inout Event) throws {
        let window: WindowInfo
        let appName: String?
        switch target {
        case let .app(name):
            guard let app = scenario.app(named: name) else { throw StepFailure("no app named '\(name)' is declared") }
            appName = name
            let found = try desktop.windows().last { window in
                window.pid.flatMap { owner(of: $0) } == name && (app.window.map { Self.matches($0, window) } ?? true)
            }
            guard let found else { throw StepFailure("\(name) has no window to activate (was it launched?)") }
            window = found
        case let .window(match):
            appName = nil
            window = try waitForWindow(match, timeout: timeout)
        }
        let (facts, _) = try facts(targetWindow: window)
        try check(Action(kind: .activate, app: appName), facts, &event)
        try desktop.activate(window.id, timeout: timeout)
        event.foreground = WindowRecord(Self.facts(window))
    }
}
