/// Which key combinations may be pressed: combinations that leave the app are denied by default
/// (DESIGN rule 5) unless `allow_keys` names them; `deny_keys` adds denials nothing can lift.
public struct KeyPolicy: Sendable, Equatable {
    /// Extra denied combinations (`deny_keys`); they win over `allow_keys`.
    public var denied: [KeyCombination]
    /// Combinations lifted out of the defaults (`allow_keys`), each named explicitly.
    public var allowed: [KeyCombination]

    /// A key policy from its parts; the defaults always apply on top.
    public init(denied: [KeyCombination] = [], allowed: [KeyCombination] = []) {
        self.denied = denied
        self.allowed = allowed
    }

    /// Combinations that leave the app: virtual-terminal switches and the keysyms that do the same
    /// pressed bare, killing the X server (`ctrl+alt+BackSpace`, `Terminate_Server`), every
    /// window-manager `super` shortcut and a bare `super`, and the common window-manager switch,
    /// menu and session shortcuts (`alt+Tab`, `alt+F1`, `alt+F2`, `ctrl+alt+Delete`).
    public static let leavingTheApp: [KeyCombination] = {
        var patterns: [KeyCombination] = []
        for number in 1...12 {
            patterns.append(KeyCombination(modifiers: [.ctrl, .alt], key: "F\(number)"))
            patterns.append(KeyCombination(modifiers: [], key: "XF86Switch_VT_\(number)"))
        }
        patterns.append(KeyCombination(modifiers: [.ctrl, .alt], key: "BackSpace"))
        patterns.append(KeyCombination(modifiers: [], key: "Terminate_Server"))
        patterns.append(KeyCombination(modifiers: [.super], key: "*"))
        patterns.append(KeyCombination(modifiers: [.alt], key: "Tab"))
        patterns.append(KeyCombination(modifiers: [.alt], key: "F1"))
        patterns.append(KeyCombination(modifiers: [.alt], key: "F2"))
        patterns.append(KeyCombination(modifiers: [.ctrl, .alt], key: "Delete"))
        return patterns
    }()

    /// The verdict on one combination: nil when it may be pressed, else the rule and the pattern
    /// that denies it.
    func denial(of combination: KeyCombination) -> (rule: RuleID, pattern: KeyCombination)? {
        if let pattern = denied.first(where: { $0.covers(combination) }) { return (.keysDenied, pattern) }
        guard let pattern = Self.leavingTheApp.first(where: { $0.covers(combination) }) else { return nil }
        if allowed.contains(where: { $0.names(combination) }) { return nil }
        return (.keysLeaveApp, pattern)
    }
}
