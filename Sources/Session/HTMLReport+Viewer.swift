import Imaging

// The replay viewer page of one session: markup, the embedded event data, and the script that plays it.
extension HTMLReport {
    /// The viewer document; the list of actions is plain HTML (readable without the script), the timeline
    /// data a JSON block the script reads.
    static func viewerPage(info: SessionInfo, events: [Event], truncatedLine: Int?, files: ReportFiles) -> String {
        let e = Markup.escape
        let items = events.map { item($0, start: info.start, files: files) }.joined()
        let failed = events.filter(\.failed).count
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
            <title>\(e(info.scenario)) — foredesk session</title>
            <style>
            \(baseStyle)
            \(viewerStyle)
            </style>
            </head>
            <body>
            <header class="session">
            \(sessionTitle(info, level: 1))<details class="facts-box"><summary>session facts: \(events.count) steps, \
            \(failed) failed or denied, started \(info.start.iso8601)</summary>
            \(sessionFacts(info, events: events))</details>
            \(sessionNote(info, truncatedLine: truncatedLine))</header>
            <main id="viewer" class="viewer" data-ready="0">
            <section class="stage" aria-label="replay">
            <div class="screen-box"><div class="screen" id="screen">
            <img id="frame" alt="the screen at the current time" hidden>
            <canvas id="video" width="\(files.video?.width ?? 1)" height="\(files.video?.height ?? 1)" hidden></canvas>
            <div id="pointer" class="pointer" hidden></div><div id="pointer-to" class="pointer to" hidden></div>
            <p id="no-frame" class="no-frame">no frame recorded at this time</p>
            </div></div>
            <div class="controls">
            <button type="button" id="play" title="play or pause (space)">▶ play</button>
            <span class="speeds"><button type="button" class="speed" data-speed="1" aria-pressed="true">1x</button>\
            <button type="button" class="speed" data-speed="2" aria-pressed="false">2x</button>\
            <button type="button" class="speed" data-speed="4" aria-pressed="false">4x</button></span>
            <button type="button" id="first-failure" title="first failed step (f)"\
            \(failed == 0 ? " disabled" : "")>first failure</button>
            <span id="clock" class="clock">0:00.000</span>
            <span id="mode" class="mode"></span>
            <button type="button" id="help-button" title="keyboard shortcuts (?)">?</button>
            </div>
            <div class="timeline"><div id="ticks" class="ticks"></div>
            <input type="range" id="scrub" min="0" max="1" step="1" value="0" aria-label="session time"></div>
            <section id="current" class="detail" aria-live="polite">
            <p class="muted">before the first action</p></section>
            </section>
            <aside class="actions" aria-label="actions">
            <div class="list-head"><strong>\(events.count) actions</strong> · \(failed) failed or denied
            <label><input type="checkbox" id="only-failed"> only failed</label></div>
            <ol class="events" id="events">
            \(items)</ol>
            </aside>
            </main>
            <div id="help" class="help" hidden><div class="help-card" role="dialog" aria-label="keyboard shortcuts">
            <h2>Keyboard</h2>
            <dl><dt>space</dt><dd>play / pause</dd><dt>← →</dt><dd>previous / next action</dd>
            <dt>shift+← → or , .</dt><dd>previous / next frame</dd><dt>1 2 4</dt><dd>speed 1x, 2x, 4x</dd>
            <dt>f</dt><dd>first failed step</dd><dt>Home End</dt><dd>start / end</dd>
            <dt>?</dt><dd>this help (Esc closes)</dd></dl>
            <p>Click an action or a tick on the timeline to jump there; drag the bar to scrub.</p>
            </div></div>
            <script type="application/json" id="replay-data">\
            \(replayData(info: info, events: events, files: files))</script>
            <script>
            \(viewerScript)
            </script>
            </body>
            </html>

            """
    }

    /// The JSON the viewer's script plays: times in milliseconds since the session's start, each event's
    /// decision, pointer and frame URLs, and the video index. Safe inside `<script>`: `<`, `>` and `&` are
    /// written as `\u` escapes, so no text from an event can close the element.
    static func replayData(info: SessionInfo, events: [Event], files: ReportFiles) -> String {
        let start = info.start.millisecondsSinceEpoch
        func offset(_ time: Timestamp) -> Int { max(0, Int(time.millisecondsSinceEpoch - start)) }
        func url(_ path: String?) -> JSONValue {
            guard let path else { return .null }
            let url = Markup.relativeURL(path)
            return url == "#" ? .null : .string(url)
        }
        func point(_ x: String, _ y: String, in action: RecordedAction) -> JSONValue? {
            let value = { (name: String) in action.parameters.first { $0.name == name }?.value.intValue }
            guard let px = value(x), let py = value(y) else { return nil }
            return .array([.int(px), .int(py)])
        }
        var end = info.end.map(offset) ?? 0
        var items: [JSONValue] = []
        for event in events {
            let time = offset(event.time)
            let duration = max(0, event.durationMilliseconds ?? 0)
            end = max(end, time + duration)
            let pointer = event.pointer.map { JSONValue.array([.int($0.x), .int($0.y)]) }
            items.append(
                .object([
                    .init("seq", .int(event.seq)), .init("t", .int(time)), .init("d", .int(duration)),
                    .init("decision", event.decision.map { .string($0.verdict) } ?? .null),
                    .init("failed", .bool(event.failed)), .init("kind", .string(event.action.kind)),
                    .init("point", point("x", "y", in: event.action) ?? pointer ?? .null),
                    .init("to", point("to_x", "to_y", in: event.action) ?? .null),
                    .init("before", url(event.frames.before)), .init("after", url(event.frames.after)),
                    .init("expected", event.action.golden.flatMap { files.goldens[$0] }.map { .string($0) } ?? .null),
                ]))
        }
        if let video = files.video {
            end = max(end, video.frames.last?.time ?? 0, video.end ?? 0)
        }
        var width = info.screenSize.width
        var height = info.screenSize.height
        if let video = files.video, width <= 0 || height <= 0 {
            width = video.width
            height = video.height
        }
        let data = JSONValue.object([
            .init("duration", .int(max(end, 1))),
            .init("screen", .object([.init("width", .int(width)), .init("height", .int(height))])),
            .init("events", .array(items)),
            .init("video", files.video?.json ?? .null),
        ])
        var out = ""
        for scalar in data.rendered.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
