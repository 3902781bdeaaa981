import Imaging
import Policy
import Testing

/// The `redact:` section: windows by class and/or title, screen regions, and its errors.
@Suite("Policy redact")
struct RedactPolicyTests {
    @Test func readsWindowsAndRegions() throws {
        let policy = try Policy(
            yaml: """
                redact:
                  windows:
                    - class: KeePassXC
                    - title: '(?i)password'
                      class: Firefox
                  regions:
                    - [0, 0, 1280, 24]
                """, file: "p.yaml")
        #expect(policy.redact.windows.count == 2)
        #expect(policy.redact.windows[0] == .init(windowClass: "KeePassXC"))
        #expect(policy.redact.windows[1].title?.source == "(?i)password")
        #expect(policy.redact.regions == [Rect(x: 0, y: 0, width: 1280, height: 24)])
        #expect(Policy.default.redact.isEmpty)
    }

    @Test func aWindowRuleMatchesOnEveryFieldItNames() throws {
        let rule = RedactPolicy.WindowRule(windowClass: "firefox", title: try CommandPattern("(?i)password"))
        #expect(rule.matches(className: "Firefox", instanceName: "Navigator", title: "Password manager"))
        #expect(!rule.matches(className: "Firefox", instanceName: "Navigator", title: "News"))
        #expect(!rule.matches(className: "XTerm", instanceName: "xterm", title: "password"))
        #expect(RedactPolicy.WindowRule(windowClass: "fixture-app")
            .matches(className: "Fixture", instanceName: "fixture-app", title: ""))
    }

    @Test func mergingKeepsEachEntryOnce() {
        let a = RedactPolicy(windows: [.init(windowClass: "A")], regions: [Rect(x: 0, y: 0, width: 1, height: 1)])
        let b = RedactPolicy(windows: [.init(windowClass: "A"), .init(windowClass: "B")])
        #expect(a.merged(with: b).windows.map(\.windowClass) == ["A", "B"])
        #expect(a.merged(with: b).regions.count == 1)
    }

    @Test func errorsNameWhereAndWhat() {
        #expect(
            errorMessage("redact:\n  window: []\n")
                == "p.yaml:2:3: unknown key 'window' in redact — did you mean 'windows'? (expected one of: windows, regions)")
        #expect(
            errorMessage("redact:\n  windows:\n    - klass: X\n")
                == "p.yaml:3:7: unknown key 'klass' in redact.windows[1] — did you mean 'class'? (expected one of: class, title)")
        #expect(
            errorMessage("redact:\n  windows:\n    - {}\n")
                == "p.yaml:3:7: redact.windows[1]: found a rule that names nothing, expected at least one of class, title")
        #expect(
            errorMessage("redact:\n  windows:\n    - title: '(['\n")?.hasPrefix("p.yaml:3:14: redact.windows[1].title: found '([', expected a regular expression") == true)
        #expect(
            errorMessage("redact:\n  regions:\n    - [0, 0, 10]\n")
                == "p.yaml:3:7: redact.regions[1]: found a list, expected a region [x, y, width, height] of whole numbers (x, y ≥ 0; width, height ≥ 1)")
        #expect(
            errorMessage("redact:\n  regions:\n    - [0, 0, 0, 10]\n")
                == "p.yaml:3:14: redact.regions[1]: found '0', expected a region [x, y, width, height] of whole numbers (x, y ≥ 0; width, height ≥ 1)")
        #expect(
            errorMessage("redact:\n  regions: [1, 2]\n")
                == "p.yaml:2:13: redact.regions[1]: found '1', expected a region [x, y, width, height] of whole numbers (x, y ≥ 0; width, height ≥ 1)")
    }
}
