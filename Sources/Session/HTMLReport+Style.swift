// The report's CSS, inline in the page: no stylesheet is fetched.
extension HTMLReport {
    /// Type, badges and the event list, shared by the viewer and the merged page.
    static let baseStyle = """
        body { font: 14px/1.4 system-ui, sans-serif; color: #222; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
        dl.meta dt { font-weight: 600; }
        dl.meta dd { margin: 0; font-family: monospace; word-break: break-all; }
        .badge { display: inline-block; padding: .1em .5em; border-radius: .3em; font-weight: 600; color: #fff;
          background: #666; }
        .allow, .passed { background: #2a7d2e; } .deny, .failed, .interrupted, .aborted { background: #b3261e; }
        .ask { background: #9a6700; } .pause { background: #3a5fb0; }
        .note { background: #fff4ce; padding: .5em; border-left: 4px solid #9a6700; }
        ol.events { list-style: none; padding: 0; margin: 0; }
        li.event { border: 1px solid #ddd; border-radius: .4em; padding: .4em .6em; margin: .4em 0; }
        li.event.failed-step { border-color: #b3261e; }
        li.event .head { display: flex; flex-wrap: wrap; gap: .4em; align-items: baseline; }
        li.event .took { margin-left: auto; color: #666; font-size: .9em; }
        li.event p { margin: .2em 0; }
        .seq, time { color: #666; font-family: monospace; }
        p.result { background: none; color: #2a7d2e; font-weight: 600; }
        p.result.failed { color: #b3261e; white-space: pre-wrap; }
        code { font-family: monospace; background: #f4f4f4; padding: 0 .2em; word-break: break-word; }
        pre.output-text { max-height: 12em; overflow: auto; background: #f4f4f4; padding: .4em; margin: .3em 0;
          white-space: pre-wrap; }
        """

    /// The viewer's layout: stage and timeline on the left, actions beside it, stacked on narrow screens.
    static let viewerStyle = """
        body { margin: 0; }
        [hidden] { display: none !important; }
        header.session { padding: .3em 1em; border-bottom: 1px solid #ccc; }
        header.session { display: flex; flex-wrap: wrap; gap: .2em 1em; align-items: baseline; }
        header.session h1 { font-size: 1.2em; margin: .2em 0; }
        header.session details { flex: 1 1 20em; } header.session summary { cursor: pointer; color: #444; }
        header.session .note { flex-basis: 100%; margin: .2em 0; }
        .viewer { display: grid; grid-template-columns: minmax(0, 1fr) minmax(18em, 26em); gap: 1em;
          padding: .8em 1em; }
        @media (max-width: 60em) {
          .viewer { grid-template-columns: minmax(0, 1fr); }
          aside.actions { max-height: none; position: static; }
        }
        .screen-box { background: #1b1b1b; text-align: center; line-height: 0; border-radius: .3em; }
        .screen { position: relative; display: inline-block; max-width: 100%; }
        .screen img, .screen canvas { display: block; max-width: 100%; max-height: 62vh; width: auto; height: auto; }
        .no-frame { color: #ccc; line-height: 1.4; padding: 4em 1em; margin: 0; }
        .pointer { position: absolute; width: 22px; height: 22px; margin: -11px 0 0 -11px; border: 3px solid #ff2bd6;
          border-radius: 50%; box-shadow: 0 0 0 2px #fff, 0 0 6px #000; pointer-events: none; }
        .pointer.to { border-style: dashed; }
        .controls { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; margin: .5em 0 .2em; }
        .controls button { font: inherit; padding: .2em .7em; }
        .controls button[aria-pressed="true"] { background: #333; color: #fff; }
        .clock { font-family: monospace; }
        .mode { color: #666; }
        .timeline { position: relative; padding-top: 16px; }
        .ticks { position: absolute; top: 0; left: 8px; right: 8px; height: 16px; }
        .tick { position: absolute; top: 3px; width: 3px; height: 12px; margin-left: -1px; background: #888;
          cursor: pointer; }
        .tick.allow { background: #2a7d2e; } .tick.deny { background: #b3261e; } .tick.ask { background: #9a6700; }
        .tick.pause { background: #3a5fb0; } .tick.failed { top: 0; height: 16px; background: #b3261e; }
        .tick.is-current { outline: 2px solid #000; }
        #scrub { width: 100%; margin: 0; }
        .detail { border: 1px solid #ccc; border-radius: .4em; padding: .2em .8em; margin-top: .5em; }
        .detail li.event { border: 0; padding: 0; margin: 0; list-style: none; }
        .evidence { display: flex; flex-wrap: wrap; gap: .8em; }
        .evidence figure { margin: 0; flex: 1 1 14em; } .evidence img { width: 100%; border: 1px solid #ccc; }
        .muted { color: #666; }
        aside.actions { max-height: calc(100vh - 2em); overflow: auto; position: sticky; top: .5em; }
        .list-head { display: flex; flex-wrap: wrap; gap: .5em; align-items: baseline; }
        .list-head label { margin-left: auto; }
        /* A long session lists thousands of actions: only those in view are laid out and painted. */
        aside li.event { cursor: pointer; content-visibility: auto; contain-intrinsic-size: auto 5em; }
        aside li.event .facts, aside li.event .links, aside li.event pre { display: none; }
        aside li.event.is-current { background: #eef3ff; border-color: #3a5fb0; box-shadow: inset 4px 0 0 #3a5fb0; }
        aside.only-failed li.event:not(.failed-step) { display: none; }
        .help { position: fixed; inset: 0; background: rgba(0, 0, 0, .45); display: flex; align-items: center;
          justify-content: center; }
        .help[hidden] { display: none; }
        .help-card { background: #fff; padding: 1em 1.5em; border-radius: .5em; max-width: 30em; }
        .help-card dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
        .help-card dt { font-family: monospace; font-weight: 600; } .help-card dd { margin: 0; }
        """
}
