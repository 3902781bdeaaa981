import Agent
import Imaging
import Session
import Testing

/// Arguments are checked against each tool's parameters before anything reaches the desktop.
struct AgentCallTests {
    func call(_ tool: String, _ arguments: String?) throws -> AgentCall {
        try AgentCall(tool: tool, arguments: try arguments.map { try JSONValue(parsing: $0) })
    }

    @Test func wellFormedCallsDecode() throws {
        #expect(try call("click", #"{"x": 10, "y": 20, "button": "right"}"#).operation == .click(Point(x: 10, y: 20), button: "right", count: 1))
        #expect(try call("double_click", #"{"x": 1.0, "y": 2}"#).operation == .click(Point(x: 1, y: 2), button: "left", count: 2))
        #expect(try call("screenshot", #"{"region": [0, 0, 100, 50], "scale": 0.5}"#).scale == 0.5)
        #expect(try call("wait", #"{"image": "a.png", "timeout": 1.5}"#).operation == .waitImage(path: "a.png", timeout: .milliseconds(1500)))
        #expect(try call("windows", nil).operation == .windows)
        #expect(try call("run_command", #"{"command": "ls"}"#).operation == .runCommand("ls", timeout: .seconds(60)))
    }

    @Test(arguments: [
        ("click", #"{"x": 1}"#, "missing argument 'y'"),
        ("click", #"{"x": 1.5, "y": 2}"#, "x must be a whole number"),
        ("click", #"{"x": 1, "y": 2, "button": "left-ish"}"#, "button must be one of left, right, middle"),
        ("type", #"{"text": 5}"#, "text must be a string, not 5"),
        ("type", #"{"text": ""}"#, "text must be a non-empty string"),
        ("type", #"[1]"#, "arguments must be a JSON object"),
        ("screenshot", #"{"scale": 2}"#, "scale must be from 0.1 to 1"),
        ("screenshot", #"{"region": [0, 0, -1, 5]}"#, "positive size"),
        ("wait", #"{"image": "a.png", "change": true}"#, "exactly one of"),
        ("wait", #"{}"#, "exactly one of"),
        ("run_command", #"{"command": "ls", "timeout": 9999}"#, "at most 600 seconds"),
        ("key", #"{"keys": "a", "repeat": 0}"#, "repeat must be from 1 to 100"),
        ("windows", #"{"all": true}"#, "unknown argument 'all'; it takes none"),
        ("teleport", nil, "unknown tool 'teleport'; the tools are: screenshot"),
    ])
    func badCallsSayWhatIsWrong(tool: String, arguments: String?, message: String) throws {
        do {
            _ = try call(tool, arguments)
            Issue.record("\(tool) \(arguments ?? "") was accepted")
        } catch let error as AgentProtocolError {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func everyToolHasASchemaThatNamesItsRequiredArguments() {
        for tool in AgentTool.catalog {
            let schema = tool.inputSchema
            #expect(schema["type"]?.stringValue == "object")
            let required = tool.parameters.filter(\.required).map(\.name)
            #expect(schema["required"] == .array(required.map(JSONValue.string)), "\(tool.name)")
        }
    }

    @Test func longOutputIsCutWithANote() {
        let long = String(repeating: "x", count: 20_000)
        let cut = AgentSession.truncated(long, file: "output/0001-run.stdout")
        #expect(cut.count < 16_200)
        #expect(cut.hasSuffix("[… 4000 more characters cut; the whole output is in the session's output/0001-run.stdout]"))
        #expect(AgentSession.truncated("short", file: "f") == "short")
    }
}
