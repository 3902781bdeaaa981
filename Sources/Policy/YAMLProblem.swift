import Yams

/// Why Yams could not compose a YAML text, and where: the syntax errors every YAML-reading layer
/// (policy, scenario) reports the same way.
public struct YAMLProblem: Error, Sendable, Equatable {
    /// What is wrong with the text.
    public enum Kind: Sendable, Equatable {
        /// The text is not well-formed YAML (libyaml's own problem description).
        case syntax(String)
        /// The same key twice in one mapping.
        case duplicateKey(String)
    }

    /// Where the problem is.
    public var location: SourceLocation
    /// What the problem is.
    public var kind: Kind

    /// The problem in an error thrown by `Yams.compose`; file names the text in its location.
    public init(_ error: any Error, file: String) {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        func explain(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(problem) (\(context.text) at \(context.mark))"
        }
        guard let error = error as? YamlError else {
            self.init(location: SourceLocation(file: file, line: 1, column: 1), kind: .syntax("\(error)"))
            return
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            self.init(location: at(mark), kind: .syntax(explain(context, problem)))
        case let .duplicatedKeysInMapping(duplicates, context):
            self.init(location: at(context.mark), kind: .duplicateKey(duplicates.joined(separator: ", ")))
        case let .reader(problem, offset, _, yaml):
            // The reader counts bytes from the start; turn the offset into a line and a column.
            let before = offset.map { String(yaml.prefix($0)) } ?? ""
            let line = before.count(where: { $0 == "\n" }) + 1
            let column =
                before.split(separator: "\n", omittingEmptySubsequences: false).last.map { $0.unicodeScalars.count + 1 }
                ?? 1
            self.init(location: SourceLocation(file: file, line: line, column: column), kind: .syntax(problem))
        case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
            self.init(location: SourceLocation(file: file, line: 1, column: 1), kind: .syntax("\(error)"))
        }
    }

    /// A problem from its parts.
    public init(location: SourceLocation, kind: Kind) {
        self.location = location
        self.kind = kind
    }
}
