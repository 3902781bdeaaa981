// The viewer's script, inline in the page: plain JavaScript, no libraries, no network.
extension HTMLReport {
    /// Plays the embedded replay data: timeline, keyboard, action list, screen (video or step frames) and pointer.
    static let viewerScript = #"""
        (function () {
          'use strict';
          var data = JSON.parse(document.getElementById('replay-data').textContent);
          var $ = function (id) { return document.getElementById(id); };
          var viewer = $('viewer'), img = $('frame'), canvas = $('video'), noFrame = $('no-frame');
          var pointer = $('pointer'), pointerTo = $('pointer-to'), scrub = $('scrub'), clock = $('clock');
          var playButton = $('play'), current = $('current'), help = $('help'), list = $('events');
          var aside = list.parentNode;
          var events = data.events, duration = Math.max(1, data.duration), screen = data.screen;
          var video = data.video && data.video.frames.length ? data.video : null;

          // Events in time order (ties keep seq order), and each one's list item and tick.
          var order = events.map(function (e, i) { return i; });
          order.sort(function (a, b) { return events[a].t - events[b].t || a - b; });
          var items = {};
          Array.prototype.forEach.call(list.children, function (li) { items[li.getAttribute('data-seq')] = li; });

          // Without video: the steps' frames as moments on the timeline. A step shows its before frame from
          // its start and its after frame once it took its time; an expect_screen's before is its diff image,
          // not the screen, so it shows the actual screen from its start.
          var moments = [];
          events.forEach(function (e, i) {
            var before = e.kind === 'expect_screen' ? null : e.before;
            if (before) moments.push({ t: e.t, url: before, i: i, slot: 0 });
            if (e.after) moments.push({ t: before ? e.t + e.d : e.t, url: e.after, i: i, slot: 1 });
          });
          moments.sort(function (a, b) { return a.t - b.t || a.i - b.i || a.slot - b.slot; });

          var frameTimes = video
            ? video.frames.map(function (f) { return f[0]; })
            : moments.map(function (m) { return m.t; });
          var eventTimes = order.map(function (i) { return events[i].t; });

          // The last index whose time is at most t in a sorted array of times; -1 when there is none.
          function lastAtOrBefore(times, t) {
            var lo = 0, hi = times.length - 1, found = -1;
            while (lo <= hi) {
              var mid = (lo + hi) >> 1;
              if (times[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
            }
            return found;
          }

          var state = { time: 0, pos: -1, playing: false, speed: 1, frame: null, videoIndex: -1, requested: 0 };

          // Images: loaded on demand and kept in a bounded cache, so a long session never loads all frames;
          // the bound also caps memory, as a full-screen keyframe decodes to megabytes.
          var cache = new Map();
          var cacheLimit = 150;
          function load(url) {
            var entry = cache.get(url);
            if (entry) { cache.delete(url); cache.set(url, entry); return entry; }
            entry = new Promise(function (resolve) {
              var image = new Image();
              image.onload = function () { resolve(image); };
              image.onerror = function () { resolve(null); };
              image.src = url;
              state.requested++;
            });
            cache.set(url, entry);
            if (cache.size > cacheLimit) cache.delete(cache.keys().next().value);
            return entry;
          }

          function format(ms) {
            ms = Math.max(0, Math.round(ms));
            var m = Math.floor(ms / 60000), s = Math.floor(ms / 1000) % 60, r = ms % 1000;
            return m + ':' + (s < 10 ? '0' : '') + s + '.' + ('00' + r).slice(-3);
          }

          // --- the screen ---------------------------------------------------------------------------

          function showPointer(e, width, height) {
            [[pointer, e && e.point], [pointerTo, e && e.to]].forEach(function (pair) {
              var el = pair[0], p = pair[1];
              if (!p || !width || !height) { el.hidden = true; return; }
              el.style.left = (100 * p[0] / width) + '%';
              el.style.top = (100 * p[1] / height) + '%';
              el.hidden = false;
            });
          }

          function updatePointer() {
            var e = state.pos >= 0 ? events[order[state.pos]] : null;
            if (video) { showPointer(e, video.width, video.height); return; }
            // Only on a frame of the whole screen: a region's screenshot has other coordinates.
            var full = !img.hidden && img.naturalWidth === screen.width && img.naturalHeight === screen.height;
            showPointer(full ? e : null, screen.width, screen.height);
          }

          img.addEventListener('load', function () { noFrame.hidden = true; img.hidden = false; updatePointer(); });
          img.addEventListener('error', function () {
            img.hidden = true;
            noFrame.hidden = false;
            noFrame.textContent = 'frame missing: ' + state.frame;
            updatePointer();
          });

          function showStepFrame() {
            var k = lastAtOrBefore(frameTimes, state.time);
            // Before the first frame, the first one is the best picture of the start.
            if (k < 0 && moments.length) k = 0;
            var url = k >= 0 ? moments[k].url : '';
            if (url === state.frame) return;
            state.frame = url;
            viewer.setAttribute('data-frame', url);
            if (!url) {
              img.hidden = true;
              img.removeAttribute('src');
              noFrame.hidden = false;
              noFrame.textContent = 'no frames were recorded (run with --frames all or --video)';
              return;
            }
            img.src = url;
            if (state.playing) {
              for (var n = k + 1; n < Math.min(moments.length, k + 4); n++) load(moments[n].url);
            }
          }

          // Video: a frame is a keyframe or an atlas of changed rectangles; the canvas holds the last frame
          // applied, and a seek replays from the nearest keyframe at or before the target (or goes on from
          // the frame shown when that is closer).
          var ctx = video ? canvas.getContext('2d') : null;
          var keyBefore = [];
          if (video) {
            var lastKey = -1;
            video.frames.forEach(function (f, i) { if (f[2]) lastKey = i; keyBefore.push(lastKey); });
          }
          var busy = false;

          function apply(frame, image) {
            if (!image) return;
            if (frame[2]) { ctx.drawImage(image, 0, 0); return; }
            var r = frame[3], ay = 0;
            for (var n = 0; n + 3 < r.length; n += 4) {
              ctx.drawImage(image, 0, ay, r[n + 2], r[n + 3], r[n], r[n + 1], r[n + 2], r[n + 3]);
              ay += r[n + 3];
            }
          }

          function showVideoFrame() {
            if (busy) return;
            var target = lastAtOrBefore(frameTimes, state.time);
            if (target === state.videoIndex) return;
            if (target < 0) {
              state.videoIndex = -1;
              ctx.fillStyle = '#1b1b1b';
              ctx.fillRect(0, 0, canvas.width, canvas.height);
              viewer.setAttribute('data-video-index', '-1');
              viewer.setAttribute('data-frame', '');
              return;
            }
            var from = Math.max(0, keyBefore[target]);
            if (state.videoIndex >= from && state.videoIndex < target) from = state.videoIndex + 1;
            var wanted = video.frames.slice(from, target + 1);
            busy = true;
            viewer.setAttribute('data-busy', '1');
            Promise.all(wanted.map(function (f) { return load(f[1]); })).then(function (images) {
              wanted.forEach(function (f, n) { apply(f, images[n]); });
              state.videoIndex = target;
              viewer.setAttribute('data-video-index', String(target));
              viewer.setAttribute('data-frame', video.frames[target][1]);
              busy = false;
              viewer.removeAttribute('data-busy');
              if (state.playing) {
                for (var n = target + 1; n < Math.min(video.frames.length, target + 11); n++) load(video.frames[n][1]);
              }
              // The time moved on while these loaded: catch up.
              showVideoFrame();
            });
          }

          // --- the current action -------------------------------------------------------------------

          function figure(label, url) {
            var fig = document.createElement('figure');
            var cap = document.createElement('figcaption');
            cap.textContent = label;
            var a = document.createElement('a');
            a.href = url;
            var im = document.createElement('img');
            im.alt = label;
            im.src = url;
            a.appendChild(im);
            fig.appendChild(cap);
            fig.appendChild(a);
            return fig;
          }

          function showCurrent() {
            Array.prototype.forEach.call(document.querySelectorAll('.is-current'), function (el) {
              el.classList.remove('is-current');
            });
            current.textContent = '';
            if (state.pos < 0) {
              var p = document.createElement('p');
              p.className = 'muted';
              p.textContent = 'before the first action';
              current.appendChild(p);
              viewer.setAttribute('data-seq', '');
              return;
            }
            var e = events[order[state.pos]];
            viewer.setAttribute('data-seq', String(e.seq));
            var li = items[String(e.seq)];
            if (li) {
              li.classList.add('is-current');
              var top = li.offsetTop - aside.offsetTop;
              if (top < aside.scrollTop || top + li.offsetHeight > aside.scrollTop + aside.clientHeight) {
                aside.scrollTop = Math.max(0, top - aside.clientHeight / 3);
              }
              var copy = li.cloneNode(true);
              copy.removeAttribute('id');
              copy.classList.remove('is-current');
              var ol = document.createElement('ol');
              ol.className = 'events';
              ol.appendChild(copy);
              current.appendChild(ol);
            }
            var tick = ticks[state.pos];
            if (tick) tick.classList.add('is-current');
            if (e.kind === 'expect_screen' && e.failed) {
              var box = document.createElement('div');
              box.className = 'evidence';
              if (e.expected) box.appendChild(figure('expected (golden)', e.expected));
              if (e.after) box.appendChild(figure('actual', e.after));
              if (e.before) box.appendChild(figure('difference', e.before));
              current.appendChild(box);
            }
          }

          // --- time -------------------------------------------------------------------------------

          // Moves to time t; pos, when given, names the action to show (several may start at one time).
          function setTime(t, pos) {
            state.time = Math.min(duration, Math.max(0, t));
            scrub.value = String(Math.round(state.time));
            clock.textContent = format(state.time) + ' / ' + format(duration);
            viewer.setAttribute('data-time', String(Math.round(state.time)));
            var p = pos === undefined ? lastAtOrBefore(eventTimes, state.time) : pos;
            if (p !== state.pos) { state.pos = p; showCurrent(); }
            if (video) showVideoFrame(); else showStepFrame();
            updatePointer();
          }

          function go(pos) {
            if (pos < 0 || pos >= order.length) return;
            setTime(events[order[pos]].t, pos);
          }

          function stepAction(dir) {
            if (dir > 0) { go(state.pos + 1); return; }
            if (state.pos >= 0 && state.time > eventTimes[state.pos]) go(state.pos); else go(state.pos - 1);
          }

          function stepFrame(dir) {
            var k = lastAtOrBefore(frameTimes, state.time);
            if (dir > 0) { if (k + 1 < frameTimes.length) setTime(frameTimes[k + 1]); return; }
            if (k >= 0 && state.time > frameTimes[k]) setTime(frameTimes[k]);
            else if (k > 0) setTime(frameTimes[k - 1]);
          }

          function firstFailure() {
            for (var p = 0; p < order.length; p++) {
              if (events[order[p]].failed) { pause(); go(p); return; }
            }
          }

          var timer = 0, last = 0;
          function frameTick() {
            var now = performance.now();
            var t = state.time + (now - last) * state.speed;
            last = now;
            if (t >= duration) { setTime(duration); pause(); return; }
            setTime(t);
            timer = setTimeout(frameTick, 40);
          }

          function play() {
            if (state.playing) return;
            if (state.time >= duration) setTime(0);
            state.playing = true;
            last = performance.now();
            timer = setTimeout(frameTick, 40);
            playButton.textContent = '❚❚ pause';
            viewer.setAttribute('data-playing', 'true');
          }

          function pause() {
            state.playing = false;
            clearTimeout(timer);
            playButton.textContent = '▶ play';
            viewer.setAttribute('data-playing', 'false');
          }

          function setSpeed(speed) {
            state.speed = speed;
            viewer.setAttribute('data-speed', String(speed));
            Array.prototype.forEach.call(document.querySelectorAll('button.speed'), function (b) {
              b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-speed')) === speed));
            });
          }

          function toggleHelp(show) {
            help.hidden = show === undefined ? !help.hidden : !show;
          }

          // --- wiring -------------------------------------------------------------------------------

          var ticks = [];
          var tickBox = $('ticks');
          order.forEach(function (i, p) {
            var e = events[i];
            var tick = document.createElement('div');
            tick.className = 'tick ' + (e.decision || 'none') + (e.failed ? ' failed' : '');
            tick.style.left = (100 * e.t / duration) + '%';
            tick.title = '#' + e.seq + ' ' + e.kind + (e.failed ? ' (failed)' : '');
            tick.addEventListener('click', function () { pause(); go(p); });
            tickBox.appendChild(tick);
            ticks.push(tick);
          });
          var positions = {};
          order.forEach(function (i, p) { positions[events[i].seq] = p; });
          list.addEventListener('click', function (ev) {
            if (ev.target.closest('a')) return;
            var li = ev.target.closest('li.event');
            if (li) { pause(); go(positions[li.getAttribute('data-seq')]); }
          });

          scrub.max = String(duration);
          scrub.addEventListener('input', function () { setTime(Number(scrub.value)); });
          playButton.addEventListener('click', function () {
            if (state.playing) pause(); else play();
            playButton.blur();
          });
          Array.prototype.forEach.call(document.querySelectorAll('button.speed'), function (b) {
            b.addEventListener('click', function () { setSpeed(Number(b.getAttribute('data-speed'))); b.blur(); });
          });
          $('first-failure').addEventListener('click', function () { firstFailure(); this.blur(); });
          $('help-button').addEventListener('click', function () { toggleHelp(); this.blur(); });
          help.addEventListener('click', function (ev) { if (ev.target === help) toggleHelp(false); });
          $('only-failed').addEventListener('change', function (ev) {
            aside.classList.toggle('only-failed', ev.target.checked);
          });

          document.addEventListener('keydown', function (ev) {
            if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
            if (ev.target && ev.target.type === 'checkbox' && ev.key === ' ') return;
            var handled = true;
            switch (ev.key) {
              case ' ': if (state.playing) pause(); else play(); break;
              case 'ArrowLeft': if (ev.shiftKey) stepFrame(-1); else stepAction(-1); break;
              case 'ArrowRight': if (ev.shiftKey) stepFrame(1); else stepAction(1); break;
              case ',': stepFrame(-1); break;
              case '.': stepFrame(1); break;
              case '1': case '2': case '4': setSpeed(Number(ev.key)); break;
              case 'f': case 'F': firstFailure(); break;
              case '?': toggleHelp(); break;
              case 'Escape': toggleHelp(false); break;
              case 'Home': setTime(0); break;
              case 'End': setTime(duration); break;
              default: handled = false;
            }
            if (handled) ev.preventDefault();
          }, true);

          if (video) {
            canvas.hidden = false;
            noFrame.hidden = true;
            $('mode').textContent = 'video ' + video.width + '×' + video.height + ', ' +
              video.frames.length + ' frames';
          } else {
            $('mode').textContent = moments.length + ' step frames';
          }
          // For tests and tools: the viewer's state, read-only.
          window.foredeskViewer = {
            time: function () { return state.time; },
            seq: function () { return state.pos >= 0 ? events[order[state.pos]].seq : null; },
            imagesRequested: function () { return state.requested; },
            seek: function (t) { setTime(t); }
          };
          var start = /^#event-(\d+)$/.exec(location.hash);
          if (start && positions[start[1]] !== undefined) go(positions[start[1]]); else setTime(0);
          setSpeed(1);
          viewer.setAttribute('data-playing', 'false');
          viewer.setAttribute('data-ready', '1');
        })();
        """#
}
