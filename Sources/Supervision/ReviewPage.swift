/// The one page a paired device sees: the live run, the approval waiting, command output, test results
/// and past sessions. Self-contained (inline CSS and script, no external asset), phone-first.
enum ReviewPage {
    /// The page's policy: its own inline script (by nonce) and style, images and requests to this server only.
    static func contentSecurityPolicy(nonce: String) -> String {
        "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    /// The page for a device, with the CSRF token its POSTs send and the nonce its script and style carry.
    static func html(csrf: String, device: String, nonce: String) -> String {
        template.replacing("{{CSRF}}", with: csrf).replacing("{{NONCE}}", with: nonce)
            .replacing("{{DEVICE}}", with: escape(device))
    }

    /// Text safe inside HTML.
    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
            .replacing("\"", with: "&quot;")
    }

    private static let template = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf" content="{{CSRF}}">
        <title>foredesk supervision</title>
        <style nonce="{{NONCE}}">
        :root { --bg: #f6f7f9; --card: #fff; --ink: #1b1f24; --mute: #5b6470; --ok: #1a7f37; --bad: #cf222e; --ask: #9a6700; --line: #d8dee4; }
        * { box-sizing: border-box; } [hidden] { display: none !important; }
        body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
        header { position: sticky; top: 0; z-index: 2; display: flex; gap: 8px; align-items: center; padding: 10px 12px; background: #24292f; color: #fff; }
        header h1 { font-size: 16px; margin: 0; flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        main { display: grid; gap: 12px; padding: 12px; max-width: 1200px; margin: 0 auto; }
        @media (min-width: 900px) { main { grid-template-columns: 3fr 2fr; } #approval, #live { grid-column: 1; } }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; min-width: 0; }
        h2 { font-size: 14px; margin: 0 0 8px; color: var(--mute); text-transform: uppercase; letter-spacing: .04em; }
        img.shot { display: block; width: 100%; height: auto; border-radius: 6px; border: 1px solid var(--line); background: #000; }
        .badge { display: inline-block; min-width: 54px; text-align: center; font-size: 12px; font-weight: 600; padding: 1px 6px; border-radius: 10px; color: #fff; background: var(--mute); }
        .passed, .allow, .approve, .always { background: var(--ok); } .failed, .deny, .aborted { background: var(--bad); } .running, .ask, .waiting { background: var(--ask); } .pending { background: #8c959f; }
        ol { margin: 0; padding: 0; list-style: none; } li { padding: 6px 0; border-top: 1px solid var(--line); display: grid; grid-template-columns: auto 1fr; gap: 4px 8px; }
        li:first-child { border-top: 0; } .why { grid-column: 2; font-size: 13px; color: var(--mute); overflow-wrap: anywhere; } .error { color: var(--bad); }
        #approval { border: 2px solid var(--ask); background: #fff8e1; }
        dl { margin: 0 0 8px; display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; } dt { color: var(--mute); } dd { margin: 0; overflow-wrap: anywhere; }
        code, pre { font: 13px/1.35 ui-monospace, "SF Mono", Menlo, monospace; } pre { margin: 0; max-height: 260px; overflow: auto; background: #0d1117; color: #e6edf3; padding: 8px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
        .buttons { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin-top: 10px; }
        button { font: inherit; font-weight: 600; padding: 14px 8px; border-radius: 10px; border: 0; color: #fff; cursor: pointer; }
        #approve { background: var(--ok); } #deny { background: var(--bad); } #always { grid-column: 1 / 3; background: #fff; color: var(--ok); border: 2px solid var(--ok); padding: 10px 8px; }
        button:disabled { opacity: .5; } .mute { color: var(--mute); font-size: 13px; } a { color: #0969da; }
        </style>
        </head>
        <body>
        <header><h1 id="title">foredesk</h1><span id="status" class="badge pending">idle</span></header>
        <main>
        <section id="approval" hidden>
          <h2>Waiting for your approval</h2>
          <dl>
            <dt>what</dt><dd><code id="approval-action"></code></dd>
            <dt>step</dt><dd id="approval-step"></dd>
            <dt>window</dt><dd id="approval-window"></dd>
            <dt>why</dt><dd id="approval-reason"></dd>
          </dl>
          <img id="approval-screen" class="shot" alt="the screen, the target marked">
          <div class="buttons">
            <button id="approve" type="button">Approve</button>
            <button id="deny" type="button">Deny</button>
            <button id="always" type="button">Approve all like this for this run</button>
          </div>
          <p id="approval-note" class="mute"></p>
        </section>
        <section id="live">
          <h2>Screen</h2>
          <img id="screen" class="shot" alt="the current screen" hidden>
          <p id="no-screen" class="mute">No screenshot yet.</p>
        </section>
        <section>
          <h2>Steps <span id="summary" class="mute"></span></h2>
          <ol id="steps"></ol>
          <p id="failure" class="error"></p>
        </section>
        <section>
          <h2>Command output</h2>
          <div id="commands"><p class="mute">No command ran yet.</p></div>
        </section>
        <section>
          <h2>Workspace changes</h2>
          <div id="diff"><p class="mute">No file changed yet.</p></div>
        </section>
        <section>
          <h2>Approvals answered</h2>
          <ol id="answered"></ol>
        </section>
        <section>
          <h2>Past sessions</h2>
          <ol id="sessions"></ol>
          <p class="mute">Paired as {{DEVICE}}.</p>
        </section>
        </main>
        <script nonce="{{NONCE}}">
        "use strict";
        const csrf = document.querySelector('meta[name=csrf]').content;
        const $ = (id) => document.getElementById(id);
        let shownApproval = null;
        function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
        // Steps are named by their scenario's absolute path: the file name is enough on a phone.
        function short(label) { return (label || '').replace(/^\S*\//, ''); }
        function badge(text, kind) { return el('span', 'badge ' + (kind || text), text); }
        function render(s) {
          $('title').textContent = s.scenario ? s.scenario + (s.session ? ' · ' + s.session : '') : 'foredesk · no live run';
          const status = s.pending.length ? 'waiting' : s.status;
          $('status').textContent = status; $('status').className = 'badge ' + status;
          const steps = $('steps'); steps.replaceChildren();
          let passed = 0, failed = 0;
          for (const step of s.steps) {
            if (step.status === 'passed') passed++; if (step.status === 'failed') failed++;
            const li = el('li'); li.dataset.status = step.status;
            li.append(badge(step.status), el('span', null, short(step.label)));
            const why = step.error || (step.verdict ? step.verdict + ' (' + step.rule + ')' + (step.message ? ': ' + step.message : '') : '');
            if (why) li.append(el('span', 'why' + (step.error ? ' error' : ''), why));
            steps.append(li);
          }
          $('summary').textContent = s.steps.length ? passed + ' passed, ' + failed + ' failed of ' + s.steps.length : '';
          $('failure').textContent = s.failure || '';
          const a = s.pending[0];
          $('approval').hidden = !a;
          if (a && shownApproval !== a.id) {
            shownApproval = a.id;
            $('approval-action').textContent = a.action;
            $('approval-step').textContent = short(a.step);
            $('approval-window').textContent = a.window || '(none)';
            $('approval-reason').textContent = a.reason + ' (' + a.rule + ')';
            $('approval-screen').src = '/api/approvals/' + a.id + '/screen.png';
            $('approval-note').textContent = s.pending.length > 1 ? (s.pending.length - 1) + ' more waiting' : '';
            for (const b of ['approve', 'deny', 'always']) $(b).disabled = false;
          }
          if (!a) shownApproval = null;
          const commands = $('commands');
          if (s.commands.length) {
            commands.replaceChildren();
            for (const c of s.commands.slice(-3)) {
              commands.append(el('p', null, '$ ' + c.command));
              commands.append(el('pre', null, (c.stdout + (c.stderr ? '\n' + c.stderr : '')) || '(no output yet)'));
            }
          }
          const answered = $('answered'); answered.replaceChildren();
          for (const x of s.answered.slice().reverse()) {
            const li = el('li'); li.append(badge(x.answer || 'none', x.answer || 'pending'), el('span', null, x.action));
            li.append(el('span', 'why', 'by ' + (x.by || 'nobody') + ' — ' + x.reason)); answered.append(li);
          }
        }
        function showScreen(version) {
          const img = $('screen');
          img.onload = () => { img.hidden = false; $('no-screen').hidden = true; };
          img.src = '/api/screen.png?v=' + version;
        }
        async function answer(kind) {
          if (shownApproval == null) return;
          for (const b of ['approve', 'deny', 'always']) $(b).disabled = true;
          const r = await fetch('/api/approvals/' + shownApproval, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ answer: kind }) });
          $('approval-note').textContent = r.ok ? 'Sent: ' + kind : 'Not sent: ' + (await r.text());
        }
        $('approve').onclick = () => answer('approve');
        $('deny').onclick = () => answer('deny');
        $('always').onclick = () => answer('always');
        async function sessions() {
          const r = await fetch('/api/sessions'); if (!r.ok) return;
          const list = $('sessions'); list.replaceChildren();
          for (const x of await r.json()) {
            const li = el('li'); li.append(badge(x.verdict));
            const name = x.report ? el('a', null, x.name) : el('span', null, x.name);
            if (x.report) name.href = x.report;
            li.append(name, el('span', 'why', x.scenario + ' · ' + x.start)); list.append(li);
          }
        }
        async function diff() {
          const r = await fetch('/api/diff'); if (!r.ok) return;
          const changes = await r.json(); if (!changes.length) return;
          const box = $('diff'); box.replaceChildren();
          for (const c of changes) {
            box.append(el('p', null, c.kind + ': ' + c.name));
            if (!c.binary) box.append(el('pre', null, c.diff)); else box.append(el('p', 'why', 'binary file: not shown'));
          }
        }
        let diffTimer = null;
        const events = new EventSource('/api/events');
        events.addEventListener('state', (e) => {
          const s = JSON.parse(e.data); render(s); if (s.status !== 'running') sessions();
          clearTimeout(diffTimer); diffTimer = setTimeout(diff, 300);  // at most one diff a burst of changes
        });
        events.addEventListener('screen', (e) => { if (+e.data > 0) showScreen(e.data); });
        sessions();
        </script>
        </body>
        </html>
        """#
}
