import Foundation
import Imaging
import Policy

/// Writes scenarios and steps back as YAML that `Scenario(yaml:file:)` reads to the same steps: one flow
/// mapping a line (`- click: { screen: [120, 80] }`), so a step's line number is known before it is written.
///
/// Text is double-quoted with JSON's escapes (valid YAML), and `${` is written `$${` so typed text
/// is never taken for a variable.
public enum ScenarioYAML {
    /// The step as one list item, without indentation or newline: `- key: { combo: "ctrl+a" }`.
    public static func line(_ step: Step.Action) -> String {
        "- " + step.kind.rawValue + ": { " + fields(step).joined(separator: ", ") + " }"
    }

    /// The column of a step's key on a line written by `line(_:)` after indent spaces (for `SourceLocation`).
    public static func keyColumn(indent: Int) -> Int { indent + 3 }

    /// Everything of a scenario before its steps, ending with the `steps:` line: name, display and apps.
    public static func header(name: String, description: String? = nil, display: ScenarioDisplay, apps: [ScenarioApp]) -> String {
        var lines = ["name: \(quoted(name))"]
        if let description { lines.append("description: \(quoted(description))") }
        switch display {
        case let .virtual(size): lines += ["display:", "  virtual: \(size.width)x\(size.height)"]
        case let .existing(name): lines += ["display:", "  existing: \(quoted(name))"]
        }
        if !apps.isEmpty {
            lines.append("apps:")
            for app in apps {
                lines += ["  - name: \(quoted(app.name))", "    command: \(command(app.command))"]
                if let policy = app.policy { lines.append("    policy: \(quoted(policy))") }
                if let match = app.window {
                    lines.append("    window: { " + (window(match) + ["timeout: \(duration(app.windowTimeout))"]).joined(separator: ", ") + " }")
                }
            }
        }
        lines.append("steps:")
        return lines.joined(separator: "\n") + "\n"
    }

    static func fields(_ action: Step.Action) -> [String] {
        switch action {
        case let .launch(app, timeout): ["app: \(quoted(app))", "timeout: \(duration(timeout))"]
        case let .waitWindow(match, timeout): window(match) + ["timeout: \(duration(timeout))"]
        case let .expectWindow(match, timeout): window(match) + ["timeout: \(duration(timeout))"]
        case let .activate(target, timeout):
            {
                switch target {
                case let .app(name): ["app: \(quoted(name))"]
                case let .window(match): window(match)
                }
            }() + ["timeout: \(duration(timeout))"]
        case let .click(target), let .doubleClick(target), let .rightClick(target), let .middleClick(target), let .move(target):
            pointer(target)
        case let .drag(from, to, length):
            pointer(from) + [dragEnd(to)] + (length == .zero ? [] : ["duration: \(duration(length))"])
        case let .scroll(target, direction, clicks):
            pointer(target) + ["direction: \(direction.rawValue)", "clicks: \(clicks)"]
        case let .type(text, secret):
            ["text: \(quoted(text))"] + (secret ? ["secret: true"] : [])
        case let .key(combination, times):
            ["combo: \(quoted(combination.description))"] + (times == 1 ? [] : ["repeat: \(times)"])
        case let .wait(condition, timeout):
            waitCondition(condition) + ["timeout: \(duration(timeout))"]
        case let .screenshot(name, region):
            ["name: \(quoted(name))"] + (region.map { ["region: \(rect($0))"] } ?? [])
        case let .expectScreen(golden, options, timeout):
            ["golden: \(quoted(golden))", "tolerance: \(options.tolerance)"]
                + (options.region.map { ["region: \(rect($0))"] } ?? [])
                + (options.masks.isEmpty ? [] : ["masks: [" + options.masks.map(rect).joined(separator: ", ") + "]"])
                + ["timeout: \(duration(timeout))"]
        case let .run(command, timeout, exitCode, output):
            ["command: \(self.command(command))", "timeout: \(duration(timeout))"]
                + (exitCode.map { ["exit_code: \($0)"] } ?? [])
                + (output.map { ["output: \(quoted($0.source))"] } ?? [])
        case let .expectFile(path, expectation, timeout):
            ["path: \(quoted(path))", "exists: \(expectation.exists)"]
                + (expectation.contains.map { ["contains: \(quoted($0))"] } ?? [])
                + (expectation.matches.map { ["matches: \(quoted($0.source))"] } ?? [])
                + ["timeout: \(duration(timeout))"]
        case let .sleep(length): ["duration: \(duration(length))"]
        }
    }

    static func pointer(_ target: PointerTarget) -> [String] {
        switch target {
        case let .window(point): ["at: \(self.point(point))"]
        case let .screen(point): ["screen: \(self.point(point))"]
        case let .image(image, timeout): ["image: \(quoted(image.path))"] + search(image.search) + ["timeout: \(duration(timeout))"]
        }
    }

    static func dragEnd(_ end: DragEnd) -> String {
        switch end {
        case let .window(point): "to: \(self.point(point))"
        case let .screen(point): "to_screen: \(self.point(point))"
        case let .offset(dx, dy): "by: [\(dx), \(dy)]"
        }
    }

    static func waitCondition(_ condition: WaitCondition) -> [String] {
        switch condition {
        case let .window(match): ["window: { " + window(match).joined(separator: ", ") + " }"]
        case let .imageAppears(image): ["image: \(quoted(image.path))"] + search(image.search)
        case let .imageVanishes(image): ["image_gone: \(quoted(image.path))"] + search(image.search)
        case let .change(region): ["change: " + (region.map(rect) ?? "screen")]
        case let .settle(region, quiet): ["settle: " + (region.map(rect) ?? "screen"), "quiet: \(duration(quiet))"]
        }
    }

    static func window(_ match: WindowMatch) -> [String] {
        (match.title.map { ["title: \(quoted($0.source))"] } ?? []) + (match.windowClass.map { ["class: \(quoted($0))"] } ?? [])
    }

    static func search(_ options: SearchOptions) -> [String] {
        (options.tolerance == 0 ? [] : ["tolerance: \(options.tolerance)"])
            + (options.minScore == 1 ? [] : ["min_score: \(options.minScore)"])
    }

    static func command(_ command: ScenarioCommand) -> String {
        switch command {
        case let .arguments(words): "[" + words.map(quoted).joined(separator: ", ") + "]"
        case let .shell(line): quoted(line)
        }
    }

    static func point(_ point: Point) -> String { "[\(point.x), \(point.y)]" }

    static func rect(_ rect: Rect) -> String { "[\(rect.x), \(rect.y), \(rect.width), \(rect.height)]" }

    static func duration(_ duration: Duration) -> String { ScenarioRunner.format(duration) }

    /// A double-quoted YAML string: JSON's escapes, and `$${` for a literal `${`.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out.replacingOccurrences(of: "${", with: "$${") + "\""
    }
}
