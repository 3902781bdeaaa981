extension ScenarioCommand {
    /// A command as a person types it (`fixture-app --title 'my app'`): split into words when it is
    /// only words, quotes and backslashes, so its program can be found as an app's is; anything the
    /// shell would expand or redirect (`$`, `|`, `*`, `>`, `~`…) keeps it a shell command line.
    public init(commandLine: String) {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in commandLine {
            if escaped {
                word.append(character)
                escaped = false
            } else if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    word.append(character)
                }
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else if "|&;<>()$`*?[]{}~#\n!".contains(character) {
                self = .shell(commandLine)
                return
            } else {
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        guard quote == nil, !escaped, let program = words.first, !program.isEmpty else {
            self = .shell(commandLine)
            return
        }
        self = .arguments(words)
    }
}
