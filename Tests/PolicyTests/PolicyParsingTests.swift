import Policy
import Sandbox
import Testing

@Suite("Reading policies")
struct PolicyParsingTests {
    @Test func anEmptyFileIsTheDefaultPolicy() throws {
        #expect(try policy("") == Policy.default)
        #expect(try policy("# only a comment\n") == Policy.default)
        #expect(try policy("sandbox:\ninput:\nask:\n") == Policy.default)
    }

    @Test func theDefaultIsTheWorkspaceSandboxOfflineWithApprovalOnRequest() {
        let defaults = Policy.default
        #expect(defaults.sandbox.writable == ["${workspace}"])
        #expect(defaults.sandbox.network == .off)
        #expect(defaults.sandbox.privateTmp)
        #expect(defaults.sandbox.maxProcesses == 512)
        #expect(defaults.approval == .onRequest)
        #expect(defaults.input == InputPolicy())
        #expect(defaults.ask.isEmpty && defaults.allow.isEmpty)
        #expect(defaults.limits == ActionLimits())
    }

    @Test func everySectionIsRead() throws {
        let read = try policy(
            """
            sandbox:
              writable: ["${workspace}", "${out}/work", /srv/data]
              protected: ["${workspace}/.env"]
              strict_git: true
              private_tmp: false
              network: on
              identity: offline
              display: trusted
              limits: { max_processes: 64, max_memory: 2G, max_open_files: 256, max_cpu_time: 1m30s, max_file_size: 10M, max_wall_time: 2m }
              degrade: [landlock, cgroup]
            input:
              apps: [editor]
              window_classes: Gedit
            deny_keys: [ctrl+q, "control+W"]
            allow_keys: [super+l]
            ask:
              - action: run
                command: '^(rm|git push)\\b'
              - action: [type, key]
                window_class: [XTerm, URxvt]
            allow:
              - window_class: gedit
            approval: untrusted
            limits:
              max_actions: 2000
              max_duration: 1h30m
              max_actions_per_second: 20
            """)
        let sandbox = read.sandbox
        #expect(sandbox.writable == ["${workspace}", "${out}/work", "/srv/data"])
        #expect(sandbox.protected == ["${workspace}/.env"])
        #expect(sandbox.strictGit && !sandbox.privateTmp)
        #expect(sandbox.network == .on && sandbox.identity == .offline && sandbox.display == .trusted)
        #expect(sandbox.maxProcesses == 64 && sandbox.maxMemory == 2 << 30 && sandbox.maxOpenFiles == 256)
        #expect(sandbox.maxCPUTime == .seconds(90) && sandbox.maxFileSize == 10 << 20)
        #expect(sandbox.maxWallTime == .seconds(120))
        #expect(sandbox.allowDegraded == [.landlock, .cgroup])
        #expect(read.input == InputPolicy(apps: ["editor"], windowClasses: ["Gedit"]))
        #expect(read.keys.denied.map(\.description) == ["ctrl+q", "ctrl+w"])
        #expect(read.keys.allowed.map(\.description) == ["super+l"])
        #expect(read.ask.count == 2)
        #expect(read.ask[0].id == "ask[1]" && read.ask[0].kinds == [.run])
        #expect(read.ask[0].command?.source == "^(rm|git push)\\b")
        #expect(read.ask[0].location == SourceLocation(file: "p.yaml", line: 17, column: 5))
        #expect(read.ask[1].kinds == [.type, .key] && read.ask[1].windowClasses == ["XTerm", "URxvt"])
        #expect(read.allow.map(\.id) == ["allow[1]"] && read.allow[0].kinds == nil)
        #expect(read.approval == .untrusted)
        #expect(read.limits == ActionLimits(maxActions: 2000, maxDuration: .seconds(5400), maxActionsPerSecond: 20))
    }

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("10m", .seconds(600)),
        ("2h", .seconds(7200)), ("1h30m15s", .seconds(5415)),
    ])
    func durationsTakeUnits(text: String, value: Duration) throws {
        #expect(try policy("limits: { max_duration: \(text) }").limits.maxDuration == value)
    }

    @Test func theSandboxSectionBecomesTheSandboxLayersConfinement() throws {
        let read = try policy(
            """
            sandbox:
              writable: ["${workspace}", "${out}"]
              protected: ["${workspace}/.env", "${tmp}/keys"]
              network: on
              identity: online
              limits: { max_processes: 32, max_memory: 1G, max_cpu_time: 1500ms, max_open_files: 100 }
              degrade: [cgroup]
            """)
        let paths = SandboxPolicy.Paths(workspace: "/home/u/app", out: "/home/u/out/s1", tmp: "/tmp/run1")
        let gitDirectories: Set<String> = ["/home/u/app/.git"]
        let confinement = read.sandbox.confinement(for: paths) { path in
            gitDirectories.contains(path) ? true : nil
        }
        #expect(confinement.writableRoots == ["/home/u/app", "/home/u/out/s1"])
        #expect(
            confinement.protectedPaths == [
                "/home/u/app/.git/hooks", "/home/u/app/.git/config", "/home/u/out/s1/.git", "/home/u/app/.env",
                "/tmp/run1/keys",
            ])
        #expect(confinement.privateDirectories == ["/tmp"])
        #expect(confinement.network == .on)
        #expect(confinement.identity == .online)
        #expect(confinement.maxProcesses == 32)
        #expect(confinement.resourceLimits == ["as": 1 << 30, "cpu": 2, "nofile": 100])
        #expect(confinement.allowDegraded == [.cgroup])
        #expect(confinement.validationErrors().isEmpty)
    }

    @Test func strictGitProtectsAllOfGitAndTheDefaultIsTheWorkspaceConfinement() throws {
        let paths = SandboxPolicy.Paths(workspace: "/w", out: "/o", tmp: "/t")
        let isGit: (String) -> Bool? = { $0 == "/w/.git" ? true : nil }
        let strict = try policy("sandbox: { strict_git: true }").sandbox.confinement(for: paths, isDirectory: isGit)
        #expect(strict.protectedPaths == ["/w/.git"])
        let standard = Policy.default.sandbox.confinement(for: paths, isDirectory: isGit)
        #expect(standard == Confinement.workspace("/w", isDirectory: isGit))
    }

    @Test func anAskRuleCitesItsPlaceInTheFile() throws {
        let read = try policy("ask:\n  - action: launch\n  -   command: curl\n")
        #expect(read.ask.map(\.id) == ["ask[1]", "ask[2]"])
        #expect(read.ask[1].location == SourceLocation(file: "p.yaml", line: 3, column: 7))
    }
}
