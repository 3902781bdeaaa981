import ArgumentParser
import Desktop

#if canImport(Glibc)
    import Glibc
#endif

struct TypeText: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "type",
        abstract: "Type text into the focused window, any Unicode, whatever the keyboard layout.",
        discussion: """
            Examples:
              foredesk type 'Hello, world'
              foredesk type 'Grüße, €5 — 日本語 😀'
              printf 'line one\\nline two\\n' | foredesk type -

            Characters the layout lacks are typed by briefly binding spare keycodes, all in one batch. A newline types Return, a tab Tab; other control characters are refused.
            """)

    @OptionGroup var display: DisplayOption
    @Argument(help: "The text, or - to read it from standard input.") var text: String

    func run() throws {
        try reporting {
            let input = text == "-" ? Self.readStandardInput() : text
            try display.open().type(input)
        }
    }

    static func readStandardInput() -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(0, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Press key combinations, one after another.",
        discussion: """
            Examples:
              foredesk key Return
              foredesk key ctrl+shift+t
              foredesk key ctrl+a BackSpace F5 super+l

            Modifiers: ctrl, shift, alt, super (win), meta, hyper, altgr. Keys are X keysym names, matched without regard to case (Return, Escape, Tab, F1-F35, Left, Home, Prior, a, 5), plus aliases enter, esc, del, bs, pgup, pgdn, space.
            """)

    @OptionGroup var display: DisplayOption
    @Argument(help: "Combinations such as ctrl+shift+t, Return or F5.") var combos: [String]

    func run() throws {
        try reporting {
            // Parse every combination before pressing any, so a typo presses nothing.
            let parsed = try combos.map { (combo) throws(DesktopError) -> KeyCombo in try KeyCombo(parsing: combo) }
            guard !parsed.isEmpty else { throw CommandFailure.usage("name at least one key, e.g. foredesk key Return") }
            let desktop = try display.open()
            for combo in parsed { try desktop.key(combo) }
        }
    }
}
