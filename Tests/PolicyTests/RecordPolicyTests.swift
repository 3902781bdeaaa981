import Policy
import Testing

/// The `record:` section: which windows' typed text `foredesk record` never writes down.
@Suite("Policy record")
struct RecordPolicyTests {
    @Test func readsSensitiveWindowsAndDefaultsToPinentryLikePrompts() throws {
        let policy = try Policy(
            yaml: """
                record:
                  sensitive:
                    - class: KeePassXC
                    - title: '(?i)password'
                """, file: "p.yaml")
        #expect(policy.record.sensitive.count == 2)
        #expect(policy.record.isSensitive(className: "KeePassXC", instanceName: "keepassxc", title: "x"))
        #expect(policy.record.isSensitive(className: "Firefox", instanceName: "Navigator", title: "Enter Password"))
        #expect(!policy.record.isSensitive(className: "Pinentry", instanceName: "pinentry", title: "PIN"), "the list replaces the default")

        #expect(Policy.default.record.isSensitive(className: "Pinentry-gtk-2", instanceName: "pinentry-gtk-2", title: ""))
        #expect(Policy.default.record.isSensitive(className: "Gcr-prompter", instanceName: "gcr-prompter", title: ""))
        #expect(!Policy.default.record.isSensitive(className: "XTerm", instanceName: "xterm", title: "password"))
        let empty = try Policy(yaml: "record:\n  sensitive: []\n", file: "p.yaml")
        #expect(empty.record.sensitive.isEmpty, "an empty list records everything")
    }

    @Test func errorsNameTheLine() {
        #expect(errorMessage("record:\n  sensitve: []\n")?.hasPrefix("p.yaml:2:3: unknown key 'sensitve' in record — did you mean 'sensitive'?") == true)
        #expect(errorMessage("record:\n  sensitive:\n    - {}\n")?.hasPrefix("p.yaml:3:7:") == true)
        #expect(errorMessage("record:\n  sensitive:\n    - title: '('\n")?.hasPrefix("p.yaml:3:14:") == true)
    }
}
