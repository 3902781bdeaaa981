import ArgumentParser
import Foundation
import Supervision

#if canImport(Glibc)
    import Glibc
#endif

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve past sessions' reports to a paired phone or browser (the supervision server, no live run).",
        discussion: """
            Listens on 127.0.0.1:8765 (--listen ADDR:PORT elsewhere; an address other than loopback prints a warning) and prints a one-time pairing link (and a QR code when qrencode is installed). Opening the link sets a session cookie (HttpOnly, SameSite=Strict) valid for this server only; every page and API needs it, POSTs also a CSRF token, and after 5 failed pairings in a minute an address is refused (429). The page lists the sessions in --sessions with links to their reports.

            `foredesk run SCENARIO --supervise` starts the same server for a live run: the screen, the steps with their decisions, command output, and the approvals the policy asks for (Approve / Deny / approve all like this for this run), answered by the phone or the terminal, whichever is first.

            --revoke asks the server already running on --listen (yours: it reads the secret the server left in $XDG_RUNTIME_DIR) to end every session and print a new pairing link.

            Examples:
              foredesk serve --sessions foredesk-out
              foredesk serve --revoke
            """)

    @Option(help: ArgumentHelp("The folder of past sessions to serve (default ./foredesk-out).", valueName: "dir"))
    var sessions: String = "foredesk-out"

    @Option(help: ArgumentHelp("Listen here instead of 127.0.0.1:8765.", valueName: "addr:port"))
    var listen: String?

    @Flag(help: "Revoke every session of the server running on --listen and print its new pairing link.")
    var revoke = false

    func run() throws {
        try reporting {
            if revoke {
                print(try Supervising.revoke(listen: listen))
                return
            }
            // Signals are taken with sigwait below: block them before any server thread starts.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigaddset(&signals, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &signals, nil)
            let server = try Supervising.start(
                supervisor: Supervisor(), sessions: Exec.absolute(sessions), listen: listen)
            RunSetup.stderrLine("supervision: serving \(Exec.absolute(sessions)); Ctrl-C stops")
            var signal: Int32 = 0
            sigwait(&signals, &signal)
            Supervising.stop(server)
        }
    }
}
