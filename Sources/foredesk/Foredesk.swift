import ArgumentParser

@main
struct Foredesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "foredesk",
        abstract: "Drive an X11 desktop the way a person does: look, point, click, type — foreground only.",
        discussion: """
            Every command talks to the display given by --display, or DISPLAY. Input goes through XTest to whatever window has the focus, and every action has reached the X server when the command returns.

            Exit codes: 0 success, 1 the action failed (timeout, window gone, server refused), 64 bad usage or input (unknown key, point outside the screen), 65 unreadable data (corrupt PNG), 69 no usable display (none given, cannot connect, missing extension).

            Try it without touching your desktop: `foredesk demo` starts a private display, drives the fixture app on it and writes a screenshot.
            """,
        version: "0.1.0",
        subcommands: [
            Screenshot.self, Click.self, Move.self, Drag.self, Scroll.self, TypeText.self, Key.self,
            Windows.self, Active.self, WaitWindow.self, Find.self, Demo.self, RunCommand.self, Exec.self, SandboxCommand.self, ReportCommand.self,
            VerifyCommand.self, TestCommand.self, ReplayCommand.self, MCPCommand.self, AgentCommand.self,
            ExportScenarioCommand.self, ExportCommand.self, RecordCommand.self, ServeCommand.self,
        ]
    )
}
