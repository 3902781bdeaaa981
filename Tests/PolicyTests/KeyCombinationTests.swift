import Policy
import Testing

@Suite("Key combinations")
struct KeyCombinationTests {
    @Test(arguments: [
        ("ctrl+alt+F1", "ctrl+alt+F1"), ("Control+ALT+f1", "ctrl+alt+F1"), ("alt+ctrl+F1", "ctrl+alt+F1"),
        ("win+L", "super+l"), ("ctrl + alt + bs", "ctrl+alt+BackSpace"), ("ctrl+alt+backspace", "ctrl+alt+BackSpace"),
        ("ctrl++", "ctrl+plus"), ("esc", "Escape"), ("shift+Enter", "shift+Return"), ("super+*", "super+*"),
        ("ctrl+ctrl+s", "ctrl+s"),
    ])
    func aliasesAndCaseAreFolded(text: String, canonical: String) throws {
        #expect(try KeyCombination(parsing: text).description == canonical)
    }

    @Test func spellingsOfOneCombinationAreEqual() throws {
        #expect(try KeyCombination(parsing: "Control+Alt+BackSpace") == KeyCombination(parsing: "ctrl+alt+bs"))
        #expect(try KeyCombination(parsing: "Win+Tab") == KeyCombination(parsing: "super+tab"))
    }

    @Test(arguments: [
        ("", "it is empty"), ("ctrl+", "a '+' must join two names, as in ctrl+alt+F1"),
        ("ctrl++a", "a '+' must join two names, as in ctrl+alt+F1"),
        ("foo+a", "'foo' is not a modifier (ctrl, shift, alt, super, meta, hyper, altgr)"),
    ])
    func aMalformedCombinationSaysWhy(text: String, problem: String) {
        #expect(throws: PolicyError.invalidKeyCombination(combo: text, problem: problem)) {
            try KeyCombination(parsing: text)
        }
    }

    @Test func aDenialCoversExtraModifiersAndABareModifierKey() throws {
        let vt1 = try KeyCombination(parsing: "ctrl+alt+F1")
        #expect(vt1.covers(try KeyCombination(parsing: "ctrl+alt+shift+F1")))
        #expect(!vt1.covers(try KeyCombination(parsing: "ctrl+F1")))
        #expect(!vt1.covers(try KeyCombination(parsing: "ctrl+alt+F2")))
        let anySuper = try KeyCombination(parsing: "super+*")
        #expect(anySuper.covers(try KeyCombination(parsing: "super")))
        #expect(anySuper.covers(try KeyCombination(parsing: "Super_L")))
        #expect(anySuper.covers(try KeyCombination(parsing: "shift+win+e")))
        #expect(!anySuper.covers(try KeyCombination(parsing: "ctrl+e")))
    }

    @Test func anAllowanceNamesOnlyTheExactCombinationUnlessItIsAWildcard() throws {
        let lock = try KeyCombination(parsing: "super+l")
        #expect(lock.names(try KeyCombination(parsing: "win+L")))
        #expect(!lock.names(try KeyCombination(parsing: "super+shift+l")))
        #expect(try KeyCombination(parsing: "super+*").names(try KeyCombination(parsing: "super+shift+l")))
    }
}
