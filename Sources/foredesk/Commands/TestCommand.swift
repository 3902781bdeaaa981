import ArgumentParser
import Foundation
import Processes
import Scenario
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a suite of scenarios, in parallel and sharded, and write one merged junit.xml.",
        discussion: """
            Collects the scenario files below PATHS: folders are searched recursively for .yaml/.yml files with a top-level `steps:` key (policies have none); folders named `golden` and hidden folders are skipped; a file named directly is always run. Each scenario runs as a child `foredesk run FILE --out DIR --workspace DIR` with its own private display, so --jobs N runs N at once safely. Each scenario gets a fresh workspace, DIR/workspaces/<its path without .yaml>, kept across its retries.

            --shard I/N: the scenarios are sorted by their path relative to the argument they were found under (byte by byte), and the one at position p (from 0) belongs to shard p mod N + 1: the same split on every machine, every scenario in exactly one shard.

            --retries N runs a failed scenario up to N more times; a pass after a failure is "flaky" and counts as passed. A malformed scenario (its file:line:column error in the summary) is never retried.

            Examples:
              foredesk test Scenarios/ --jobs 2
              foredesk test Scenarios/selftest Scenarios/apps/xedit.yaml --retries 1 --out /tmp/runs
              foredesk test Scenarios/ --shard 2/4 --junit results/shard-2.xml
              foredesk test Scenarios/ --shard 1/3 --list

            Prints a line on stderr as each scenario finishes, then a table on stdout (scenario, result, attempts, duration, session folder) and the merged junit.xml's path (one testsuite per scenario). Children's output goes to DIR/logs/. Ctrl-C (SIGINT) or SIGTERM stops the running scenarios (SIGINT, then SIGKILL after 10 s), starts no more, and still writes the summary and junit.xml. Exit codes: 0 every scenario passed (or was flaky), 1 one failed, 64 one was malformed or the arguments are wrong, 130 interrupted.
            """)

    @Argument(help: ArgumentHelp("Scenario files and folders.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("Scenarios run at once, each on its own private display.", valueName: "n"))
    var jobs = 1

    @Option(help: ArgumentHelp("Run only the I-th of N deterministic shards (from 1).", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Run a failed scenario up to N more times; a later pass is flaky.", valueName: "n"))
    var retries = 0

    @Option(help: ArgumentHelp("Folder for session folders, workspaces, logs and junit.xml (default ./foredesk-out).", valueName: "dir"))
    var out = "foredesk-out"

    @Option(help: ArgumentHelp("Where to write the merged junit.xml (default DIR/junit.xml).", valueName: "file"))
    var junit: String?

    @Flag(help: "Print the scenarios this shard would run, and run nothing.")
    var list = false

    @Flag(help: "Pass --update-golden to every run: record missing or changed golden images.")
    var updateGolden = false

    func run() throws {
        let status = try reporting { () throws -> Int32 in
            guard jobs >= 1 else { throw CommandFailure.usage("--jobs must be at least 1 (got \(jobs))") }
            guard retries >= 0 else { throw CommandFailure.usage("--retries must be 0 or more (got \(retries))") }
            var entries: [SuiteEntry]
            do throws(SuiteError) {
                entries = try SuiteDiscovery.collect(paths)
                if let shard { entries = try Shard(parsing: shard).select(entries) }
            } catch {
                throw CommandFailure.usage(error.message)
            }
            if list {
                for entry in entries { print(entry.key + "\t" + entry.path) }
                return 0
            }
            return try SuiteRun(
                entries: entries, jobs: jobs, retries: retries, out: Exec.absolute(out),
                junit: Exec.absolute(junit ?? out + "/junit.xml"), updateGolden: updateGolden
            ).run()
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The signal that asked the suite to stop (SIGINT or SIGTERM), 0 while none did.
private let stopSignal = Atomic<Int32>(0)

/// Runs a suite's scenarios as child `foredesk run` processes, at most `jobs` at once.
private struct SuiteRun {
    let entries: [SuiteEntry]
    let jobs: Int
    let retries: Int
    let out: String
    let junit: String
    let updateGolden: Bool

    /// A child run in progress.
    struct Running {
        let entry: SuiteEntry
        let attempt: Int
        let process: ChildProcess
        let started: ContinuousClock.Instant
        let stdout: String
        let stderr: String
    }

    func run() throws -> Int32 {
        let executable = try Self.ownExecutable()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        Self.catchStopSignals()
        let clock = ContinuousClock()
        var schedule = SuiteSchedule(entries: entries, retries: retries)
        var done = 0
        func report(_ record: SuiteRecord) {
            done += 1
            let attempts = record.attempts.count == 1 ? "1 attempt" : "\(record.attempts.count) attempts"
            var line = "[\(done)/\(entries.count)] \(record.result.rawValue) \(record.entry.key) (\(attempts), "
                + SuiteSummary.format(record.duration) + ")"
            if let session = record.session { line += " " + session }
            if record.result != .passed, let message = record.message { line += "\n    " + message }
            Self.printError(line)
        }
        for entry in entries {
            do throws(ScenarioError) {
                schedule.name(entry, try Scenario(contentsOfFile: entry.path).name)
            } catch {
                report(schedule.malformed(entry, message: error.description))
            }
        }
        var running: [Running] = []
        var stopDeadline: ContinuousClock.Instant?
        while true {
            if stopDeadline == nil, stopSignal.load(ordering: .relaxed) != 0 {
                schedule.cancel()
                for child in running { child.process.signal(SIGINT) }
                stopDeadline = clock.now + .seconds(10)
                Self.printError("foredesk: stopping \(running.count) running scenario(s)")
            }
            if let stopDeadline, clock.now >= stopDeadline {
                for child in running { child.process.signal(SIGKILL) }
            }
            while stopDeadline == nil, running.count < jobs, let (entry, attempt) = schedule.next() {
                running.append(try start(entry, attempt: attempt, executable: executable, clock: clock))
            }
            if running.isEmpty { break }
            var index = 0
            while index < running.count {
                let child = running[index]
                guard let status = child.process.exitStatus() else {
                    index += 1
                    continue
                }
                running.remove(at: index)
                let attempt = SuiteAttempt(
                    exitStatus: status, session: Self.lastLine(child.stdout),
                    message: Self.errorLine(child.stderr), duration: clock.now - child.started)
                if stopDeadline != nil {
                    report(schedule.interrupt(child.entry, attempt))
                    continue
                }
                switch schedule.finish(child.entry, attempt) {
                case let .retry(next):
                    Self.printError(
                        "retrying \(child.entry.key) (attempt \(next) of \(retries + 1)): "
                            + (attempt.message ?? "exit status \(status)"))
                case let .done(record):
                    report(record)
                }
            }
            blockingSleep(.milliseconds(20))
        }
        let summary = SuiteSummary(records: schedule.records)
        var text = summary.text
        let missing = entries.count - summary.records.count
        if missing > 0 { text += "\(missing) scenarios not started (interrupted)\n" }
        let document = SuiteJUnit.document(summary.records.map(SuiteJUnit.suite(for:)))
        let folder = URL(fileURLWithPath: junit).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try document.write(toFile: junit, atomically: true, encoding: .utf8)
        print(text + "junit: " + junit)
        return stopSignal.load(ordering: .relaxed) != 0 && summary.exitStatus == 0
            ? SuiteSummary.interruptedStatus : summary.exitStatus
    }

    /// Starts `foredesk run` for entry; the workspace is made fresh on the first attempt only, so a
    /// retry sees what the failed attempt left.
    func start(_ entry: SuiteEntry, attempt: Int, executable: String, clock: ContinuousClock) throws -> Running {
        let stem = Self.stem(entry.key)
        let workspace = out + "/workspaces/" + stem
        if attempt == 1 { try? FileManager.default.removeItem(atPath: workspace) }
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let logs = out + "/logs/" + stem
        try FileManager.default.createDirectory(
            atPath: String(logs[..<(logs.lastIndex(of: "/") ?? logs.endIndex)]), withIntermediateDirectories: true)
        let stdout = logs + ".attempt-\(attempt).stdout"
        let stderr = logs + ".attempt-\(attempt).stderr"
        for file in [stdout, stderr] { try? FileManager.default.removeItem(atPath: file) }
        let arguments =
            ["run", entry.path, "--out", out, "--workspace", workspace] + (updateGolden ? ["--update-golden"] : [])
        let process: ChildProcess
        do throws(ProcessError) {
            process = try ChildProcess(executable, arguments, output: .files(stdout: stdout, stderr: stderr))
        } catch {
            throw CommandFailure.action(error.description)
        }
        return Running(entry: entry, attempt: attempt, process: process, started: clock.now, stdout: stdout, stderr: stderr)
    }

    /// `selftest/pointer.yaml` → `selftest/pointer`.
    static func stem(_ key: String) -> String {
        for suffix in [".yaml", ".yml"] where key.hasSuffix(suffix) { return String(key.dropLast(suffix.count)) }
        return key
    }

    /// The running foredesk binary: children run the same build.
    static func ownExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw CommandFailure.action("cannot locate the foredesk executable (/proc/self/exe)") }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The last non-empty line of a file: the session folder `foredesk run` prints.
    static func lastLine(_ path: String) -> String? {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map(String.init)
    }

    /// The child's error line, without its `foredesk: error: ` prefix.
    static func errorLine(_ path: String) -> String? {
        let prefix = "foredesk: error: "
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// SIGINT and SIGTERM only set a flag: the loop stops the children and still writes the summary.
    static func catchStopSignals() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in stopSignal.store(signal, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        // A parent may have started us with them blocked (a test runner, say): then they would wait
        // unseen until the suite ended.
        var stop = sigset_t()
        sigemptyset(&stop)
        sigaddset(&stop, SIGINT)
        sigaddset(&stop, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stop, nil)
    }

    static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
