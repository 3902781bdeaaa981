import Foundation
import Session

extension Scenario {
    /// What its `secret: true` type steps would type, after variable substitution.
    public var secretTexts: [String] {
        steps.compactMap { step in
            if case let .type(text, secret: true) = step.action, !text.isEmpty { return text }
            return nil
        }
    }

    /// The source text with every secret text replaced by `RecordedAction.secretPlaceholder`: what a
    /// session may keep. nil when the scenario was not read from text.
    public var sourceWithoutSecrets: String? {
        secretTexts.reduce(source) { text, secret in
            text?.replacingOccurrences(of: secret, with: RecordedAction.secretPlaceholder)
        }
    }

    /// A secret step of this scenario would type the placeholder: the text is a session's copy, not the original.
    public var lostSecrets: Bool {
        secretTexts.contains(RecordedAction.secretPlaceholder)
    }
}
