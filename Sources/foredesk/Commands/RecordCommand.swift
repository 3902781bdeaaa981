import ArgumentParser
import Foundation
import Imaging
import Policy
import Scenario

#if canImport(Glibc)
    import Glibc
#endif

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record what a person does on a display as a scenario `foredesk run` can play.",
        discussion: """
            Watches the real keyboard and mouse (XInput2 raw events from devices that are not XTEST devices, so foredesk's own input and any other XTest client's never count) and writes the scenario as it grows:
              - clicks, double clicks, right and middle clicks relative to the window they landed in, after a wait_window and activate for that window when it changes, so replay waits for it;
              - drags (the left button moved more than 4 pixels while down); wheel notches merged into one scroll step;
              - printable characters (any Unicode, also from keys a layout remaps) merged into type steps; combinations with ctrl, alt or super and special keys (Return, Tab, BackSpace, arrows…) as key steps, repeats merged with repeat:;
              - a wait_window when the focus moves to a new window; a sleep (at most --max-pause) where the person waited for the app: a pause of a second or more in which the screen changed late.
            Text typed into a window the policy marks sensitive (record: sensitive: in the policy; by default pinentry-like prompts) is never written anywhere: the scenario gets a placeholder variable (type: { text: "${secret_1}", secret: true }) to fill in before replaying.

            --launch starts the app the way `foredesk run` does (in its policy's sandbox, through the gate) and writes it into the scenario's apps: with a launch step, so the scenario is self-contained. Its policy is --policy, or <scenario>.policy.yaml beside the scenario, written with safe defaults when missing.

            --anchor-images cuts a small template centred on each click (48x32, grown until it is unique on the screen; clipped at the screen's edge, with offset: [dx, dy] saying where the click was) into <scenario>.images/, and the click is written as `click: { image: <scenario>.images/0001.png, tolerance: 24 }`: replay clicks where the image is found, so it still lands when the layout moved.

            Stop with the stop key (default ctrl+alt+shift+r, not recorded), Ctrl-C or SIGTERM: each writes the complete scenario. It is also saved every second, so even a killed recorder leaves a scenario that parses. Every recognised step is an event, with a frame after it, in a session folder under --session (the scenario is saved there too, as scenario.yaml); `foredesk report` reads it even after a kill.

            Examples:
              foredesk record -o bug.yaml --virtual 1280x800 --launch 'xedit notes.txt'
              foredesk record -o bug.yaml --display :1 --launch 'fixture-app --events events.jsonl' --anchor-images
              foredesk run bug.yaml

            Prints "recording on :N — press … to stop", then one line per step on stderr, and the scenario's path on stdout. Exit codes: 0 the scenario was written (whatever stopped the recording), 64 bad arguments or policy, 69 no usable display, 1 the app did not start.
            """)

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The scenario file to write.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Record this existing display (default: $DISPLAY).", valueName: ":N"))
    var display: String?

    @Option(help: ArgumentHelp("Start a private display of this size instead, and record on it.", valueName: "WxH"))
    var virtual: String?

    @Option(help: ArgumentHelp("The app to start first, as a command line; written into the scenario.", valueName: "command"))
    var launch: String?

    @Option(help: ArgumentHelp("Folder for the session folder (default ./foredesk-out).", valueName: "dir"))
    var session: String = "foredesk-out"

    @Option(help: ArgumentHelp("The app's policy (default: <scenario>.policy.yaml, written when missing).", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("The workspace, ${workspace} (default: the current folder).", valueName: "dir"))
    var workspace: String?

    @OptionGroup var recording: VideoOptions

    @Flag(help: "Cut a template around each click so replay clicks by image when the layout moved.")
    var anchorImages = false

    @Option(help: ArgumentHelp("The key combination that stops recording.", valueName: "combo"))
    var stopKey: String = "ctrl+alt+shift+r"

    @Option(help: ArgumentHelp("The longest sleep a person's pause becomes.", valueName: "duration"))
    var maxPause: String = "5s"

    func run() throws {
        let control = RunControl()
        InterruptWatch.start(control)
        try reporting {
            guard let pause = DurationSyntax.parse(maxPause), pause > .zero else {
                throw CommandFailure.usage("--max-pause takes a duration such as 2s or 500ms, not '\(maxPause)'")
            }
            let stop: KeyCombination
            do throws(PolicyError) {
                stop = try KeyCombination(parsing: stopKey)
            } catch {
                throw CommandFailure.usage("--stop-key: \(error)")
            }
            guard !stop.isWildcard else {
                throw CommandFailure.usage("--stop-key needs a key, not '*'")
            }
            var size = Size(width: 1280, height: 800)
            var displayName = display
            if let virtual {
                guard display == nil else { throw CommandFailure.usage("give --display or --virtual, not both") }
                let parts = virtual.split(separator: "x")
                guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
                    throw CommandFailure.usage("--virtual takes a size such as 1280x800, not '\(virtual)'")
                }
                size = Size(width: width, height: height)
            } else if displayName == nil {
                guard let env = ProcessInfo.processInfo.environment["DISPLAY"], !env.isEmpty else {
                    throw CommandFailure(
                        message: "no display to record: pass --display :N, or --virtual 1280x800 for a private one",
                        code: Exit.unavailable)
                }
                displayName = env
            }
            guard output.hasSuffix(".yaml") || output.hasSuffix(".yml") else {
                throw CommandFailure.usage("-o names a scenario file ending in .yaml, not '\(output)'")
            }
            let folder = Exec.absolute(workspace ?? Exec.currentDirectory())
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CommandFailure.usage(
                    "the workspace \(folder) is not a folder: create it, or leave out --workspace to use the current folder")
            }
            if let policy {
                guard let text = try? String(contentsOfFile: policy, encoding: .utf8) else {
                    throw CommandFailure.usage("cannot read the policy \(policy)")
                }
                do throws(PolicyError) {
                    _ = try Policy(yaml: text, file: policy)
                } catch {
                    throw CommandFailure.usage(error.description)
                }
            }
            let tools = try? Demo.siblingExecutable("fixture-app")
            var options = RecordOptions(
                output: Exec.absolute(output), sessionFolder: Exec.absolute(session), workspace: folder,
                display: displayName, virtualSize: size, launch: launch, policyFile: policy.map(Exec.absolute),
                anchorImages: anchorImages, stopKey: stop, maxPause: pause,
                toolDirectory: tools.map { String($0[..<($0.lastIndex(of: "/") ?? $0.endIndex)]) },
                progress: { RunSetup.stderrLine($0) }, control: control)
            options.videoFPS = recording.framesPerSecond
            let result: RecordResult
            do throws(RunError) {
                result = try ScenarioRecorder(options: options).record()
            } catch {
                throw CommandFailure(message: error.message, code: error.unavailable ? Exit.unavailable : Exit.actionFailed)
            }
            print(result.scenarioPath)
            fflush(nil)
            RunSetup.stderrLine("session: \(result.sessionPath)\nreplay: foredesk run \(result.scenarioPath)")
        }
    }
}
