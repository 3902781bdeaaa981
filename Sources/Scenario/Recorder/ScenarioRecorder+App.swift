import Desktop
import Foundation
import Policy
import Processes
import Session

// The app a recording starts with: declared, given a policy, launched by the runner's own launch
// step, and its window found so the scenario's `launch` waits for it on replay.
extension ScenarioRecorder {
    /// The runner (apps, policy, display) and the `launch` step for `--launch`; nil without one.
    func prepareApp() throws(RunError) -> Step? {
        var apps: [ScenarioApp] = []
        var step: Step?
        if let line = options.launch {
            let command = ScenarioCommand(commandLine: line)
            let program = command.argv.count == 3 && command.argv[0] == "/bin/sh" ? "app" : (command.argv.first ?? "app")
            let name = Self.appName(program)
            appName = name
            let policy = try policyFile(for: name)
            let location = SourceLocation(file: scenarioPath, line: 0, column: 0)
            // Any window of the app: launch waits for one, so the app has connected before its
            // cookie is removed at the end of the step, and its title and class are then known.
            let anyWindow = WindowMatch(title: try? TextPattern(""))
            apps.append(
                ScenarioApp(
                    name: name, command: command, policy: policy.absolute, window: anyWindow, windowTimeout: .seconds(20),
                    location: location))
            document.apps = [
                ScenarioDocument.App(name: name, command: command, policy: policy.written, windowTimeout: .seconds(20))
            ]
            step = Step(.launch(app: name, timeout: .seconds(20)), at: location)
        }
        let scenario = Scenario(
            name: stem, file: scenarioPath, display: .virtual(options.virtualSize), apps: apps, steps: step.map { [$0] } ?? [])
        var run = RunOptions(
            out: options.sessionFolder, workspace: options.workspace, display: options.display,
            policyFile: options.policyFile, toolDirectory: options.toolDirectory)
        run.control = options.control
        run.videoFPS = options.videoFPS
        runner = ScenarioRunner(scenario: scenario, options: run)
        return step
    }

    /// The policy the app runs under: `--policy`, else `<scenario>.policy.yaml` beside the
    /// scenario, written with safe defaults when it is not there yet (an edited one is kept).
    func policyFile(for app: String) throws(RunError) -> (absolute: String, written: String) {
        if let given = options.policyFile {
            let absolute = Self.absolute(given)
            let written = absolute.hasPrefix(folder + "/") ? String(absolute.dropFirst(folder.count + 1)) : absolute
            return (absolute, written)
        }
        let name = stem + ".policy.yaml"
        let path = folder + "/" + name
        if !FileManager.default.fileExists(atPath: path) {
            let text = """
                # The policy \(stem).yaml's app runs under, written by foredesk record: a sandbox writing only the
                # workspace and the session folder, no network, input to the recorded app alone.
                sandbox:
                  writable: ["${workspace}", "${out}"]
                  network: off
                input:
                  apps: [\(app)]
                approval: never
                # Text typed into these windows is never recorded: foredesk record writes a placeholder variable.
                # Without this section, pinentry-like passphrase prompts are. For example:
                # record:
                #   sensitive:
                #     - class: Pinentry
                #     - title: "(?i)password"

                """
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw RunError("cannot write the policy \(path): \(error.localizedDescription)")
            }
            say("wrote the default policy \(path)")
        }
        return (path, name)
    }

    /// Launches the app with the runner's launch step (recorded as the session's first event) and
    /// waits for its window; that window's title and class become the app's `window:`.
    func launch(_ step: Step) throws(RunError) -> WindowInfo {
        if let failure = runner.perform(step) {
            try? runner.session.finish(verdict: .failed)
            throw RunError("\(options.launch ?? "the app") did not start: \(failure)")
        }
        say("launched \(appName ?? "the app")")
        let deadline = clock.now + .seconds(20)
        var window: WindowInfo?
        while window == nil {
            window = (try? runner.desktop.windows())?.last { window in
                window.isViewable && window.pid.flatMap { runner.owner(of: $0) } == appName
            }
            if window != nil { break }
            if clock.now >= deadline || options.control?.signal != nil {
                try? runner.session.finish(verdict: .failed)
                let seen = ((try? runner.desktop.windows()) ?? []).map { window in
                    "'\(window.title)' (pid \(window.pid.map(String.init) ?? "unknown"))"
                }
                throw RunError(
                    "\(options.launch ?? "the app") showed no window within 20s"
                        + (seen.isEmpty ? "" : "; windows on the display: " + seen.joined(separator: ", ")))
            }
            blockingSleep(.milliseconds(20))
        }
        guard let window else { throw RunError("no window") }
        // Input right after a window maps can be lost while it is drawn and focused: let it settle.
        try? runner.watch.reset()
        _ = try? runner.watch.waitUntilSettled(quiet: .milliseconds(150), timeout: .seconds(5))
        if !document.apps.isEmpty { document.apps[0].window = RecordingComposer.match(window) }
        opening = [RecordedStep(step.action, at: clock.now)]
        return window
    }

    /// An app name from a program path: its file name, reduced to letters, digits, `.`, `_` and `-`.
    static func appName(_ program: String) -> String {
        let base = program.split(separator: "/").last.map(String.init) ?? program
        let name = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
        return name.isEmpty || name.allSatisfy({ $0 == "." }) ? "app" : name
    }
}
