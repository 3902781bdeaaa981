public import Imaging
public import Session

/// A call an agent made, its arguments checked against the tool's parameters.
public struct AgentCall: Sendable, Equatable {
    /// What the call asks for.
    public enum Operation: Sendable, Equatable {
        case screenshot(region: Rect?)
        case click(Point, button: String, count: Int)
        case move(Point)
        case drag(from: Point, to: Point)
        case scroll(Point, direction: String, clicks: Int)
        case type(text: String, secret: Bool)
        case key(String, times: Int)
        case windows
        case activeWindow
        case waitWindow(title: String?, windowClass: String?, timeout: Duration)
        case waitImage(path: String, timeout: Duration)
        case waitChange(timeout: Duration)
        case runCommand(String, timeout: Duration)
        case findImage(path: String, tolerance: Int, minScore: Double)
    }

    /// The tool's name.
    public let tool: String
    /// What to do, coordinates still in screenshot pixels.
    public let operation: Operation
    /// The scale the call's coordinates (or the screenshot) are in; nil means the session's.
    public let scale: Double?

    /// Checks arguments (a JSON object or nil) against the tool named tool.
    /// - Throws: `AgentProtocolError`: an unknown tool, an unknown, missing or wrongly typed argument.
    public init(tool: String, arguments: JSONValue?) throws(AgentProtocolError) {
        guard let definition = AgentTool.named(tool) else {
            throw .unknownTool(tool, known: AgentTool.catalog.map(\.name))
        }
        let members: [JSONValue.Member]
        switch arguments {
        case nil, .null?: members = []
        case let .object(given)?: members = given
        default: throw .invalidArguments("\(tool): arguments must be a JSON object")
        }
        let arguments = Arguments(tool: definition, members: members)
        try arguments.check()
        self.tool = tool
        scale = try arguments.number("scale").map { value throws(AgentProtocolError) in
            guard (0.1...1).contains(value) else { throw .invalidArguments("\(tool): scale must be from 0.1 to 1, not \(value)") }
            return value
        }
        operation = try Self.operation(tool, arguments)
    }

    private static func operation(_ tool: String, _ arguments: Arguments) throws(AgentProtocolError) -> Operation {
        func point() throws(AgentProtocolError) -> Point {
            Point(x: try arguments.requiredInteger("x"), y: try arguments.requiredInteger("y"))
        }
        func seconds(_ name: String, default value: Double, most: Double) throws(AgentProtocolError) -> Duration {
            let given = try arguments.number(name) ?? value
            guard given > 0, given <= most else {
                throw .invalidArguments("\(tool): \(name) must be more than 0 and at most \(Int(most)) seconds, not \(given)")
            }
            return .milliseconds(Int((given * 1000).rounded()))
        }
        switch tool {
        case "screenshot":
            return .screenshot(region: try arguments.region("region"))
        case "click":
            return .click(try point(), button: try arguments.string("button") ?? "left", count: 1)
        case "double_click":
            return .click(try point(), button: "left", count: 2)
        case "move":
            return .move(try point())
        case "drag":
            let end = Point(x: try arguments.requiredInteger("to_x"), y: try arguments.requiredInteger("to_y"))
            return .drag(from: try point(), to: end)
        case "scroll":
            let clicks = try arguments.integer("clicks") ?? 1
            guard (1...100).contains(clicks) else { throw .invalidArguments("scroll: clicks must be from 1 to 100, not \(clicks)") }
            return .scroll(try point(), direction: try arguments.requiredString("direction"), clicks: clicks)
        case "type":
            return .type(text: try arguments.requiredString("text"), secret: try arguments.bool("secret") ?? false)
        case "key":
            let times = try arguments.integer("repeat") ?? 1
            guard (1...100).contains(times) else { throw .invalidArguments("key: repeat must be from 1 to 100, not \(times)") }
            return .key(try arguments.requiredString("keys"), times: times)
        case "windows":
            return .windows
        case "active_window":
            return .activeWindow
        case "wait":
            let timeout = try seconds("timeout", default: 10, most: 120)
            let title = try arguments.string("window_title")
            let windowClass = try arguments.string("window_class")
            let image = try arguments.string("image")
            let change = try arguments.bool("change") ?? false
            let chosen = [title != nil || windowClass != nil, image != nil, change].filter { $0 }.count
            guard chosen == 1 else {
                throw .invalidArguments("wait: give exactly one of window_title/window_class, image, change: true")
            }
            if let image { return .waitImage(path: image, timeout: timeout) }
            if change { return .waitChange(timeout: timeout) }
            return .waitWindow(title: title, windowClass: windowClass, timeout: timeout)
        case "run_command":
            return .runCommand(try arguments.requiredString("command"), timeout: try seconds("timeout", default: 60, most: 600))
        default:  // find_image
            let tolerance = try arguments.integer("tolerance") ?? 0
            guard (0...255).contains(tolerance) else {
                throw .invalidArguments("find_image: tolerance must be from 0 to 255, not \(tolerance)")
            }
            let score = try arguments.number("min_score") ?? 1
            guard (0.5...1).contains(score) else {
                throw .invalidArguments("find_image: min_score must be from 0.5 to 1, not \(score)")
            }
            return .findImage(path: try arguments.requiredString("image"), tolerance: tolerance, minScore: score)
        }
    }
}

/// Why a request is not a call foredesk can make: answered with a protocol error, and the server goes on.
public enum AgentProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No tool has this name.
    case unknownTool(String, known: [String])
    /// An argument is unknown, missing, or of the wrong type or range.
    case invalidArguments(String)

    public var description: String {
        switch self {
        case let .unknownTool(name, known): "unknown tool '\(name)'; the tools are: \(known.joined(separator: ", "))"
        case let .invalidArguments(message): message
        }
    }
}

/// A call's arguments, read by name with the type its tool declares.
private struct Arguments {
    let tool: AgentTool
    let members: [JSONValue.Member]

    func check() throws(AgentProtocolError) {
        for member in members where !tool.parameters.contains(where: { $0.name == member.name }) {
            let known = tool.parameters.map(\.name)
            throw .invalidArguments(
                "\(tool.name): unknown argument '\(member.name)'"
                    + (known.isEmpty ? "; it takes none" : "; it takes: \(known.joined(separator: ", "))"))
        }
        for parameter in tool.parameters where parameter.required && value(parameter.name) == nil {
            throw .invalidArguments("\(tool.name): missing argument '\(parameter.name)' (\(parameter.type): \(parameter.summary))")
        }
        for parameter in tool.parameters {
            guard let choices = parameter.choices, let given = value(parameter.name) else { continue }
            guard let text = given.stringValue, choices.contains(text) else {
                throw .invalidArguments("\(tool.name): \(parameter.name) must be one of \(choices.joined(separator: ", ")), not \(given.rendered)")
            }
        }
    }

    func value(_ name: String) -> JSONValue? {
        guard let value = members.last(where: { $0.name == name })?.value, value != .null else { return nil }
        return value
    }

    func wrongType(_ name: String, _ expected: String) -> AgentProtocolError {
        .invalidArguments("\(tool.name): \(name) must be \(expected), not \(value(name)?.rendered ?? "null")")
    }

    func integer(_ name: String) throws(AgentProtocolError) -> Int? {
        guard let value = value(name) else { return nil }
        if case let .int(number) = value { return number }
        if case let .double(number) = value, number.rounded() == number, abs(number) < 1e9 { return Int(number) }
        throw wrongType(name, "a whole number")
    }

    func requiredInteger(_ name: String) throws(AgentProtocolError) -> Int {
        guard let number = try integer(name) else { throw wrongType(name, "a whole number") }
        return number
    }

    func number(_ name: String) throws(AgentProtocolError) -> Double? {
        guard let value = value(name) else { return nil }
        switch value {
        case let .int(number): return Double(number)
        case let .double(number): return number
        default: throw wrongType(name, "a number")
        }
    }

    func string(_ name: String) throws(AgentProtocolError) -> String? {
        guard let value = value(name) else { return nil }
        guard case let .string(text) = value else { throw wrongType(name, "a string") }
        return text
    }

    func requiredString(_ name: String) throws(AgentProtocolError) -> String {
        guard let text = try string(name), !text.isEmpty else { throw wrongType(name, "a non-empty string") }
        return text
    }

    func bool(_ name: String) throws(AgentProtocolError) -> Bool? {
        guard let value = value(name) else { return nil }
        guard case let .bool(flag) = value else { throw wrongType(name, "true or false") }
        return flag
    }

    func region(_ name: String) throws(AgentProtocolError) -> Rect? {
        guard let value = value(name) else { return nil }
        guard case let .array(items) = value, items.count == 4 else { throw wrongType(name, "[x, y, width, height]") }
        var numbers: [Int] = []
        for item in items {
            guard case let .int(number) = item else { throw wrongType(name, "[x, y, width, height] of whole numbers") }
            numbers.append(number)
        }
        guard numbers[2] > 0, numbers[3] > 0 else { throw wrongType(name, "[x, y, width, height] with a positive size") }
        return Rect(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }
}
