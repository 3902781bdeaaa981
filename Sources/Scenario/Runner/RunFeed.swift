public import Imaging
public import Session

/// Told what a run does as it happens, for a live view (the supervision server): steps, approvals
/// waiting, the screen after each step and where a command's output is being written.
///
/// Calls come from the runner's thread (approval calls while the run waits); an implementation
/// must return quickly and never block the run. The frames it gets are already redacted.
public protocol RunFeed: AnyObject, Sendable {
    /// The session folder exists; steps are the scenario's step labels in order.
    func runStarted(session: String, scenario: String, steps: [String])
    /// A step (0-based index, label) begins.
    func stepStarted(_ index: Int, _ label: String)
    /// A step ended; its event as recorded (decision, error, frames, output files).
    func stepFinished(_ index: Int, _ event: Event)
    /// The screen as it is now, redacted (after each step, and when an approval is asked).
    func screen(_ frame: Frame)
    /// A `run` step's command started; its output grows in these files (absolute paths).
    func commandStarted(_ command: String, stdout: String, stderr: String)
    /// The run waits for an answer to request; target is the point the action aims at, if any.
    func approvalPending(_ request: ApprovalRequest, target: Point?)
    /// The request was answered (or not: nil).
    func approvalSettled(_ request: ApprovalRequest, _ response: ApprovalResponse?)
    /// The files under the writable roots as the run began: `before.diffNow(excluding:)` shows what the
    /// run changed since, from any thread.
    func workspaceWatched(_ before: WorkspaceSnapshot, excluding: [String])
    /// The run ended with this verdict (`passed`, `failed`, `aborted`).
    func runFinished(verdict: String, failure: String?)
}
