import Session

/// A changed file as `/api/diff` sends it: its name under its root, how it changed, and the unified
/// diff (empty for a binary file, which is only named).
struct WorkspaceChange: Encodable {
    let path: String
    let name: String
    let kind: String
    let binary: Bool
    let diff: String

    init(_ change: FileChange) {
        path = change.path
        name = change.name
        kind = change.kind.rawValue
        binary = change.isBinary
        diff = change.isBinary ? "" : change.unifiedText
    }
}
