/// Splits a command line typed on foredesk's own command line (`--app fixture='fixture-app --move-ok 90,0'`)
/// into words the way a POSIX shell would for plain words and quotes, without expanding anything.
public enum CommandWords {
    /// The words of line: whitespace separates, '…' keeps everything, "…" keeps everything but `\"` and `\\`,
    /// and a backslash outside quotes keeps the next character.
    /// - Throws: `CommandWordsError` for an unclosed quote or a trailing backslash.
    public static func split(_ line: String) throws(CommandWordsError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                // Inside "…" a backslash escapes only `"` and `\`; before anything else it stays.
                if quote == "\"", character != "\"", character != "\\" { current.append("\\") }
                current.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                current.append(character)
            case ("\"", "\\"), (nil, "\\"):
                escaped = true
                inWord = true
            case ("\"", _):
                current.append(character)
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case (nil, _) where character.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if let quote { throw CommandWordsError("unclosed \(quote) in: \(line)") }
        if escaped { throw CommandWordsError("a backslash ends: \(line)") }
        if inWord { words.append(current) }
        return words
    }
}

/// Why a command line cannot be split into words.
public struct CommandWordsError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
