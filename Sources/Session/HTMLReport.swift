import Imaging

/// `report.html`: one self-contained page (inline CSS and script, no network) that opens from disk.
public enum HTMLReport {
    /// The replay viewer of a session: its metadata, a timeline to scrub and play, the action list with
    /// decisions and results, and the screen at the current time (the `video/` frames when the session has
    /// them, else each step's before/after frames), pointer, images of a failed `expect_screen` and command
    /// output. Every text is escaped.
    ///
    /// The page embeds the event data as JSON and names images by relative path, so the browser loads only
    /// the frames it shows. folder is the session folder, read for small output files, `video/index.jsonl`
    /// and golden images; without it the page shows only what the events hold.
    public static func html(info: SessionInfo, events: [Event], truncatedLine: Int? = nil, folder: String? = nil)
        -> String
    {
        let files = folder.map { ReportFiles.read(folder: $0, info: info, events: events) } ?? ReportFiles()
        return viewerPage(info: info, events: events, truncatedLine: truncatedLine, files: files)
    }

    /// One page for several sessions (`foredesk report --merge`): a table of them, then a section per session
    /// with its facts and steps. folderLinks are the session folders relative to the page, one per session, so
    /// frames, output and each session's own viewer link to where they are; evidence is each session's
    /// `SessionVerification.summary`.
    public static func merged(_ sessions: [SessionReport.Loaded], folderLinks: [String], evidence: [String]) -> String {
        let e = Markup.escape
        let failedSessions = sessions.filter { $0.info.verdict != .passed }.count
        let overall = failedSessions == 0 ? "passed" : "failed"
        var header = "<h1>\(sessions.count) sessions "
            + "<span class=\"badge \(overall)\">\(failedSessions) not passed</span>"
            + "</h1>\n<table class=\"sessions\">\n<tr><th>session</th><th>verdict</th><th>steps</th>"
            + "<th>failed or denied</th><th>evidence</th><th>folder</th><th>replay</th></tr>\n"
        for (index, session) in sessions.enumerated() {
            let verdict = verdictName(session.info.verdict)
            let base = Markup.pathURL(folderLinks[index]) + "/"
            header += "<tr><td><a href=\"#session-\(index + 1)\">\(e(session.info.scenario))</a></td>"
                + "<td><span class=\"badge \(verdict)\">\(verdict)</span></td><td>\(session.events.count)</td>"
                + "<td>\(session.events.filter(\.failed).count)</td>"
                + "<td><span class=\"badge \(evidence[index].hasPrefix("intact") ? "passed" : "failed")\">"
                + "\(e(evidence[index]))</span></td><td><code>\(e(folderLinks[index]))</code></td>"
                + "<td><a href=\"\(e(base))report.html\">viewer</a></td></tr>\n"
        }
        header += "</table>\n"
        var main = ""
        for (index, session) in sessions.enumerated() {
            let base = Markup.pathURL(folderLinks[index]) + "/"
            main += "<section class=\"session\" id=\"session-\(index + 1)\">\n"
                + sessionHeader(
                    info: session.info, events: session.events, truncatedLine: session.truncatedLine, level: 2)
                + "<p><a href=\"\(e(base))report.html\">open the replay viewer of this session</a></p>\n"
                + "<ol class=\"events\">\n"
                + session.events.map {
                    item(
                        $0, start: session.info.start, files: ReportFiles(), linkBase: base, idPrefix: "s\(index + 1)-")
                }.joined()
                + "</ol>\n</section>\n"
        }
        return mergedPage(title: "foredesk: \(sessions.count) sessions", header: header, main: main)
    }

    static func verdictName(_ verdict: Verdict) -> String {
        verdict == .running ? "interrupted" : verdict.rawValue
    }

    /// The session's name and verdict as a heading of level, its facts, and a note when the run was cut short.
    static func sessionHeader(info: SessionInfo, events: [Event], truncatedLine: Int?, level: Int) -> String {
        sessionTitle(info, level: level) + sessionFacts(info, events: events)
            + sessionNote(info, truncatedLine: truncatedLine)
    }

    /// The scenario's name and the verdict badge as a heading.
    static func sessionTitle(_ info: SessionInfo, level: Int) -> String {
        let verdict = verdictName(info.verdict)
        return "<h\(level)>\(Markup.escape(info.scenario)) "
            + "<span class=\"badge \(verdict)\">\(verdict)</span></h\(level)>\n"
    }

    /// What `session.json` says, and the count of steps, as a definition list.
    static func sessionFacts(_ info: SessionInfo, events: [Event]) -> String {
        let e = Markup.escape
        let failed = events.filter(\.failed).count
        return """
            <dl class="meta">
            <dt>start</dt><dd>\(info.start.iso8601)</dd>
            <dt>end</dt><dd>\(info.end?.iso8601 ?? "—")</dd>
            <dt>display</dt><dd>\(e(info.display))</dd>
            <dt>screen</dt><dd>\(info.screenSize.width)×\(info.screenSize.height)</dd>
            <dt>policy digest</dt><dd>\(e(info.policyDigest))</dd>
            <dt>foredesk</dt><dd>\(e(info.version))</dd>
            <dt>steps</dt><dd>\(events.count) (\(failed) failed or denied)</dd>
            <dt>event count</dt><dd>\(info.eventCount.map(String.init) ?? "— (not finished)")</dd>
            <dt>last event hash</dt><dd>\(e(info.lastEventHash ?? "—"))</dd>
            </dl>

            """
    }

    /// A note when the run ended without a verdict, naming a cut-off line of `events.jsonl`.
    static func sessionNote(_ info: SessionInfo, truncatedLine: Int?) -> String {
        guard info.verdict == .running else { return "" }
        var out = "<p class=\"note\">The run ended without a verdict: it was killed or is still running."
        if let truncatedLine { out += " Line \(truncatedLine) of events.jsonl was cut off and is not shown." }
        return out + "</p>\n"
    }

    /// `+1:02.345`: time since start, for the action list.
    static func offset(_ time: Timestamp, from start: Timestamp) -> String {
        let total = max(0, Int(time.millisecondsSinceEpoch - start.millisecondsSinceEpoch))
        let millis = total % 1000
        let seconds = total / 1000 % 60
        let minutes = total / 60_000
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "+\(minutes):\(pad(seconds, 2)).\(pad(millis, 3))"
    }

    /// One event of the action list: step, action, decision and reason, result, duration, then its facts,
    /// frame and output links, and small output inline. linkBase goes before links, idPrefix before the id.
    static func item(
        _ event: Event, start: Timestamp, files: ReportFiles, linkBase: String = "", idPrefix: String = ""
    ) -> String {
        let e = Markup.escape
        func link(_ path: String) -> String {
            let url = Markup.relativeURL(path)
            return url == "#" ? url : linkBase + url
        }
        var out = "<li class=\"event\(event.failed ? " failed-step" : "")\" id=\"\(idPrefix)event-\(event.seq)\""
            + " data-seq=\"\(event.seq)\">\n"
        out += "<div class=\"head\"><span class=\"seq\">#\(event.seq)</span> "
            + "<time datetime=\"\(event.time.iso8601)\">\(offset(event.time, from: start))</time> "
        if let decision = event.decision {
            out += "<span class=\"badge \(badgeClass(decision.verdict))\">\(e(decision.verdict))</span> "
        }
        out += event.step.map { "<span class=\"step\" title=\"\(e($0))\">\(e(shortStep($0)))</span> " } ?? ""
        if let duration = event.durationMilliseconds { out += "<span class=\"took\">\(duration) ms</span>" }
        out += "</div>\n<div class=\"what\"><code>\(e(event.action.description))</code></div>\n"
        if let decision = event.decision {
            out += "<p class=\"reason\"><code>\(e(decision.rule))</code> \(e(decision.message))"
            if let rule = decision.policyRule { out += " (policy <code>\(e(rule))</code>)" }
            out += "</p>\n"
        }
        if let error = event.error {
            out += "<p class=\"result failed error\">failed: \(e(error))</p>\n"
        } else if event.failed {
            out += "<p class=\"result failed\">failed</p>\n"
        } else {
            out += "<p class=\"result passed\">passed</p>\n"
        }
        var facts: [String] = []
        if let window = event.foreground {
            facts.append(
                "window <code>0x\(String(window.id, radix: 16))</code> ‘\(e(window.title))’ "
                    + "class \(e(window.className))"
                    + (window.pid.map { " pid \($0)" } ?? ""))
        }
        if let pointer = event.pointer { facts.append("pointer \(pointer.x),\(pointer.y)") }
        if let settle = event.settleMilliseconds { facts.append("settled in \(settle) ms") }
        if let duration = event.durationMilliseconds { facts.append("took \(duration) ms") }
        if !facts.isEmpty { out += "<p class=\"facts\">" + facts.joined(separator: " · ") + "</p>\n" }
        var links = [("before", event.frames.before), ("after", event.frames.after)].compactMap { label, path in
            path.map { "<a href=\"\(e(link($0)))\">\(label)</a>" }
        }
        if !links.isEmpty { links[0] = "frames: " + links[0] }
        var outputLinks = [("stdout", event.output?.stdout), ("stderr", event.output?.stderr)].compactMap {
            label, path in path.map { "<a href=\"\(e(link($0)))\">\(label)</a>" }
        }
        if !outputLinks.isEmpty { outputLinks[0] = "output: " + outputLinks[0] }
        links += outputLinks
        if !links.isEmpty { out += "<p class=\"links\">" + links.joined(separator: " · ") + "</p>\n" }
        for (label, path) in [("stdout", event.output?.stdout), ("stderr", event.output?.stderr)] {
            guard let path, let text = files.outputs[path], !text.isEmpty else { continue }
            out += "<pre class=\"output-text\" data-stream=\"\(label)\">\(e(text))</pre>\n"
        }
        return out + "</li>\n"
    }

    /// `/long/path/login.yaml:12:5 click` → `login.yaml:12:5 click`: the folder is the same for every step.
    static func shortStep(_ step: String) -> String {
        let token = step.prefix { $0 != " " }
        guard let slash = token.lastIndex(of: "/") else { return step }
        return String(step[step.index(after: slash)...])
    }

    /// The CSS class of a decision badge: the verdict when it is one the page colours, else `other`.
    static func badgeClass(_ verdict: String) -> String {
        ["allow", "deny", "ask", "pause"].contains(verdict) ? verdict : "other"
    }

    /// The merged document: a static page of sessions with inline style and script, no network.
    static func mergedPage(title: String, header: String, main: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <title>\(title)</title>
        <style>
        \(baseStyle)
        body { max-width: 1200px; margin: 0 auto; padding: 1em; }
        header { border-bottom: 1px solid #ccc; margin-bottom: 1em; }
        table.sessions { border-collapse: collapse; margin-bottom: 1em; }
        table.sessions th, table.sessions td { border: 1px solid #ddd; padding: .2em .6em; text-align: left; }
        section.session { border-top: 2px solid #ccc; margin-top: 1.5em; }
        body.only-failed li.event:not(.failed-step) { display: none; }
        </style>
        </head>
        <body>
        <header>
        \(header)<p><label><input type="checkbox" id="only-failed"> show only failed or denied steps</label></p>
        </header>
        <main>
        \(main)</main>
        <script>
        document.getElementById('only-failed').addEventListener('change', function (e) {
          document.body.classList.toggle('only-failed', e.target.checked);
        });
        </script>
        </body>
        </html>

        """
    }

    /// Nothing but this page's own inline style and script, and images from beside it.
    static let contentSecurityPolicy =
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
}
