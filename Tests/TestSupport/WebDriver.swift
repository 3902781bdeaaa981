public import Foundation
import Processes
public import Testing

/// A headless Chromium driven through chromedriver's W3C WebDriver HTTP API, for tests of the pages foredesk
/// writes (the report viewer, the review pages).
///
/// `init` starts chromedriver on a free port and one browser session; `quit()` (or deinit) ends both.
/// Tests that need it are `.enabled(if: WebDriver.available, WebDriver.unavailableReason)`.
public final class WebDriver {
    /// Key values for `press(_:modifiers:)` (the WebDriver spec's code points for keys without a character).
    public enum Key {
        public static let left = "\u{E012}"
        public static let right = "\u{E014}"
        public static let up = "\u{E013}"
        public static let down = "\u{E015}"
        public static let shift = "\u{E008}"
        public static let escape = "\u{E00C}"
        public static let home = "\u{E011}"
        public static let end = "\u{E010}"
        public static let space = " "
    }

    /// A WebDriver command that failed: the HTTP status and chromedriver's error and message.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// An element found on the page, by its WebDriver reference.
    public struct Element: Sendable, Equatable {
        public let id: String
    }

    /// True when `chromium` (or `chromium-browser`, `google-chrome`) and `chromedriver` are on PATH.
    public static let available: Bool = browserPath != nil && findExecutable("chromedriver") != nil

    /// Why browser tests skip.
    public static let unavailableReason: Comment =
        "chromium and chromedriver are not installed (tools/setup installs chromium and chromium-driver)"

    static let browserPath: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap(findExecutable)
        .first

    private let driver: ChildProcess
    private let base: String
    private let session: String
    private let folder: String
    private var ended = false

    /// Starts chromedriver and a headless Chromium whose viewport is width×height CSS pixels, allowed to read
    /// `file://` pages' neighbouring files (frames beside a report); with performanceLog, the browser's network
    /// requests are kept for `requestedURLs()`.
    /// - Throws: `Failure` when chromedriver or the browser does not start within 30 s.
    public init(width: Int = 1280, height: Int = 900, performanceLog: Bool = false) throws {
        guard let browser = Self.browserPath, let chromedriver = Self.findExecutable("chromedriver") else {
            throw Failure("chromium or chromedriver is missing")
        }
        folder = try makeTemporaryDirectory()
        let port = try HTTPExchange.freePort()
        base = "http://127.0.0.1:\(port)"
        driver = try ChildProcess(
            chromedriver, ["--port=\(port)", "--allowed-ips=127.0.0.1"], output: .file(folder + "/chromedriver.log"))
        let deadline = ContinuousClock.now + .seconds(30)
        var problem = ""
        while true {
            do {
                let status = try Self.request("GET", base + "/status", nil, timeout: 2)
                if (status["value"] as? [String: Any])?["ready"] as? Bool == true { break }
                problem = "not ready: \(status)"
            } catch {
                problem = "\(error)"
            }
            if let exit = driver.exitStatus() {
                throw Failure("chromedriver exited with status \(exit): \(Self.log(folder))")
            }
            if ContinuousClock.now >= deadline {
                driver.terminate(grace: .seconds(2))
                throw Failure("chromedriver was not ready within 30 s (\(problem)): \(Self.log(folder))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        var capabilities: [String: Any] = [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": browser,
                "args": [
                    "--headless=new", "--no-sandbox", "--allow-file-access-from-files", "--disable-gpu",
                    "--disable-dev-shm-usage", "--force-device-scale-factor=1", "--hide-scrollbars",
                    "--window-size=\(width),\(height)",
                ],
            ],
        ]
        if performanceLog { capabilities["goog:loggingPrefs"] = ["performance": "ALL"] }
        do {
            let created = try Self.request(
                "POST", base + "/session", ["capabilities": ["alwaysMatch": capabilities]], timeout: 60)
            guard let id = (created["value"] as? [String: Any])?["sessionId"] as? String else {
                throw Failure("chromedriver made no session: \(created)")
            }
            session = id
        } catch {
            driver.terminate(grace: .seconds(2))
            throw error
        }
    }

    deinit { quit() }

    /// Ends the browser session and chromedriver; safe to call twice.
    public func quit() {
        guard !ended else { return }
        ended = true
        _ = try? Self.request("DELETE", base + "/session/" + session, nil, timeout: 20)
        driver.terminate(grace: .seconds(5))
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Opens url and waits until the page has loaded.
    public func open(_ url: String) throws {
        _ = try command("POST", "/url", ["url": url])
    }

    /// Opens a local file by path.
    public func open(file path: String) throws {
        try open(URL(fileURLWithPath: path).absoluteString)
    }

    /// Runs script as a function body with arguments and returns its value as JSON-decoded Foundation types.
    @discardableResult
    public func execute(_ script: String, _ arguments: [Any] = []) throws -> Any? {
        let value = try command("POST", "/execute/sync", ["script": script, "args": arguments])
        return value is NSNull ? nil : value
    }

    /// Runs script until it is true (a truthy value), every 20 ms up to timeout; its last value otherwise.
    /// - Throws: `Failure` naming what was awaited when the time runs out.
    @discardableResult
    public func waitUntil(
        _ what: String, timeout: Duration = .seconds(10), script: String, _ arguments: [Any] = []
    ) throws -> Any? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let value = try execute(script, arguments)
            if let value, !(value as? Bool == false), !(value is NSNull) { return value }
            if ContinuousClock.now >= deadline { throw Failure("waited \(timeout) for \(what)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// The first element matching a CSS selector.
    public func element(_ selector: String) throws -> Element {
        let value = try command("POST", "/element", ["using": "css selector", "value": selector])
        // The reference's key is the spec's fixed "element-6066-11e4-a52e-4f735466cecf".
        let reference = (value as? [String: Any])?.first { $0.key.hasPrefix("element-") }?.value as? String
        guard let reference else { throw Failure("no element reference for \(selector): \(String(describing: value))") }
        return Element(id: reference)
    }

    /// Clicks an element, as a person would (scrolled into view, at its centre).
    public func click(_ element: Element) throws {
        _ = try command("POST", "/element/\(element.id)/click", [:])
    }

    /// Presses and releases key (a character or a `Key` value) with modifiers held, on the focused element.
    public func press(_ key: String, modifiers: [String] = []) throws {
        var actions: [[String: Any]] = modifiers.map { ["type": "keyDown", "value": $0] }
        actions += [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]]
        actions += modifiers.reversed().map { ["type": "keyUp", "value": $0] }
        _ = try command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
        _ = try command("DELETE", "/actions", nil)
    }

    /// A PNG of the viewport.
    public func screenshot() throws -> Data {
        try decodeScreenshot(command("GET", "/screenshot", nil))
    }

    /// A PNG of one element.
    public func screenshot(of element: Element) throws -> Data {
        try decodeScreenshot(command("GET", "/element/\(element.id)/screenshot", nil))
    }

    /// Every URL the page requested since the last call (documents, images…), from the performance log; needs
    /// `performanceLog: true`. `file://` requests count too, which the page's own Resource Timing omits.
    public func requestedURLs() throws -> [String] {
        let entries = try command("POST", "/se/log", ["type": "performance"]) as? [[String: Any]] ?? []
        return entries.compactMap { entry in
            guard let text = entry["message"] as? String,
                let message = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["message"]
                    as? [String: Any], message["method"] as? String == "Network.requestWillBeSent"
            else { return nil }
            return ((message["params"] as? [String: Any])?["request"] as? [String: Any])?["url"] as? String
        }
    }

    private func decodeScreenshot(_ value: Any) throws -> Data {
        guard let text = value as? String, let data = Data(base64Encoded: text) else {
            throw Failure("the screenshot is not base64 PNG")
        }
        return data
    }

    /// Sends a command of this session; its `value`.
    private func command(_ method: String, _ path: String, _ body: [String: Any]?) throws -> Any {
        let reply = try Self.request(method, base + "/session/" + session + path, body, timeout: 60)
        return reply["value"] ?? NSNull()
    }

    /// One HTTP exchange with chromedriver; the decoded JSON reply.
    /// - Throws: `Failure` with the WebDriver error and message on a status other than 200.
    private static func request(_ method: String, _ url: String, _ body: [String: Any]?, timeout: TimeInterval) throws
        -> [String: Any]
    {
        guard let target = URL(string: url), let port = target.port else { throw Failure("bad URL \(url)") }
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let (status, reply) = try HTTPExchange.send(
            method: method, port: port, path: target.path, body: payload, timeout: timeout)
        let json = (try? JSONSerialization.jsonObject(with: reply) as? [String: Any]) ?? [:]
        guard status == 200 else {
            let value = json["value"] as? [String: Any]
            throw Failure("\(method) \(url): HTTP \(status) \(value?["error"] ?? ""): \(value?["message"] ?? "")")
        }
        return json
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    private static func log(_ folder: String) -> String {
        ((try? String(contentsOfFile: folder + "/chromedriver.log", encoding: .utf8)) ?? "").suffix(2000).description
    }
}

/// Folders for what a test leaves for people to look at (screenshots of pages), kept after the run.
public enum TestArtifacts {
    /// `<package>/.build/test-artifacts/<name>/`, created, emptied and printed to the test log.
    public static func folder(_ name: String) throws -> String {
        let products = BuiltProducts.directory
        let root = products.range(of: "/.build/").map { String(products[..<$0.lowerBound]) + "/.build" }
            ?? NSTemporaryDirectory() + "foredesk-test-artifacts"
        let path = root + "/test-artifacts/" + name
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        print("test artifacts: \(path)")
        return path
    }
}
