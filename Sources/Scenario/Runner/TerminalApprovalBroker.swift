import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Asks on the terminal foredesk runs on: prints the action, the window and the reason to stderr and
/// reads `y`, `n` or `a` from stdin. When stdin or stderr is not a terminal it asks nobody (nil), so
/// what needs approval is denied.
public final class TerminalApprovalBroker: ApprovalBroker {
    private let input: Int32
    private let output: Int32

    /// A broker on the given descriptors (stdin and stderr by default).
    public init(input: Int32 = 0, output: Int32 = 2) {
        self.input = input
        self.output = output
    }

    /// `terminal`.
    public var name: String { "terminal" }

    /// Both descriptors are terminals, so there may be a person to ask.
    public var isTerminal: Bool { isatty(input) == 1 && isatty(output) == 1 }

    public func ask(_ request: ApprovalRequest, cancelled: @escaping @Sendable () -> Bool) -> ApprovalResponse? {
        guard isTerminal else { return nil }
        var text = "\n"
        switch request.kind {
        case .action: text += "foredesk asks for approval"
        case .resume: text += "foredesk paused the run"
        }
        text += request.step.map { " (\($0))" } ?? ""
        text += ":\n  action: \(request.action)\n"
        if let window = request.window { text += "  window: \(window)\n" }
        text += "  reason: \(request.reason)\n"
        let question =
            request.kind == .action
            ? "approve? [y]es / [n]o / [a]lways for this run: " : "go on? [y]es / [n]o / [a]lways for this run: "
        say(text + question)
        var line: [UInt8] = []
        while true {
            if cancelled() {
                say("\n(no longer waiting for an answer)\n")
                return nil
            }
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            let count = read(input, &byte, 1)
            if count == 0 { return nil }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return nil
            }
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                continue
            }
            let answer = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            line = []
            switch answer {
            case "y", "yes": return ApprovalResponse(answer: .approve, by: name)
            case "n", "no": return ApprovalResponse(answer: .deny, by: name)
            case "a", "always": return ApprovalResponse(answer: .always, by: name)
            default: say(question)
            }
        }
    }

    public func settled(_ request: ApprovalRequest, by response: ApprovalResponse?) {
        guard isTerminal, let response, response.by != name else { return }
        say("\n(\(response.by) answered \(response.answer.rawValue))\n")
    }

    private func say(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(output, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
