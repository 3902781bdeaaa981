import Imaging
import Policy
import Yams

extension ScenarioParser {
    /// One `steps:` entry: a mapping with exactly one step kind as its key.
    func readStep(_ node: Node, key: String) throws(ScenarioError) -> Step {
        let known = Step.Kind.allCases.map(\.rawValue)
        guard case let .mapping(mapping) = node, !mapping.isEmpty else {
            throw .wrongType(
                location(node), key: key, found: found(node), expected: "a mapping with one action, such as click: [20, 30]")
        }
        var actions: [(kind: Step.Kind, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            let name = try rawText(keyNode, key: key, expected: "a step kind")
            guard let kind = Step.Kind(rawValue: name) else {
                throw .unknownStep(
                    location(keyNode), kind: name, step: key, known: known,
                    suggestion: Suggestion.closest(to: name, among: known))
            }
            actions.append((kind, keyNode, value))
        }
        if actions.count > 1 {
            throw .conflictingKeys(
                location(actions[1].keyNode), key: key, found: actions.prefix(2).map(\.kind.rawValue),
                expected: "one action per step")
        }
        let (kind, keyNode, value) = actions[0]
        let fields = try fields(
            value, key: key + "." + kind.rawValue, known: ScenarioSchema.keys(of: kind),
            shorthand: ScenarioSchema.shorthandKey(of: kind))
        return Step(try action(kind, fields), at: location(keyNode))
    }

    private func action(_ kind: Step.Kind, _ fields: Fields) throws(ScenarioError) -> Step.Action {
        switch kind {
        case .launch:
            let app = try appName(try required("app", in: fields))
            let timeout =
                try fields.entries["timeout"].map { entry throws(ScenarioError) in
                    try duration(entry.value, key: entry.key)
                } ?? apps.first { $0.name == app }?.windowTimeout ?? Scenario.defaultTimeout
            return .launch(app: app, timeout: timeout)
        case .waitWindow:
            return .waitWindow(try windowMatch(fields), timeout: try timeout(fields))
        case .expectWindow:
            return .expectWindow(try windowMatch(fields), timeout: try timeout(fields))
        case .activate:
            let window = fields.given(["title", "class"])
            if let appEntry = fields.entries["app"] {
                if let other = window.first, let entry = fields.entries[other] {
                    throw .conflictingKeys(
                        entry.location, key: fields.key, found: ["app", other], expected: "either app or title/class")
                }
                return .activate(.app(try appName((appEntry.value, appEntry.key))), timeout: try timeout(fields))
            }
            guard !window.isEmpty else {
                throw .missingChoice(fields.location, key: fields.key, choices: ["app", "title", "class"], exactlyOne: false)
            }
            return .activate(.window(try windowMatch(fields)), timeout: try timeout(fields))
        case .click: return .click(try pointerTarget(fields))
        case .doubleClick: return .doubleClick(try pointerTarget(fields))
        case .rightClick: return .rightClick(try pointerTarget(fields))
        case .middleClick: return .middleClick(try pointerTarget(fields))
        case .move: return .move(try pointerTarget(fields))
        case .drag:
            let start = try pointerTarget(fields)
            let end = try oneOf(["to", "to_screen", "by"], in: fields)
            let point = try point(end.value, key: end.key)
            let duration = try fields.entries["duration"].map { entry throws(ScenarioError) in
                try self.duration(entry.value, key: entry.key)
            } ?? .zero
            switch end.name {
            case "to": return .drag(from: start, to: .window(point), duration: duration)
            case "to_screen": return .drag(from: start, to: .screen(point), duration: duration)
            default: return .drag(from: start, to: .offset(dx: point.x, dy: point.y), duration: duration)
            }
        case .scroll:
            let direction = try required("direction", in: fields)
            let clicks = try fields.entries["clicks"].map { entry throws(ScenarioError) in
                try integer(entry.value, key: entry.key, in: 1...1000, expected: "a whole number from 1 to 1000")
            }
            return .scroll(
                try pointerTarget(fields), direction: try choice(direction.value, key: direction.key, as: ScrollDirection.self),
                clicks: clicks ?? 1)
        case .type:
            let text = try required("text", in: fields)
            let secret = try fields.entries["secret"].map { entry throws(ScenarioError) in
                try bool(entry.value, key: entry.key)
            }
            return .type(text: try string(text.value, key: text.key), secret: secret ?? false)
        case .key:
            let combo = try required("combo", in: fields)
            let times = try fields.entries["repeat"].map { entry throws(ScenarioError) in
                try integer(entry.value, key: entry.key, in: 1...1000, expected: "a whole number from 1 to 1000")
            }
            return .key(try keyCombination(combo.value, key: combo.key), times: times ?? 1)
        case .wait:
            return .wait(try waitCondition(fields), timeout: try timeout(fields))
        case .screenshot:
            let name = try required("name", in: fields)
            let text = try string(name.value, key: name.key, expected: "a screenshot name")
            guard text.wholeMatch(of: /[A-Za-z0-9_.\-]+/) != nil, text != ".", text != ".." else {
                throw .wrongType(
                    location(name.value), key: name.key, found: "'\(text)'",
                    expected: "a name of letters, digits, '.', '_' and '-' (it becomes a file name)")
            }
            let region = try fields.entries["region"].map { entry throws(ScenarioError) in
                try rect(entry.value, key: entry.key)
            }
            return .screenshot(name: text, region: region)
        case .expectScreen:
            let golden = try required("golden", in: fields)
            var options = CompareOptions()
            if let entry = fields.entries["region"] { options.region = try rect(entry.value, key: entry.key) }
            if let entry = fields.entries["tolerance"] { options.tolerance = try tolerance(entry.value, key: entry.key) }
            if let entry = fields.entries["masks"] {
                for mask in try sequence(entry.value, key: entry.key, expected: "a list of regions [x, y, width, height]") {
                    options.masks.append(try rect(mask, key: entry.key))
                }
            }
            return .expectScreen(
                golden: try pngPath(golden.value, key: golden.key), options: options, timeout: try timeout(fields))
        case .run:
            let command = try required("command", in: fields)
            let exitCode = try fields.entries["exit_code"].map { entry throws(ScenarioError) in
                try integer(entry.value, key: entry.key, in: 0...255, expected: "an exit code from 0 to 255")
            }
            let output = try fields.entries["output"].map { entry throws(ScenarioError) in
                try pattern(entry.value, key: entry.key)
            }
            return .run(
                try self.command(command.value, key: command.key), timeout: try timeout(fields),
                exitCode: Int32(exitCode ?? 0), output: output)
        case .expectFile:
            let path = try required("path", in: fields)
            var expectation = FileExpectation()
            if let entry = fields.entries["exists"] { expectation.exists = try bool(entry.value, key: entry.key) }
            if !expectation.exists, let other = fields.given(["contains", "matches"]).first,
                let entry = fields.entries[other]
            {
                throw .conflictingKeys(
                    entry.location, key: fields.key, found: ["exists: false", other],
                    expected: "contains or matches only for a file that exists")
            }
            if let entry = fields.entries["contains"] { expectation.contains = try string(entry.value, key: entry.key) }
            if let entry = fields.entries["matches"] { expectation.matches = try pattern(entry.value, key: entry.key) }
            return .expectFile(
                path: try nonEmptyString(path.value, key: path.key, expected: "a file path"), expectation,
                timeout: try timeout(fields))
        case .sleep:
            let entry = try required("duration", in: fields)
            return .sleep(try duration(entry.value, key: entry.key))
        }
    }

    // MARK: Step values

    /// A declared app's name.
    private func appName(_ entry: (value: Node, key: String)) throws(ScenarioError) -> String {
        let name = try string(entry.value, key: entry.key, expected: "the name of an app under apps:")
        guard apps.contains(where: { $0.name == name }) else {
            let names = apps.map(\.name)
            throw .badValue(
                location(entry.value), key: entry.key, found: name, expected: names.isEmpty ? ["(no apps declared)"] : names,
                suggestion: Suggestion.closest(to: name, among: names))
        }
        return name
    }

    /// Exactly one of names, with its value.
    private func oneOf(_ names: [String], in fields: Fields) throws(ScenarioError)
        -> (name: String, value: Node, key: String)
    {
        let given = fields.given(names)
        if given.count > 1, let second = fields.entries[given[1]] {
            throw .conflictingKeys(
                second.location, key: fields.key, found: Array(given.prefix(2)),
                expected: "only one of \(names.joined(separator: ", "))")
        }
        guard let name = given.first, let entry = fields.entries[name] else {
            throw .missingChoice(fields.location, key: fields.key, choices: names, exactlyOne: true)
        }
        return (name, entry.value, entry.key)
    }

    /// Options that belong only with one of owners.
    private func refuse(_ options: [String], without owners: [String], given chosen: String, in fields: Fields)
        throws(ScenarioError)
    {
        guard !owners.contains(chosen) else { return }
        for option in options {
            if let entry = fields.entries[option] {
                throw .optionWithout(entry.location, key: fields.key, option: option, requires: owners)
            }
        }
    }

    /// `at:`, `screen:` or `image:` (with `tolerance:`, `min_score:`, `timeout:`).
    private func pointerTarget(_ fields: Fields) throws(ScenarioError) -> PointerTarget {
        let target = try oneOf(["at", "screen", "image"], in: fields)
        try refuse(["offset", "tolerance", "min_score", "timeout"], without: ["image"], given: target.name, in: fields)
        switch target.name {
        case "at": return .window(try point(target.value, key: target.key))
        case "screen": return .screen(try point(target.value, key: target.key))
        default:
            var image = try imageTarget(target.value, key: target.key, fields)
            if let entry = fields.entries["offset"] { image.offset = try point(entry.value, key: entry.key) }
            return .image(image, timeout: try timeout(fields))
        }
    }

    private func imageTarget(_ node: Node, key: String, _ fields: Fields) throws(ScenarioError) -> ImageTarget {
        var search = SearchOptions()
        if let entry = fields.entries["tolerance"] { search.tolerance = try tolerance(entry.value, key: entry.key) }
        if let entry = fields.entries["min_score"] { search.minScore = try fraction(entry.value, key: entry.key) }
        return ImageTarget(path: try pngPath(node, key: key), search: search)
    }

    private func tolerance(_ node: Node, key: String) throws(ScenarioError) -> Int {
        try integer(node, key: key, in: 0...255, expected: "a whole number from 0 to 255")
    }

    private func waitCondition(_ fields: Fields) throws(ScenarioError) -> WaitCondition {
        let condition = try oneOf(["window", "image", "image_gone", "change", "settle"], in: fields)
        try refuse(["tolerance", "min_score"], without: ["image", "image_gone"], given: condition.name, in: fields)
        try refuse(["quiet"], without: ["settle"], given: condition.name, in: fields)
        switch condition.name {
        case "window":
            let window = try self.fields(condition.value, key: condition.key, known: ["title", "class"], shorthand: "title")
            return .window(try windowMatch(window))
        case "image":
            return .imageAppears(try imageTarget(condition.value, key: condition.key, fields))
        case "image_gone":
            return .imageVanishes(try imageTarget(condition.value, key: condition.key, fields))
        case "change":
            return .change(region: try screenOrRegion(condition.value, key: condition.key))
        default:
            let quiet = try fields.entries["quiet"].map { entry throws(ScenarioError) in
                try duration(entry.value, key: entry.key)
            }
            return .settle(
                region: try screenOrRegion(condition.value, key: condition.key), quiet: quiet ?? WaitCondition.defaultQuiet)
        }
    }

    /// `screen` (nil) or a region.
    private func screenOrRegion(_ node: Node, key: String) throws(ScenarioError) -> Rect? {
        if plainText(node) == "screen" { return nil }
        return try rect(node, key: key, expected: "screen or a region [x, y, width, height]")
    }

    private func keyCombination(_ node: Node, key: String) throws(ScenarioError) -> KeyCombination {
        let combo = try string(node, key: key, expected: "a key combination such as ctrl+s")
        do throws(PolicyError) {
            return try KeyCombination(parsing: combo)
        } catch {
            if case let .invalidKeyCombination(_, problem) = error {
                throw .badKeyCombination(location(node), key: key, combo: combo, problem: problem)
            }
            throw .badKeyCombination(location(node), key: key, combo: combo, problem: error.description)
        }
    }
}
