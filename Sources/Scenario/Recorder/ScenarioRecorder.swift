import Desktop
import Foundation
import Imaging
import Policy
import Processes
import Session

/// Records what a person does on a display as a scenario `foredesk run` can play (`foredesk record`).
///
/// The app is launched the way a run launches it (the runner's own launch step, sandbox and gate);
/// the person's input is read from real devices only (`PersonInputWatch`), so foredesk's own and any
/// other XTest client's input is never recorded; `RecordingComposer` turns it into steps. Every step
/// is an event in a session folder, and the scenario is saved as it grows, so a killed recorder
/// leaves a scenario that parses and a session `foredesk report` reads.
public final class ScenarioRecorder {
    let options: RecordOptions
    let clock = ContinuousClock()
    /// The scenario file, absolute.
    let scenarioPath: String
    /// The scenario's folder, absolute.
    let folder: String
    /// The scenario file's name without `.yaml`.
    let stem: String
    var runner: ScenarioRunner!
    var composer = RecordingComposer()
    var document: ScenarioDocument
    /// The steps before the person's: `launch`.
    var opening: [RecordedStep] = []
    /// The declared app's name, when one is launched.
    var appName: String?
    /// What `record.sensitive` says (the policy's, else the default list).
    var recordPolicy = RecordPolicy()
    /// How many of the composer's steps have been reported and recorded as events.
    var reported = 0
    var imageCount = 0
    var savedText = ""
    var lastSave = ContinuousClock.now

    public init(options: RecordOptions) {
        self.options = options
        let path = Self.absolute(options.output)
        scenarioPath = path
        let slash = path.lastIndex(of: "/")
        folder = String(path[..<(slash ?? path.startIndex)])
        var name = String(path[(slash.map { path.index(after: $0) } ?? path.startIndex)...])
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        stem = name.isEmpty ? "recording" : name
        document = ScenarioDocument(name: stem, steps: [])
    }

    /// Records until the stop key, SIGINT or SIGTERM; writes the scenario and finishes the session.
    /// - Throws: `RunError` when recording cannot start (no display, the app does not launch).
    public func record() throws(RunError) -> RecordResult {
        let control = options.control
        defer { control?.markDone() }
        let launchStep = try prepareApp()
        runner.start = clock.now
        try runner.loadPolicies()
        try runner.openDisplay()
        // The runner's takeover watch would queue every raw event unread: the recorder reads its own.
        runner.humanInput = nil
        defer { runner.cleanUp() }
        control?.register(desktop: runner.desktop)
        if let display = runner.display { control?.register(display: display) }
        try runner.openSession()
        control?.register(session: runner.session)
        if let problem = runner.startVideo() { say("no video: \(problem)") }
        if let display = runner.display {
            let cookie = ProcessInfo.processInfo.environment["XAUTHORITY"].map { " XAUTHORITY=\($0)" } ?? ""
            say("started the private display \(display.name): clients connect with DISPLAY=\(display.name)\(cookie)")
        }
        recordPolicy = runner.gate.record
        document.display = .virtual(runner.desktop.screenSize)
        document.header = [
            "Recorded by foredesk record on \(runner.desktop.displayName) at \(Timestamp.now.iso8601).",
            "Replay: foredesk run \(stem).yaml",
        ]
        var startWindow: WindowInfo?
        if let launchStep {
            startWindow = try launch(launchStep)
        }
        composer = RecordingComposer(
            options: RecordingComposer.Options(maxPause: options.maxPause, record: recordPolicy), activeWindow: startWindow)
        let watch: PersonInputWatch
        do {
            watch = try PersonInputWatch(display: runner.desktop.displayName)
        } catch {
            throw RunError("cannot read the display's input devices: \(error)", unavailable: true)
        }
        if appName == nil {
            say(
                "no --launch: replay lets input reach only apps a scenario launches, so add the app under apps: and a "
                    + "launch step before replaying")
        }
        save()
        say("recording on \(runner.desktop.displayName) — press \(Self.spelled(options.stopKey)) or Ctrl-C to stop")
        let (stoppedBy, signal) = loop(watch)
        return finish(stoppedBy: stoppedBy, signal: signal)
    }

    // MARK: - The loop

    /// Reads input until the stop key or a signal; returns what stopped it.
    func loop(_ watch: PersonInputWatch) -> (String, Int32?) {
        var changes = (try? runner.watch.changeCount()) ?? 0
        while true {
            if let signal = options.control?.signal { return (RunControl.name(of: signal), signal) }
            let inputs: [PersonInput]
            do {
                inputs = try watch.next(timeout: .milliseconds(20))
            } catch {
                // Ctrl-C in a terminal reaches a private display's server too, which may go first.
                if let signal = options.control?.signal { return (RunControl.name(of: signal), signal) }
                say("stopped: the display went away (\(error))")
                return ("the display going away", nil)
            }
            if let count = try? runner.watch.changeCount(), count != changes {
                changes = count
                composer.screenChanged(at: clock.now)
            }
            for input in inputs {
                if isStopKey(input) { return ("the stop key \(Self.spelled(options.stopKey))", nil) }
                var anchor: RecordingComposer.Anchor?
                if options.anchorImages, input.kind == .buttonPress, (1...3).contains(input.code), let point = input.pointer {
                    anchor = cutAnchor(at: point)
                }
                composer.add(input, anchor: anchor)
            }
            composer.advance(to: clock.now)
            reportNewSteps(composer.steps)
            if clock.now - lastSave >= options.saveInterval { save() }
        }
    }

    /// The stop key pressed: its key with exactly its modifiers.
    func isStopKey(_ input: PersonInput) -> Bool {
        guard input.kind == .keyPress, let key = input.key, !key.isModifier else { return false }
        let modifiers = Set(key.modifiers.compactMap { KeyCombination.Modifier(rawValue: $0.rawValue) })
        return KeyCombination(modifiers: modifiers, key: key.name) == options.stopKey
    }

    /// Writes the scenario a last time, records how the recording ended and finishes the session.
    func finish(stoppedBy: String, signal: Int32?) -> RecordResult {
        // First: a second signal meanwhile then leaves the session's end to this thread.
        let claimed = options.control?.claimFinish() ?? true
        composer = composer.flushed()
        reportNewSteps(composer.steps)
        save()
        if claimed {
            _ = try? runner.session.record(
                Event(action: RecordedAction(kind: "record_stopped", parameters: [.init("by", .string(stoppedBy))])))
            runner.finishVideo()
            if let problem = runner.finishFrames() { say("frames: \(problem)") }
            try? runner.session.finish(verdict: .passed)
        }
        say("stopped by \(stoppedBy): \(document.steps.count) steps in \(scenarioPath)")
        return RecordResult(
            scenarioPath: scenarioPath, sessionPath: runner.session.path, stepCount: document.steps.count,
            stoppedBy: stoppedBy, signal: signal)
    }

    // MARK: - Helpers

    func say(_ line: String) {
        options.progress?(line)
    }

    /// A combination as people write it: ctrl, alt, shift, super, then the key (`ctrl+alt+shift+r`).
    static func spelled(_ combination: KeyCombination) -> String {
        let order: [KeyCombination.Modifier] = [.ctrl, .alt, .shift, .super, .meta, .hyper, .altgr]
        let key = combination.description.split(separator: "+", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        return (order.filter(combination.modifiers.contains).map(\.rawValue) + [key]).joined(separator: "+")
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
