// The index page's live state and fps, polled from /status; a "motion" badge while a camera sees motion,
// from /events; and full screen on the picture itself.
// The pictures need none of this: camstream-socket.js draws them (or each is a plain <img> of its stream).
(function () {
  'use strict';
  var statusUrl = document.body.getAttribute('data-status');
  var PERIOD = 2000;

  function tile(id) {
    var tiles = document.querySelectorAll('figure.camera');
    for (var i = 0; i < tiles.length; i++) {
      if (tiles[i].getAttribute('data-camera') === id) {
        return tiles[i];
      }
    }
    return null;
  }

  function show(camera) {
    var t = tile(camera.id);
    if (!t) {
      return;
    }
    var failing = camera.state === 'no-signal' || camera.state === 'misconfigured';
    var status = t.querySelector('.status');
    t.setAttribute('data-state', camera.state);
    status.setAttribute('data-state', camera.state);
    status.classList.toggle('problem', failing);
    status.textContent = failing ? camera.reason : camera.state;
    t.querySelector('.fps').textContent = camera.state === 'live' ? camera.captureFps.toFixed(1) + ' fps' : '';
    if (camera.motion) {
      badge(camera.id, camera.motion.moving);
    }
  }

  function badge(id, moving) {
    var t = tile(id);
    var b = t && t.querySelector('.motion');
    if (b) {
      b.hidden = !moving;
    }
  }

  // Each start and end of motion as it happens; the browser connects again by itself after a break.
  function listen() {
    var token = new URLSearchParams(location.search).get('token');
    var events = new EventSource(document.body.getAttribute('data-events') + (token ? '?token=' + encodeURIComponent(token) : ''));
    events.addEventListener('motion', function (e) {
      var event = JSON.parse(e.data);
      badge(event.camera, event.end === null);
    });
  }

  function poll() {
    if (document.hidden) {
      setTimeout(poll, PERIOD);
      return;
    }
    fetch(statusUrl, {cache: 'no-store', credentials: 'same-origin'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) { s.cameras.forEach(show); } })
      .catch(function () { /* the server is away: try again at the next tick */ })
      .then(function () { setTimeout(poll, PERIOD); });
  }

  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('a.fullscreen');
    if (!link) {
      return;
    }
    // The socket's canvas or video (camstream-socket.js), or the <img> stream it fell back to.
    var img = link.closest('figure').querySelector('.live:not([hidden]), img');
    if (img && img.requestFullscreen) {
      e.preventDefault();
      img.requestFullscreen();
    }
  });

  if (statusUrl && window.fetch) {
    poll();
  }
  if (window.EventSource && document.querySelector('figure.camera .motion')) {
    listen();
  }
})();
