import Desktop
import Foundation
import Imaging
import Processes
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real X clients (xdpyinfo, xwd, xdotool, the fixture app) connect with an untrusted cookie from
/// `grantUntrustedAccess` and try what a sandboxed app must not do; each refusal is paired with the
/// same attempt through the trusted cookie succeeding, so a cookie that grants too much fails.
@Suite(.privateDisplay(), .serialized, .timeLimit(.minutes(2)))
struct UntrustedAccessTests {
    @Test func writesOneLocalEntryWithItsOwnCookieAndMode0600() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try withTemporaryDirectory { folder in
            let path = folder + "/untrusted.xauth"
            // Whatever was there is replaced, mode included.
            #expect(
                FileManager.default.createFile(
                    atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))
            let grant = try desktop.grantUntrustedAccess(authorityFile: path)
            #expect(grant.file == path)
            #expect(grant.display == display.name)
            #expect(grant.idleTimeout == .seconds(60))
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)

            // xauth reads the file independently of our encoder.
            let number = display.name.dropFirst()
            let untrusted = try runClient("xauth", ["-f", path, "list"], display: display.name)
            #expect(untrusted.status == 0, "\(untrusted.output)")
            let lines = untrusted.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            try #require(lines.count == 1, "one entry: \(untrusted.output)")
            try #require(lines[0].count == 3, "\(untrusted.output)")
            #expect(lines[0][0] == "\(hostName())/unix:\(number)", "FamilyLocal, this host, this display")
            #expect(lines[0][1] == "MIT-MAGIC-COOKIE-1")
            #expect(lines[0][2].count == 32, "a 16-byte cookie")
            let trusted = try runClient("xauth", ["list", display.name], display: display.name)
            let trustedCookie = try #require(trusted.output.split(separator: "\n").first?.split(separator: " ").last)
            #expect(lines[0][2] != String(trustedCookie), "the server's new cookie, not the trusted one")
            try desktop.revoke(grant)
        }
    }

    @Test func anUntrustedClientSeesNoInputCaptureOrSharedMemoryExtensions() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try withTemporaryDirectory { folder in
            let grant = try desktop.grantUntrustedAccess(authorityFile: folder + "/untrusted.xauth")
            defer { try? desktop.revoke(grant) }
            let hidden: Set = ["XTEST", "MIT-SHM", "XInputExtension", "XKEYBOARD", "RECORD", "SECURITY"]
            let trusted = try runClient("xdpyinfo", ["-queryExtensions"], display: display.name)
            #expect(trusted.status == 0, "\(trusted.output)")
            #expect(hidden.isSubset(of: extensions(in: trusted.output)), "the trusted cookie sees them all")

            let untrusted = try runClient(
                "xdpyinfo", ["-queryExtensions"], display: display.name, authority: grant.file)
            #expect(untrusted.status == 0, "the untrusted cookie connects: \(untrusted.output)")
            let seen = extensions(in: untrusted.output)
            #expect(!seen.isEmpty, "xdpyinfo listed the extensions it sees: \(untrusted.output)")
            #expect(seen.isDisjoint(with: hidden), "visible to the untrusted client: \(seen.sorted())")
        }
    }

    @Test func anUntrustedClientCannotCaptureTheScreen() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let app = try FixtureApp(on: display.name)
        try withTemporaryDirectory { folder in
            let grant = try desktop.grantUntrustedAccess(authorityFile: folder + "/untrusted.xauth")
            defer { try? desktop.revoke(grant) }
            let trustedImage = folder + "/trusted.xwd"
            let trusted = try runClient("xwd", ["-root", "-silent", "-out", trustedImage], display: display.name)
            #expect(trusted.status == 0, "\(trusted.output)")
            #expect(fileSize(trustedImage) > display.options.size.width * display.options.size.height)

            let untrustedImage = folder + "/untrusted.xwd"
            let untrusted = try runClient(
                "xwd", ["-root", "-silent", "-out", untrustedImage], display: display.name, authority: grant.file)
            #expect(untrusted.status != 0)
            #expect(untrusted.output.contains("unable to get image"), "\(untrusted.output)")
            #expect(fileSize(untrustedImage) == 0, "no pixels were written")

            let window = try runClient(
                "xwd", ["-id", String(app.window.rawValue), "-silent", "-out", untrustedImage], display: display.name,
                authority: grant.file)
            #expect(window.status != 0, "another client's window is as closed as the root: \(window.output)")
        }
    }

    @Test func xtestFromAnUntrustedClientReachesNoWindow() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        let app = try FixtureApp(on: display.name)
        try withTemporaryDirectory { folder in
            let grant = try desktop.grantUntrustedAccess(authorityFile: folder + "/untrusted.xauth")
            defer { try? desktop.revoke(grant) }
            let before = app.events().count
            // xdotool finds no XTEST and gives up (this version crashes); whatever it manages to
            // send must not arrive.
            _ = try runClient("xdotool", ["key", "a"], display: display.name, authority: grant.file)
            _ = try runClient(
                "xdotool", ["key", "--window", String(app.window.rawValue), "a"], display: display.name,
                authority: grant.file)
            let trusted = try runClient("xdotool", ["key", "b"], display: display.name)
            #expect(trusted.status == 0, "\(trusted.output)")
            // The server handles requests in order, so once the trusted "b" has arrived, an "a" sent
            // before it would have arrived too.
            _ = try app.typedText(after: before, length: 1)
            let presses = app.events().dropFirst(before).filter { $0.event == "key_press" }.map { $0.text ?? "" }
            #expect(presses == ["b"], "only the trusted key press arrives")
        }
    }

    @Test func anUntrustedAppStillOpensAndDrawsItsOwnWindow() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try withTemporaryDirectory { folder in
            let grant = try desktop.grantUntrustedAccess(authorityFile: folder + "/untrusted.xauth")
            defer { try? desktop.revoke(grant) }
            let app = try UntrustedFixture(
                on: display.name, authority: grant.file, title: "untrusted app", folder: folder)
            let window = try #require(try desktop.windows().first { $0.id == app.window })
            #expect(window.title == "untrusted app")
            #expect(window.pid == app.process.pid)
            #expect(window.frame.size == FixtureApp.Layout.size)
            let shot = try desktop.capture(.window(app.window))
            #expect(shot[25, 25] == FixtureApp.Layout.okColor, "the app drew its own window")
            #expect(shot[70, 240] == Color(rgb: 0xFF0000))
        }
    }

    @Test func revokingClosesTheCookiesClientsAndRefusesNewOnes() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try withTemporaryDirectory { folder in
            let grant = try desktop.grantUntrustedAccess(authorityFile: folder + "/untrusted.xauth", idleTimeout: nil)
            let app = try UntrustedFixture(
                on: display.name, authority: grant.file, title: "to be revoked", folder: folder)
            let before = try runClient("xdpyinfo", [], display: display.name, authority: grant.file)
            #expect(before.status == 0, "the cookie works until revoked: \(before.output)")

            try desktop.revoke(grant)
            #expect(app.process.wait(timeout: .seconds(10)) != nil, "the server closed the app's connection")
            let after = try runClient("xdpyinfo", [], display: display.name, authority: grant.file)
            #expect(after.status != 0)
            #expect(after.output.contains("unable to open display"), "\(after.output)")
            #expect(try desktop.windows().allSatisfy { $0.id != app.window }, "its window went with it")
            #expect(try runClient("xdpyinfo", [], display: display.name).status == 0, "the trusted cookie still works")
            try desktop.revoke(grant)  // revoking twice does nothing
        }
    }

    @Test func anIdleCookieExpiresAndOneWithoutTimeoutDoesNot() throws {
        let display = try PrivateDisplay.require()
        let desktop = try Desktop(display: display.name)
        try withTemporaryDirectory { folder in
            // A fraction of a second rounds up: 0 would tell the server "never".
            let brief = try desktop.grantUntrustedAccess(
                authorityFile: folder + "/brief", idleTimeout: .milliseconds(300))
            #expect(brief.idleTimeout == .seconds(1))
            let lasting = try desktop.grantUntrustedAccess(authorityFile: folder + "/lasting", idleTimeout: nil)
            defer { try? desktop.revoke(lasting) }
            #expect(lasting.idleTimeout == nil)
            // A client comes and goes, which restarts the idle clock of each.
            #expect(try runClient("xdpyinfo", [], display: display.name, authority: brief.file).status == 0)
            #expect(try runClient("xdpyinfo", [], display: display.name, authority: lasting.file).status == 0)
            // No client may connect meanwhile: each connection would hold the clock again.
            Thread.sleep(forTimeInterval: 2.5)
            let expired = try runClient("xdpyinfo", [], display: display.name, authority: brief.file)
            #expect(expired.status != 0, "1 s after its last client the cookie is gone")
            #expect(expired.output.contains("unable to open display"), "\(expired.output)")
            #expect(try runClient("xdpyinfo", [], display: display.name, authority: lasting.file).status == 0)
            try desktop.revoke(brief)  // expired already: nothing to do
        }
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct UntrustedAccessWithoutSecurityTests {
    @Test func aServerWithoutTheExtensionSaysSo() throws {
        let server = try ServerWithoutSecurity()
        defer { server.process.terminate(grace: .seconds(2)) }
        let desktop = try Desktop(display: server.name)
        try withTemporaryDirectory { folder in
            let path = folder + "/untrusted.xauth"
            let error = try #require(throws: DesktopError.self) {
                try desktop.grantUntrustedAccess(authorityFile: path)
            }
            #expect(error == .missingExtension("SECURITY"))
            #expect(error.description.contains("cannot issue untrusted cookies"))
            #expect(error.description.contains("-extension SECURITY"))
            #expect(!FileManager.default.fileExists(atPath: path), "no file without a cookie")
        }
    }
}

/// The output (stdout and stderr) and exit status of one X client run.
private struct ClientRun {
    let status: Int32
    let output: String
}

/// Runs program on display to its end (20 s at most); XAUTHORITY is authority when given, else the
/// trusted file this process uses.
private func runClient(_ program: String, _ arguments: [String], display: String, authority: String? = nil) throws
    -> ClientRun
{
    try withTemporaryDirectory { folder in
        let log = folder + "/output"
        var environment = ["DISPLAY": display]
        if let authority { environment["XAUTHORITY"] = authority }
        let process = try ChildProcess(program, arguments, environment: environment, output: .file(log))
        guard let status = process.wait(timeout: .seconds(20)) else {
            process.terminate(grace: .seconds(1))
            throw FixtureError("\(program) \(arguments.joined(separator: " ")) did not finish within 20 s")
        }
        return ClientRun(status: status, output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}

/// The extension names `xdpyinfo` lists (indented lines after "number of extensions:").
private func extensions(in xdpyinfo: String) -> Set<String> {
    let lines = xdpyinfo.split(separator: "\n")
    guard let header = lines.firstIndex(where: { $0.hasPrefix("number of extensions:") }) else { return [] }
    return Set(
        lines[(header + 1)...].prefix { $0.hasPrefix("    ") }
            .map { String($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) })
}

private func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

private func hostName() -> String {
    var name = [CChar](repeating: 0, count: 256)
    gethostname(&name, name.count - 1)
    return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The fixture app connected with a given Xauthority file (TestSupport's `FixtureApp` always uses
/// this process's trusted one).
private final class UntrustedFixture {
    let process: ChildProcess
    let window: WindowID

    init(on display: String, authority: String, title: String, folder: String) throws {
        let events = folder + "/\(title.replacingOccurrences(of: " ", with: "-")).jsonl"
        let log = events + ".stderr"
        process = try ChildProcess(
            BuiltProducts.path("fixture-app"), ["--title", title, "--events", events],
            environment: ["DISPLAY": display, "XAUTHORITY": authority], output: .file(log))
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let lines = (FileManager.default.contents(atPath: events) ?? Data()).split(separator: UInt8(ascii: "\n"))
            let ready = lines.lazy.compactMap { try? JSONDecoder().decode(FixtureEvent.self, from: Data($0)) }
                .first { $0.event == "ready" }
            if let ready {
                window = WindowID(rawValue: ready.window ?? 0)
                return
            }
            let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let status = process.exitStatus() {
                throw FixtureError("fixture-app exited with status \(status) under \(authority): \(stderr)")
            }
            guard ContinuousClock.now < deadline else {
                throw FixtureError("fixture-app reported no window within 20 s under \(authority): \(stderr)")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    deinit {
        process.terminate(grace: .seconds(2))
    }
}

/// An Xvfb started without the SECURITY extension and without `-auth`, so any local client may
/// connect; its number comes from `-displayfd` like `VirtualDisplay`'s.
private struct ServerWithoutSecurity {
    let process: ChildProcess
    let name: String

    init() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        // Above 10: dup2 onto fd 3 must not find the write end already sitting at 3.
        let readEnd = fcntl(fds[0], F_DUPFD_CLOEXEC, 10)
        let writeEnd = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
        close(fds[0])
        close(fds[1])
        defer { close(readEnd) }
        do {
            defer { close(writeEnd) }
            process = try ChildProcess(
                "Xvfb", ["-displayfd", "3", "-nolisten", "tcp", "-noreset", "-extension", "SECURITY"],
                output: .discard, passing: (parent: writeEnd, child: 3))
        }
        var text = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while !text.hasSuffix("\n") && ContinuousClock.now < deadline {
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(readEnd, &byte, 1) == 1 else { break }
            text.append(Character(Unicode.Scalar(byte)))
        }
        guard let number = Int(text.dropLast()) else {
            process.terminate(grace: .seconds(1))
            throw FixtureError("Xvfb -extension SECURITY did not report a display number within 20 s")
        }
        name = ":\(number)"
    }
}
