import Imaging

/// `report.html`: one self-contained page (inline CSS and script, no network) that opens from disk.
public enum HTMLReport {
    /// The page for a session: metadata and verdict, then every event with its decision, reason, window,
    /// timings and before/after frames (relative `frames/…` links, loaded lazily). Every text is escaped.
    public static func html(info: SessionInfo, events: [Event], truncatedLine: Int? = nil) -> String {
        page(
            title: "\(Markup.escape(info.scenario)) — foredesk session",
            header: sessionHeader(info: info, events: events, truncatedLine: truncatedLine, level: 1),
            main: "<ol class=\"events\">\n" + events.map { item($0) }.joined() + "</ol>\n")
    }

    /// One page for several sessions (`foredesk report --merge`): a table of them, then a section per session
    /// as `html(info:events:truncatedLine:)` shows it. folderLinks are the session folders relative to the
    /// page, one per session, so frames and output link to where they are; evidence is each session's
    /// `SessionVerification.summary`.
    public static func merged(_ sessions: [SessionReport.Loaded], folderLinks: [String], evidence: [String]) -> String {
        let e = Markup.escape
        let failedSessions = sessions.filter { $0.info.verdict != .passed }.count
        let overall = failedSessions == 0 ? "passed" : "failed"
        var header = "<h1>\(sessions.count) sessions <span class=\"badge \(overall)\">\(failedSessions) not passed</span>"
            + "</h1>\n<table class=\"sessions\">\n<tr><th>session</th><th>verdict</th><th>steps</th>"
            + "<th>failed or denied</th><th>evidence</th><th>folder</th></tr>\n"
        for (index, session) in sessions.enumerated() {
            let verdict = verdictName(session.info.verdict)
            header += "<tr><td><a href=\"#session-\(index + 1)\">\(e(session.info.scenario))</a></td>"
                + "<td><span class=\"badge \(verdict)\">\(verdict)</span></td><td>\(session.events.count)</td>"
                + "<td>\(session.events.filter(\.failed).count)</td>"
                + "<td><span class=\"badge \(evidence[index].hasPrefix("intact") ? "passed" : "failed")\">"
                + "\(e(evidence[index]))</span></td><td><code>\(e(folderLinks[index]))</code></td></tr>\n"
        }
        header += "</table>\n"
        var main = ""
        for (index, session) in sessions.enumerated() {
            let base = Markup.pathURL(folderLinks[index]) + "/"
            main += "<section class=\"session\" id=\"session-\(index + 1)\">\n"
                + sessionHeader(
                    info: session.info, events: session.events, truncatedLine: session.truncatedLine, level: 2)
                + "<ol class=\"events\">\n"
                + session.events.map { item($0, linkBase: base, idPrefix: "s\(index + 1)-") }.joined()
                + "</ol>\n</section>\n"
        }
        return page(title: "foredesk: \(sessions.count) sessions", header: header, main: main)
    }

    static func verdictName(_ verdict: Verdict) -> String {
        verdict == .running ? "interrupted" : verdict.rawValue
    }

    /// The session's name and verdict as a heading of level, its facts, and a note when the run was cut short.
    static func sessionHeader(info: SessionInfo, events: [Event], truncatedLine: Int?, level: Int) -> String {
        let e = Markup.escape
        let verdict = verdictName(info.verdict)
        let failed = events.filter(\.failed).count
        var out = """
            <h\(level)>\(e(info.scenario)) <span class="badge \(verdict)">\(verdict)</span></h\(level)>
            <dl class="meta">
            <dt>start</dt><dd>\(info.start.iso8601)</dd>
            <dt>end</dt><dd>\(info.end?.iso8601 ?? "—")</dd>
            <dt>display</dt><dd>\(e(info.display))</dd>
            <dt>screen</dt><dd>\(info.screenSize.width)×\(info.screenSize.height)</dd>
            <dt>policy digest</dt><dd>\(e(info.policyDigest))</dd>
            <dt>foredesk</dt><dd>\(e(info.version))</dd>
            <dt>steps</dt><dd>\(events.count) (\(failed) failed or denied)</dd>
            </dl>

            """
        if info.verdict == .running {
            out += "<p class=\"note\">The run ended without a verdict: it was killed or is still running."
            if let truncatedLine { out += " Line \(truncatedLine) of events.jsonl was cut off and is not shown." }
            out += "</p>\n"
        }
        return out
    }

    /// The whole document: inline style and script, no network.
    static func page(title: String, header: String, main: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
        <title>\(title)</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1em; color: #222; }
        header { border-bottom: 1px solid #ccc; margin-bottom: 1em; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
        dl.meta dt { font-weight: 600; }
        dl.meta dd { margin: 0; font-family: monospace; word-break: break-all; }
        .badge { display: inline-block; padding: .1em .5em; border-radius: .3em; font-weight: 600; color: #fff; background: #666; }
        .allow, .passed { background: #2a7d2e; } .deny, .failed, .interrupted, .aborted { background: #b3261e; }
        .ask { background: #9a6700; } .pause { background: #3a5fb0; }
        .note { background: #fff4ce; padding: .5em; border-left: 4px solid #9a6700; }
        table.sessions { border-collapse: collapse; margin-bottom: 1em; }
        table.sessions th, table.sessions td { border: 1px solid #ddd; padding: .2em .6em; text-align: left; }
        section.session { border-top: 2px solid #ccc; margin-top: 1.5em; }
        ol.events { list-style: none; padding: 0; }
        li.event { border: 1px solid #ddd; border-radius: .4em; padding: .6em; margin: .6em 0; }
        li.event.failed-step { border-color: #b3261e; }
        li.event h2 { font-size: 1em; margin: 0 0 .3em; }
        .seq { color: #666; font-family: monospace; }
        .reason, .facts { margin: .2em 0; }
        .error { color: #b3261e; font-weight: 600; white-space: pre-wrap; }
        code { font-family: monospace; background: #f4f4f4; padding: 0 .2em; }
        .frames { display: flex; gap: 1em; flex-wrap: wrap; margin-top: .4em; }
        .frames figure { margin: 0; } .frames img { max-width: 560px; width: 100%; border: 1px solid #ccc; }
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

    /// One event; linkBase goes before its frame and output links, idPrefix before its element id.
    static func item(_ event: Event, linkBase: String = "", idPrefix: String = "") -> String {
        let e = Markup.escape
        func link(_ path: String) -> String {
            let url = Markup.relativeURL(path)
            return url == "#" ? url : linkBase + url
        }
        var out = "<li class=\"event\(event.failed ? " failed-step" : "")\" id=\"\(idPrefix)event-\(event.seq)\">\n"
        out += "<h2><span class=\"seq\">#\(event.seq) \(event.time.iso8601)</span> "
        if let decision = event.decision {
            let badge = ["allow", "deny", "ask", "pause"].contains(decision.verdict) ? decision.verdict : "other"
            out += "<span class=\"badge \(badge)\">\(e(decision.verdict))</span> "
        }
        out += event.step.map { e($0) + " — " } ?? ""
        out += "<code>\(e(event.action.description))</code></h2>\n"
        if let decision = event.decision {
            out += "<p class=\"reason\"><code>\(e(decision.rule))</code> \(e(decision.message))"
            if let rule = decision.policyRule { out += " (policy <code>\(e(rule))</code>)" }
            out += "</p>\n"
        }
        var facts: [String] = []
        if let window = event.foreground {
            facts.append(
                "window <code>0x\(String(window.id, radix: 16))</code> ‘\(e(window.title))’ class \(e(window.className))"
                    + (window.pid.map { " pid \($0)" } ?? ""))
        }
        if let pointer = event.pointer { facts.append("pointer \(pointer.x),\(pointer.y)") }
        if let settle = event.settleMilliseconds { facts.append("settled in \(settle) ms") }
        if let duration = event.durationMilliseconds { facts.append("took \(duration) ms") }
        if !facts.isEmpty { out += "<p class=\"facts\">" + facts.joined(separator: " · ") + "</p>\n" }
        if let error = event.error { out += "<p class=\"error\">\(e(error))</p>\n" }
        if let output = event.output {
            let links = [("stdout", output.stdout), ("stderr", output.stderr)].compactMap { label, path in
                path.map { "<a href=\"\(e(link($0)))\">\(label)</a>" }
            }
            if !links.isEmpty { out += "<p class=\"output\">output: " + links.joined(separator: " · ") + "</p>\n" }
        }
        let frames = [("before", event.frames.before), ("after", event.frames.after)].compactMap { label, path in
            path.map {
                "<figure><figcaption>\(label)</figcaption><a href=\"\(e(link($0)))\">"
                    + "<img loading=\"lazy\" src=\"\(e(link($0)))\" alt=\"\(label) step \(event.seq)\"></a></figure>"
            }
        }
        if !frames.isEmpty { out += "<div class=\"frames\">" + frames.joined() + "</div>\n" }
        return out + "</li>\n"
    }
}
