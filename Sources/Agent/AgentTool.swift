public import Session

/// One operation an agent may call, described once for both doors: MCP's `tools/list` and the
/// JSON-lines `list_tools` serve this catalog, with a JSON Schema for the arguments.
public struct AgentTool: Sendable {
    /// An argument: its JSON type, whether it must be given, and what it means.
    public struct Parameter: Sendable {
        public let name: String
        /// `integer`, `number`, `string`, `boolean`, `array` or `object`.
        public let type: String
        public let required: Bool
        public let summary: String
        /// The allowed values of a string, when it is a choice.
        public let choices: [String]?

        init(_ name: String, _ type: String, required: Bool = false, _ summary: String, choices: [String]? = nil) {
            self.name = name
            self.type = type
            self.required = required
            self.summary = summary
            self.choices = choices
        }
    }

    public let name: String
    public let summary: String
    public let parameters: [Parameter]

    /// The arguments' JSON Schema (an object with properties and required names).
    public var inputSchema: JSONValue {
        let properties = parameters.map { parameter -> JSONValue.Member in
            var schema: [JSONValue.Member] = [.init("type", .string(parameter.type)), .init("description", .string(parameter.summary))]
            if let choices = parameter.choices { schema.append(.init("enum", .array(choices.map(JSONValue.string)))) }
            if parameter.type == "array" { schema.append(.init("items", .object([.init("type", .string("integer"))]))) }
            return .init(parameter.name, .object(schema))
        }
        return .object([
            .init("type", .string("object")),
            .init("properties", .object(properties)),
            .init("required", .array(parameters.filter(\.required).map { .string($0.name) })),
            .init("additionalProperties", .bool(false)),
        ])
    }

    /// Every tool, in the order they are listed.
    public static let catalog: [AgentTool] = {
        let x = Parameter("x", "integer", required: true, "horizontal position, in screenshot pixels (see scale)")
        let y = Parameter("y", "integer", required: true, "vertical position, in screenshot pixels (see scale)")
        let scale = Parameter(
            "scale", "number", "the scale of the screenshot the coordinates were read from (default: the session's --scale)")
        return [
            AgentTool(
                name: "screenshot",
                summary: "The screen (or a region) as a PNG, redacted as the policy asks. Coordinates read from it go back "
                    + "to the pointer tools with the same scale.",
                parameters: [
                    Parameter("region", "array", "[x, y, width, height] in screenshot pixels at this scale; default the whole screen"),
                    Parameter("scale", "number", "resize factor, 0.1 to 1 (default: the session's --scale)"),
                ]),
            AgentTool(
                name: "click", summary: "Click at a point of the active window (foreground only; the policy gate decides).",
                parameters: [
                    x, y, Parameter("button", "string", "which button (default left)", choices: ["left", "right", "middle"]), scale,
                ]),
            AgentTool(name: "double_click", summary: "Double-click at a point of the active window.", parameters: [x, y, scale]),
            AgentTool(name: "move", summary: "Move the pointer to a point.", parameters: [x, y, scale]),
            AgentTool(
                name: "drag", summary: "Press the left button at (x, y), move to (to_x, to_y) and release.",
                parameters: [
                    x, y, Parameter("to_x", "integer", required: true, "where the drag ends, horizontally"),
                    Parameter("to_y", "integer", required: true, "where the drag ends, vertically"), scale,
                ]),
            AgentTool(
                name: "scroll", summary: "Turn the wheel at a point.",
                parameters: [
                    x, y,
                    Parameter("direction", "string", required: true, "which way", choices: ["up", "down", "left", "right"]),
                    Parameter("clicks", "integer", "how many wheel clicks, 1 to 100 (default 1)"), scale,
                ]),
            AgentTool(
                name: "type", summary: "Type text into the active window (any Unicode).",
                parameters: [
                    Parameter("text", "string", required: true, "the text"),
                    Parameter("secret", "boolean", "true keeps the text out of every file of the session"),
                ]),
            AgentTool(
                name: "key", summary: "Press a key combination, such as ctrl+s, Return or alt+F4 (the policy may deny some).",
                parameters: [
                    Parameter("keys", "string", required: true, "the combination: modifiers and a key joined by +"),
                    Parameter("repeat", "integer", "how many times, 1 to 100 (default 1)"),
                ]),
            AgentTool(name: "windows", summary: "The visible windows: id, title, class, pid and geometry (screen pixels).", parameters: []),
            AgentTool(name: "active_window", summary: "The window that has the keyboard focus.", parameters: []),
            AgentTool(
                name: "wait", summary: "Wait for a window, an image on the screen, or any screen change (give exactly one).",
                parameters: [
                    Parameter("window_title", "string", "a regular expression the window's title matches"),
                    Parameter("window_class", "string", "the window's WM_CLASS"),
                    Parameter("image", "string", "a PNG file to wait for on the screen"),
                    Parameter("change", "boolean", "true waits until the screen changed since the last action"),
                    Parameter("timeout", "number", "seconds, at most 120 (default 10)"),
                ]),
            AgentTool(
                name: "run_command",
                summary: "Run a shell command inside the session's sandbox (the policy decides; the workspace is the only writable place). "
                    + "Returns the exit status and output (long output is cut, with a note).",
                parameters: [
                    Parameter("command", "string", required: true, "the command line, run by /bin/sh -c"),
                    Parameter("timeout", "number", "seconds, at most 600 (default 60)"),
                ]),
            AgentTool(
                name: "find_image", summary: "Find a PNG template on the screen; returns where it is, in screenshot pixels.",
                parameters: [
                    Parameter("image", "string", required: true, "the PNG file"),
                    Parameter("tolerance", "integer", "largest difference per colour channel, 0 to 255 (default 0)"),
                    Parameter("min_score", "number", "the share of pixels that must match, 0.5 to 1 (default 1)"),
                    scale,
                ]),
        ]
    }()

    /// The tool named name.
    public static func named(_ name: String) -> AgentTool? {
        catalog.first { $0.name == name }
    }
}
