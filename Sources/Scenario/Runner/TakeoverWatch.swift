import Imaging
import Policy

/// Notices someone else at the desktop (DESIGN rule 4): the pointer or the focus changed between two
/// foredesk actions without foredesk causing it.
///
/// The runner takes a baseline after each step. A later pointer position that differs from it is a
/// takeover; so is a focus change to a window the session did not launch (an app moving the focus
/// between its own windows is not). Another XTest client injects through the same XTEST devices as
/// foredesk, so this comparison is what catches it; real devices are `HumanInputWatch`'s.
struct TakeoverWatch {
    private var pointer: Point?
    private var active: UInt?
    /// A person answered "always": takeovers no longer pause this run.
    var ignored = false

    /// Takes what the desktop looks like now as foredesk's own doing.
    mutating func baseline(pointer: Point?, active: UInt?) {
        self.pointer = pointer
        self.active = active
    }

    /// What changed behind foredesk's back since the baseline, in words; nil when nothing did.
    func change(pointer now: Point?, active window: WindowFacts?, launched: [Int32: String]) -> String? {
        guard !ignored else { return nil }
        if let before = pointer, let now, before != now {
            return "the pointer moved from \(before.x),\(before.y) to \(now.x),\(now.y) without foredesk"
        }
        if let before = active, let window, window.id != before,
            window.pid.flatMap({ launched[$0] }) == nil
        {
            return "the focus moved to \(window), which this session did not launch, without foredesk"
        }
        return nil
    }
}
