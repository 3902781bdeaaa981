import Foundation
import Policy
import Sandbox
import Testing

/// Every policy key, value and rule id is documented once, in Scenarios/README.md's "Policy" section
/// (STYLE.md: schema docs; openQA's check_vars_docu).
@Suite("Policy documentation")
struct PolicyDocumentationTests {
    /// The "## Policy" section of Scenarios/README.md, found from this file's place in the repository.
    static func policySection() throws -> String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/PolicyTests/<file>
        let readme = try String(contentsOfFile: parts.joined(separator: "/") + "/Scenarios/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "## Policy") else { return "" }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return lines[start..<end].joined(separator: "\n")
    }

    /// Every `code span` of text outside fenced blocks; a heading's `sandbox:` counts as `sandbox`.
    static func codeSpans(_ text: String) -> Set<String> {
        let prose = text.split(separator: "```", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: "\n")
        var spans: Set<String> = []
        for (index, piece) in prose.split(separator: "`", omittingEmptySubsequences: false).enumerated()
        where index % 2 == 1 {
            spans.insert(piece.hasSuffix(":") ? String(piece.dropLast()) : String(piece))
        }
        return spans
    }

    @Test func everyPolicyKeyIsDocumented() throws {
        let spans = Self.codeSpans(try Self.policySection())
        #expect(!spans.isEmpty, "Scenarios/README.md has no '## Policy' section")
        for key in Policy.keyPaths {
            #expect(spans.contains(key), "Scenarios/README.md's Policy section does not document `\(key)`")
        }
    }

    @Test func everyDocumentedKeyExists() throws {
        let known = Set(Policy.keyPaths)
        let sections = Set(Policy.keyPaths.filter { !$0.contains(".") })
        let ruleIDs = Set(RuleID.allCases.map(\.rawValue))
        for span in Self.codeSpans(try Self.policySection()) where !ruleIDs.contains(span) {
            let head = span.split(whereSeparator: { $0 == "." || $0 == "[" }).first.map(String.init) ?? ""
            guard sections.contains(head), span.contains("."), !span.contains(" "), !span.contains(":") else {
                continue
            }
            #expect(known.contains(span), "Scenarios/README.md documents `\(span)`, which the policy does not have")
        }
    }

    @Test func everyValueAndRuleIdIsDocumented() throws {
        let section = try Self.policySection()
        let spans = Self.codeSpans(section)
        let values =
            Action.Kind.allCases.map(\.rawValue) + ApprovalMode.allCases.map(\.rawValue)
            + SandboxPolicy.DisplayTrust.allCases.map(\.rawValue) + Identity.allCases.map(\.rawValue)
            + SandboxPolicy.variables.map { "${\($0)}" }
        for value in values {
            #expect(section.contains("`\(value)`"), "`\(value)` is not documented")
        }
        for rule in RuleID.allCases {
            #expect(spans.contains(rule.rawValue), "rule id `\(rule.rawValue)` is not documented")
        }
    }

    @Test func theDocumentedExampleReads() throws {
        let section = try Self.policySection()
        let start = try #require(section.range(of: "```yaml\n"))
        let end = try #require(section.range(of: "\n```", range: start.upperBound..<section.endIndex))
        let example = try Policy(yaml: String(section[start.upperBound..<end.lowerBound]), file: "README example")
        #expect(example != Policy.default)
        #expect(!example.ask.isEmpty && !example.allow.isEmpty)
    }
}
