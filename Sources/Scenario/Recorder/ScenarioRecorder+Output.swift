import Desktop
import Foundation
import Imaging
import Policy
import Session

// What a recording writes as it goes: a progress line and an event (with a frame) per step, and
// the scenario, saved whole each time so a killed recorder leaves one that parses.
extension ScenarioRecorder {
    /// Reports and records the steps of steps not reported yet.
    func reportNewSteps(_ steps: [RecordedStep]) {
        guard steps.count > reported else { return }
        for step in steps[reported...] {
            let number = opening.count + reported + 1
            reported += 1
            say("step \(number): \(Self.summary(step.action))")
            var event = Event(step: "\(number) \(step.action.kind.rawValue)", action: Self.recorded(step.action))
            event.pointer = try? runner.desktop.pointerPosition()
            if let active = try? runner.desktop.activeWindow() {
                event.foreground = WindowRecord(ScenarioRunner.facts(active))
            }
            // The screen as the step left it: one capture, encoded in the background.
            if let frame = try? runner.desktop.capture() {
                let relative = runner.writer.reserve("step\(number)-\(step.action.kind.rawValue)-after")
                runner.writer.write(frame, redacting: redactedAreas(), to: relative)
                event.frames.after = relative
            }
            do {
                try runner.session.record(event)
            } catch {
                say("cannot record step \(number) in the session: \(error)")
            }
        }
    }

    /// What frames of a recording black out: the policy's `redact:` and every sensitive window.
    func redactedAreas() -> [Rect] {
        var areas = runner.redactedAreas()
        for window in (try? runner.desktop.windows()) ?? [] where window.isViewable {
            if recordPolicy.isSensitive(className: window.className, instanceName: window.instanceName, title: window.title) {
                areas.append(window.outerFrame)
            }
        }
        return areas
    }

    /// Writes the scenario as it stands (atomically), to its file and to the session's `scenario.yaml`.
    func save() {
        lastSave = clock.now
        let flushed = composer.flushed()
        var steps = opening + flushed.steps
        if steps.isEmpty {
            steps = [
                RecordedStep(
                    .wait(.settle(region: nil, quiet: WaitCondition.defaultQuiet), timeout: Scenario.defaultTimeout),
                    at: clock.now, comment: "nothing was recorded yet")
            ]
        }
        document.steps = steps
        document.variables = flushed.secrets.map { name in
            ScenarioDocument.Variable(
                name: name, value: "", comment: "typed into a sensitive window, never recorded: set it before replaying")
        }
        let text = document.yaml
        guard text != savedText else { return }
        savedText = text
        for path in [scenarioPath, runner.session.path + "/scenario.yaml"] {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                say("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }

    /// The step as the session records it; a `type` step's text only as its length.
    static func recorded(_ action: Step.Action) -> RecordedAction {
        if case let .type(text, secret) = action {
            return RecordedAction(Action.type(text, secret: secret))
        }
        return RecordedAction(
            kind: action.kind.rawValue, parameters: [.init("step", .string(ScenarioDocument.step(action, declared: [])))])
    }

    /// One line for the progress output: the step as the scenario writes it, typed text left out.
    static func summary(_ action: Step.Action) -> String {
        if case let .type(text, secret) = action {
            return secret ? "type a placeholder (typed into a sensitive window)" : "type \(text.count) characters"
        }
        return ScenarioDocument.step(action, declared: [])
    }
}
