import Desktop
import Foundation
import Imaging
import Policy
import Processes
import Sandbox
import Session

// Waits and checks: screen changes, golden images, sandboxed commands, files.
extension ScenarioRunner {
    func waitForChange(_ region: Rect?, timeout: Duration, _ event: inout Event) throws {
        // "Changed" means: differs from the screen as it was before the latest input action (or as
        // it is when the wait begins, when nothing was done yet), so a change that an earlier step
        // caused and already settled counts.
        let baseline = try lastBefore ?? desktop.capture()
        let deadline = runNow + timeout
        let options = CompareOptions(region: region)
        while true {
            let now = try desktop.capture()
            if try now.difference(from: baseline, options: options).differingPixels > 0 {
                event.frames.after = saveFrame(now, name: frameName("wait", "changed"), redacting: redactedAreas())
                return
            }
            if runNow >= deadline {
                throw StepFailure(
                    "\(region.map { "the region \($0)" } ?? "the screen") did not change within \(timeout)")
            }
            _ = try watch.waitForChange(timeout: .milliseconds(100))
        }
    }

    /// Compares the settled, redacted screen with a full-screen golden PNG (only `region`, without `masks`),
    /// retrying until timeout; writes `NAME.actual.png` and `NAME.diff.png` beside it on a mismatch,
    /// or the golden itself with `updateGolden`.
    func expectScreen(_ golden: String, _ compare: CompareOptions, timeout: Duration, _ event: inout Event)
        throws
    {
        let deadline = runNow + timeout
        try watch.reset()
        let settling = try watch.waitUntilSettled(quiet: WaitCondition.defaultQuiet, timeout: timeout)
        event.settleMilliseconds = Self.milliseconds(settling.elapsed)
        let expected = FileManager.default.fileExists(atPath: golden) ? try Frame(contentsOfPNG: golden) : nil
        func record(_ frame: Frame) throws {
            let folder = String(golden[..<(golden.lastIndex(of: "/") ?? golden.startIndex)])
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try frame.writePNG(to: golden)
        }
        while true {
            // Compared and stored redacted, so a golden image never holds what the policy hides.
            let actual = try redactedCapture()
            event.frames.after = saveFrame(actual, name: frameName("expect_screen", "actual"), redacting: [])
            guard let expected else {
                if options.updateGolden { return try record(actual) }
                throw StepFailure("the golden image \(golden) does not exist; run with --update-golden to record it")
            }
            guard expected.width == actual.width, expected.height == actual.height else {
                if options.updateGolden { return try record(actual) }
                throw StepFailure(
                    "the golden image \(golden) is \(expected.width)x\(expected.height), the screen "
                        + "\(actual.width)x\(actual.height); run with --update-golden to record it again")
            }
            let difference = try actual.difference(from: expected, options: compare)
            if difference.differingPixels == 0 { return }
            if runNow >= deadline {
                if options.updateGolden { return try record(actual) }
                let stem = golden.hasSuffix(".png") ? String(golden.dropLast(4)) : golden
                try actual.writePNG(to: stem + ".actual.png")
                let diff = try actual.diffImage(against: expected, options: compare)
                try diff.writePNG(to: stem + ".diff.png")
                event.frames.before = saveFrame(diff, name: frameName("expect_screen", "diff"), redacting: [])
                throw StepFailure(
                    "\(difference.differingPixels) of \(difference.comparedPixels) pixels differ from \(golden)"
                        + (difference.boundingBox.map { " within \($0)" } ?? "")
                        + "; wrote \(stem).actual.png and \(stem).diff.png")
            }
            _ = try watch.waitForChange(timeout: .milliseconds(200))
        }
    }

    func runCommand(
        _ command: ScenarioCommand, timeout: Duration, exitCode: Int32?, output pattern: TextPattern?,
        _ event: inout Event
    ) throws {
        let argv = command.argv.map(fill)
        let (facts, _) = try facts()
        try check(Action.run(argv.joined(separator: " ")), facts, &event)
        var confinement = gate.sandbox.confinement(
            for: SandboxPolicy.Paths(workspace: options.workspace, out: session.path, tmp: runTemp),
            isDirectory: FileKind.isDirectory)
        confinement.maxWallTime = timeout
        _ = try prepareIdentity(confinement, for: "the command", &event)
        let output = session.outputFiles(name: "run")
        event.output = output
        let stdout = session.absolutePath(output.stdout ?? "out")
        options.feed?.commandStarted(
            argv.joined(separator: " "), stdout: stdout, stderr: session.absolutePath(output.stderr ?? "err"))
        let process: SandboxedProcess
        do {
            process = try SandboxedProcess(
                argv, confinement: confinement,
                output: .files(stdout: stdout, stderr: session.absolutePath(output.stderr ?? "err")))
        } catch {
            throw StepFailure("cannot start the command in its sandbox: \(error)")
        }
        let (status, timedOut) = process.waitForExit()
        if timedOut { throw StepFailure("the command ran past its timeout of \(timeout) and was ended") }
        event.action.parameters.append(.init("exit_status", .int(Int(status))))
        guard exitCode.map({ status == $0 }) ?? true else {
            throw StepFailure("the command exited with status \(status), expected \(exitCode ?? 0)")
        }
        if let pattern {
            let text = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
            guard pattern.matches(text) else {
                throw StepFailure("the command's output does not match /\(pattern.source)/")
            }
        }
    }

    func expectFile(_ path: String, _ expectation: FileExpectation, timeout: Duration) throws {
        let deadline = runNow + timeout
        var problem = ""
        while true {
            let data = FileManager.default.contents(atPath: path)
            let text = data.map { String(decoding: $0, as: UTF8.self) }
            if !expectation.exists {
                if data == nil { return }
                problem = "\(path) exists, expected it not to"
            } else if let text {
                if let wanted = expectation.contains, !text.contains(wanted) {
                    problem = "\(path) does not contain '\(wanted)'"
                } else if let pattern = expectation.matches, !pattern.matches(text) {
                    problem = "\(path) does not match /\(pattern.source)/"
                } else {
                    return
                }
            } else {
                problem = "\(path) does not exist"
            }
            if runNow >= deadline { throw StepFailure(problem + " (waited \(timeout))") }
            blockingSleep(.milliseconds(20))
        }
    }
}
