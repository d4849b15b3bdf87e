// The recordings page: each camera's motion events (/status) and recordings (/recordings/{camera}), newest
// first, kept current by the server's event stream (/events) or, without it, by polling; a player (an mp4 in
// <video>, which seeks by Range; an MJPEG AVI as the server's multipart playback in an <img>, with a seek bar
// that shows single pictures while dragged); download, delete, and the record and time-lapse buttons.
(function () {
  'use strict';
  var ctx = document.body.getAttribute('data-context') || '';
  var token = new URLSearchParams(location.search).get('token');
  var POLL = 5000;
  var POLL_WITH_EVENTS = 30000;
  var streaming = false;
  var player = document.querySelector('section.player');
  var playing = null; // {recording, camera}

  /** A URL of the webapp (relative to it, as /status gives them), with the page's token. */
  function url(path, query) {
    var q = [];
    if (query) {
      q.push(query);
    }
    if (token) {
      q.push('token=' + encodeURIComponent(token));
    }
    return ctx + '/' + path + (q.length ? '?' + q.join('&') : '');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleString();
  }

  function length(seconds) {
    var s = Math.round(seconds);
    return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }

  function size(bytes) {
    return bytes < 1e6 ? Math.round(bytes / 1e3) + ' kB' : (bytes / 1e6).toFixed(1) + ' MB';
  }

  /** Shows a server's answer (its status and first line) beside the button that asked. */
  function answer(where, r, text) {
    where.textContent = (r.ok ? '' : r.status + ': ') + (text.split('\n')[0] || r.statusText);
    where.classList.toggle('problem', !r.ok);
  }

  function showEvents(section, events) {
    var list = section.querySelector('ol.events');
    list.textContent = '';
    if (!events || !events.length) {
      list.appendChild(el('li', 'none', 'none'));
      return;
    }
    events.forEach(function (e) {
      var li = el('li', 'event');
      if (e.snapshot) {
        thumbnail(li, e.snapshot, 'Motion at ' + when(e.start));
      }
      li.appendChild(el('span', 'when', when(e.start)));
      li.appendChild(el('span', 'length', e.end ? length((new Date(e.end) - new Date(e.start)) / 1000) : 'moving now'));
      if (typeof e.peakArea === 'number') {
        li.appendChild(el('span', 'area', Math.round(e.peakArea * 100) + '% of the picture'));
      }
      list.appendChild(li);
    });
  }

  /** A picture of an event or a recording, loaded when it comes into view. */
  function thumbnail(li, path, alt) {
    var img = el('img', 'thumbnail');
    img.alt = alt;
    img.loading = 'lazy';
    img.src = url(path);
    li.appendChild(img);
  }

  function showRecordings(section, camera, recordings) {
    var list = section.querySelector('ol.list');
    list.textContent = '';
    if (!recordings.length) {
      list.appendChild(el('li', 'none', 'none'));
      return;
    }
    recordings.forEach(function (r) {
      var li = el('li', 'recording');
      li.setAttribute('data-url', r.url);
      if (r.thumbnail) {
        thumbnail(li, r.thumbnail, 'First picture of the recording of ' + when(r.start));
      }
      li.appendChild(el('span', 'when', when(r.start)));
      li.appendChild(el('span', 'length', length(r.seconds)));
      li.appendChild(el('span', 'kind', r.kind + (r.live ? ', recording now' : '')));
      li.appendChild(el('span', 'size', r.format.toUpperCase() + ', ' + size(r.bytes)));
      var play = el('button', 'play', 'play');
      play.type = 'button';
      play.addEventListener('click', function () { open(camera, r); });
      li.appendChild(play);
      var download = el('a', 'button', 'download');
      download.href = url(r.url, 'download');
      li.appendChild(download);
      list.appendChild(li);
    });
  }

  function refresh(section) {
    var camera = section.getAttribute('data-camera');
    fetch(url('recordings/' + encodeURIComponent(camera)), {cache: 'no-store', credentials: 'same-origin'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (list) { if (list) { showRecordings(section, camera, list); } })
      .catch(function () { /* the server is away: the next refresh tries again */ });
    fetch(url('status', 'camera=' + encodeURIComponent(camera)), {cache: 'no-store', credentials: 'same-origin'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s && s.cameras.length) { showEvents(section, s.cameras[0].events); } })
      .catch(function () { });
  }

  function refreshAll() {
    document.querySelectorAll('section.camera-recordings').forEach(refresh);
  }

  function poll() {
    if (!document.hidden) {
      refreshAll();
    }
    setTimeout(poll, streaming ? POLL_WITH_EVENTS : POLL);
  }

  /** Motion and recording news as they happen, where the server sends them; polling does without. */
  function listen() {
    if (!window.EventSource) {
      return;
    }
    var source = new EventSource(url('events'));
    source.onopen = function () { streaming = true; };
    source.onmessage = refreshAll;
    ['motion', 'recording'].forEach(function (type) { source.addEventListener(type, refreshAll); });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        streaming = false;
      }
    };
  }

  // ---- the player ----

  var video = player && player.querySelector('video');
  var avi = player && player.querySelector('.avi');
  var aviImg = avi && avi.querySelector('img');
  var seek = avi && avi.querySelector('.seek');
  var aviTime = avi && avi.querySelector('.time');
  var aviFrom = 0;
  var aviSince = 0;
  var aviTimer = null;

  function aviPlay(at) {
    aviFrom = at;
    aviSince = Date.now();
    aviImg.src = url(playing.recording.url, 'play&at=' + at.toFixed(2));
  }

  /** The seek bar follows the playback at the recorded rate; a slow connection shows it slower, so this is near. */
  function aviTick() {
    var r = playing && playing.recording;
    if (!r || seek.matches(':active')) {
      return;
    }
    var t = Math.min(r.seconds, aviFrom + (Date.now() - aviSince) / 1000);
    seek.value = t;
    aviTime.textContent = length(t) + ' / ' + length(r.seconds);
  }

  function open(camera, r) {
    close();
    playing = {camera: camera, recording: r};
    player.hidden = false;
    player.querySelector('.title').textContent = camera + ': ' + when(r.start) + ' (' + r.kind + ')';
    player.querySelector('.download').href = url(r.url, 'download');
    player.querySelector('.delete').textContent = 'delete';
    player.querySelector('.answer').textContent = '';
    if (r.format === 'mp4') {
      video.hidden = false;
      video.src = url(r.url);
      video.play().catch(function () { /* needs a click where autoplay is off: the controls are there */ });
    } else {
      avi.hidden = false;
      seek.max = r.seconds;
      seek.value = 0;
      aviPlay(0);
      aviTimer = setInterval(aviTick, 250);
    }
    player.scrollIntoView({block: 'nearest'});
  }

  function close() {
    if (!player) {
      return;
    }
    clearInterval(aviTimer);
    video.pause();
    video.removeAttribute('src');
    video.load();
    video.hidden = true;
    aviImg.removeAttribute('src'); // ends the playback's connection
    avi.hidden = true;
    player.hidden = true;
    playing = null;
  }

  if (player) {
    seek.addEventListener('input', function () {
      // While dragged: single pictures, so that the bar scrubs without starting a playback per step.
      aviImg.src = url(playing.recording.url, 'picture&at=' + Number(seek.value).toFixed(2));
      aviTime.textContent = length(Number(seek.value)) + ' / ' + length(playing.recording.seconds);
    });
    seek.addEventListener('change', function () { aviPlay(Number(seek.value)); });
    player.querySelector('.close').addEventListener('click', close);
    player.querySelector('.delete').addEventListener('click', function (e) {
      var button = e.target;
      var where = player.querySelector('.answer');
      // Two clicks: the first asks, the second deletes.
      if (button.textContent !== 'really delete?') {
        button.textContent = 'really delete?';
        return;
      }
      button.textContent = 'delete';
      var p = playing;
      fetch(url(p.recording.url), {method: 'DELETE', credentials: 'same-origin'})
        .then(function (r) {
          return r.text().then(function (text) {
            answer(where, r, text);
            if (r.ok) {
              close();
              refreshAll();
            }
          });
        })
        .catch(function () { where.textContent = 'the server did not answer'; });
    });
  }

  // ---- record and time-lapse ----

  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button[data-control]');
    if (!button) {
      return;
    }
    var section = button.closest('section.camera-recordings');
    var camera = section.getAttribute('data-camera');
    var where = section.querySelector('.controls .answer');
    fetch(url(button.getAttribute('data-control') + '/' + encodeURIComponent(camera),
        'action=' + button.getAttribute('data-action')), {method: 'POST', credentials: 'same-origin'})
      .then(function (r) {
        return r.text().then(function (text) {
          answer(where, r, text);
          refresh(section);
        });
      })
      .catch(function () { where.textContent = 'the server did not answer'; });
  });

  if (window.fetch) {
    listen();
    poll();
  }
})();
