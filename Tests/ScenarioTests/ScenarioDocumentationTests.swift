import Foundation
import Imaging
import Policy
import Scenario
import Testing
import TestSupport

/// Every scenario section, step kind and key is documented once, in Scenarios/README.md's
/// "Scenario format" section, with an example per step that parses (STYLE.md: schema docs); the
/// example scenario parses too.
@Suite("Scenario documentation")
struct ScenarioDocumentationTests {
    /// The repository's root, found from this file's place in it.
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/ScenarioTests/<file>
        return parts.joined(separator: "/")
    }()

    /// The "## Scenario format" section of Scenarios/README.md, split at its `### ` headings.
    static func subsections() throws -> [(heading: String, body: String)] {
        let readme = try String(contentsOfFile: root + "/Scenarios/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "## Scenario format") else { return [] }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        var result: [(heading: String, body: String)] = [("", "")]
        for line in lines[(start + 1)..<end] {
            if line.hasPrefix("### ") {
                result.append((String(line), ""))
            } else {
                result[result.count - 1].body += line + "\n"
            }
        }
        return result
    }

    /// Every `code span` of text outside fenced blocks, without a trailing `:`.
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

    /// The fenced ```yaml blocks of text.
    static func yamlBlocks(_ text: String) -> [String] {
        text.split(separator: "```", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 && $0.element.hasPrefix("yaml\n") }
            .map { String($0.element.dropFirst("yaml\n".count)) }
    }

    /// The documented sections (besides step kinds) and the keys each must describe.
    static let sections: [(name: String, keys: [String])] = [
        ("display", ScenarioSchema.display), ("apps", ScenarioSchema.app), ("window", ScenarioSchema.appWindow),
    ]

    /// The subsection whose heading names name in a code span.
    static func subsection(_ name: String, in subsections: [(heading: String, body: String)]) -> String? {
        subsections.first { codeSpans($0.heading).contains(name) }?.body
    }

    @Test func theTopLevelKeysAreDocumented() throws {
        let top = try #require(try Self.subsections().first { $0.heading == "### The top level" }?.body)
        for key in ScenarioSchema.top {
            #expect(Self.codeSpans(top).contains(key), "the top level does not document `\(key)`")
        }
    }

    @Test func everySectionAndItsKeysAreDocumented() throws {
        let subsections = try Self.subsections()
        for (name, keys) in Self.sections {
            let body = try #require(Self.subsection(name, in: subsections), "no '### `\(name):`' subsection")
            for key in keys {
                #expect(Self.codeSpans(body).contains(key), "`\(name):` does not document `\(key)`")
            }
        }
    }

    @Test func everyStepKindAndItsKeysAreDocumentedWithAnExample() throws {
        let subsections = try Self.subsections()
        for kind in Step.Kind.allCases {
            let body = try #require(Self.subsection(kind.rawValue, in: subsections), "step `\(kind.rawValue)` is not documented")
            let spans = Self.codeSpans(body)
            for key in ScenarioSchema.keys(of: kind) {
                #expect(spans.contains(key), "step `\(kind.rawValue)` does not document `\(key)`")
            }
            let examples = Self.yamlBlocks(body).joined(separator: "\n")
            #expect(examples.contains("- \(kind.rawValue):"), "step `\(kind.rawValue)` has no example")
        }
    }

    @Test func everyDocumentedHeadingIsAStepKindOrASection() throws {
        let known = Set(Step.Kind.allCases.map(\.rawValue) + Self.sections.map(\.name))
        for (heading, _) in try Self.subsections() {
            for span in Self.codeSpans(heading) {
                #expect(known.contains(span), "Scenarios/README.md documents `\(span)`, which scenarios do not have")
            }
        }
    }

    @Test func everyDocumentedStepExampleParses() throws {
        let steps = try Self.subsections().flatMap { Self.yamlBlocks($0.body) }
            .flatMap { $0.split(separator: "\n") }.filter { $0.hasPrefix("- ") }
        #expect(steps.count >= Step.Kind.allCases.count)
        let scenario = try scenario(
            steps: steps.map { "  " + $0 + "\n" }.joined(), variables: "variables: { password: pw }",
            file: "Scenarios/README.md")
        #expect(Set(scenario.steps.map(\.kind)) == Set(Step.Kind.allCases))
    }

    @Test func theExampleScenarioParses() throws {
        let file = Self.root + "/Scenarios/examples/fixture-smoke.yaml"
        let scenario = try Scenario(contentsOfFile: file)
        #expect(scenario.name == "fixture smoke")
        #expect(scenario.display == .default)
        let app = try #require(scenario.app(named: "fixture"))
        #expect(app.command == .arguments(["fixture-app", "--title", "foredesk fixture"]))
        #expect(app.window == WindowMatch(title: try TextPattern("^foredesk fixture$"), windowClass: "ForedeskFixture"))
        #expect(app.policy == Self.root + "/Scenarios/examples/fixture-policy.yaml")
        let policy = try Policy(
            yaml: try String(contentsOfFile: try #require(app.policy), encoding: .utf8), file: "fixture-policy.yaml")
        #expect(policy.input.apps == ["fixture"])
        #expect(scenario.steps.first?.action == .launch(app: "fixture", timeout: .seconds(20)))
        #expect(scenario.steps.contains { $0.action == .click(.window(FixtureApp.Layout.okButton.center)) })
        #expect(scenario.steps.contains { $0.action == .type(text: "s3cret", secret: true) })
    }
}

