import Imaging

/// `report.html`: one self-contained page (inline CSS and script, no network) that opens from disk.
public enum HTMLReport {
    /// The page for a session: metadata and verdict, then every event with its decision, reason, window,
    /// timings and before/after frames (relative `frames/…` links, loaded lazily). Every text is escaped.
    public static func html(info: SessionInfo, events: [Event], truncatedLine: Int? = nil) -> String {
        let e = Markup.escape
        let verdict = info.verdict == .running ? "interrupted" : info.verdict.rawValue
        let failed = events.filter(\.failed).count
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <title>\(e(info.scenario)) — foredesk session</title>
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
            <h1>\(e(info.scenario)) <span class="badge \(verdict)">\(verdict)</span></h1>
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
            page += "<p class=\"note\">The run ended without a verdict: it was killed or is still running."
            if let truncatedLine { page += " Line \(truncatedLine) of events.jsonl was cut off and is not shown." }
            page += "</p>\n"
        }
        page += """
            <p><label><input type="checkbox" id="only-failed"> show only failed or denied steps</label></p>
            </header>
            <main>
            <ol class="events">

            """
        for event in events { page += item(event) }
        page += """
            </ol>
            </main>
            <script>
            document.getElementById('only-failed').addEventListener('change', function (e) {
              document.body.classList.toggle('only-failed', e.target.checked);
            });
            </script>
            </body>
            </html>

            """
        return page
    }

    static func item(_ event: Event) -> String {
        let e = Markup.escape
        var out = "<li class=\"event\(event.failed ? " failed-step" : "")\" id=\"event-\(event.seq)\">\n"
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
                path.map { "<a href=\"\(e(Markup.relativeURL($0)))\">\(label)</a>" }
            }
            if !links.isEmpty { out += "<p class=\"output\">output: " + links.joined(separator: " · ") + "</p>\n" }
        }
        let frames = [("before", event.frames.before), ("after", event.frames.after)].compactMap { label, path in
            path.map {
                "<figure><figcaption>\(label)</figcaption><a href=\"\(e(Markup.relativeURL($0)))\">"
                    + "<img loading=\"lazy\" src=\"\(e(Markup.relativeURL($0)))\" alt=\"\(label) step \(event.seq)\"></a></figure>"
            }
        }
        if !frames.isEmpty { out += "<div class=\"frames\">" + frames.joined() + "</div>\n" }
        return out + "</li>\n"
    }
}
