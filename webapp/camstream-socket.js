/*
 * Every camera on the page over one WebSocket (/socket), instead of one HTTP connection per <img>:
 * a browser opens at most 6 per host, so a seventh stream would never show. Each tile is an element
 * with data-camera="ID" (and data-options="width=640&fps=10", a stream URL's options); this script
 * puts a <canvas> into it and draws each picture there, decoded off the main thread
 * (createImageBitmap) and closed as soon as it is drawn, so that memory stays flat however long the
 * page is open. A tile off screen, or a hidden tab, pauses its
 * cameras: the server then sends nothing for them, and resumes when they are seen again.
 * With JavaScript off the tiles' <noscript> multipart streams show instead; without WebSocket on the
 * server (its first connections all fail) this script falls back to them too.
 * Where the browser plays H.264 through Media Source Extensions (camstream-video.js), the page asks
 * for its cameras as H.264 ("video a,b" before "watch a,b") and plays them in a <video> per tile;
 * the server sends pictures instead where it makes no H.264, and says why. Each tile says which it
 * shows in a corner of the picture, "H.264" or "JPEG", and why it shows pictures at the end of its caption.
 * Where no WebSocket reaches the page (a CDN or proxy in between that passes no upgrade: its first
 * connections all fail), or when the page is asked for it (?transport=hls), each tile plays its
 * camera's HLS stream instead (camstream-hls.js), labelled "HLS"; a tile whose browser or server
 * cannot play it shows its multipart stream, labelled "JPEG", and says why.
 */
(function () {
  'use strict';
  const root = new URL('.', document.currentScript.src);
  const socketUrl = new URL('socket', root);
  socketUrl.protocol = root.protocol === 'https:' ? 'wss:' : 'ws:';
  /** The server closes a socket that says and receives nothing for 5 minutes: a paused page says so more often. */
  const HEARTBEAT_MS = 30000;
  const MAX_BACKOFF_MS = 30000;
  /** Failed connections, before any succeeded, after which the tiles fall back to HLS or multipart streams. */
  const FALLBACK_AFTER = 3;
  const hlsPlayers = window.camstreamHls;
  /** The page asked for HLS (?transport=hls), as it is through a CDN: no socket is tried. */
  const forceHls = new URLSearchParams(location.search).get('transport') === 'hls';
  /** camstream.pageVideo: 'jpeg' shows pictures only, so no HLS either. */
  const pageVideo = document.body.dataset.pageVideo || 'auto';

  const tiles = new Map();
  const stats = { decoded: 0, closed: 0, failed: 0, pictures: 0, frames: 0, connects: 0, state: 'starting', fallback: false,
    transport: forceHls ? 'hls' : 'socket' };
  const video = window.camstreamVideo;
  /** Why this browser plays no H.264 on the page; null when it can. */
  const noVideo = video ? video.whyNot() : 'the page\'s video player did not load';
  let ws = null;
  let everOpened = false;
  let failures = 0;
  let lastWatch = null;
  let lastVideo = null;
  let retryTimer = 0;

  function tileOf(figure) {
    const id = figure.dataset.camera;
    const canvas = document.createElement('canvas');
    canvas.className = 'live empty';
    canvas.width = 0;
    canvas.height = 0;
    const name = figure.querySelector('figcaption strong');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Live picture of ' + (name ? name.textContent.trim() : id));
    figure.insertBefore(canvas, figure.firstChild);
    const options = figure.dataset.options || '';
    // What the tile shows, in a corner of the picture; why it shows pictures, at the end of the caption.
    const label = document.createElement('span');
    label.className = 'codec';
    figure.appendChild(label);
    const whyLine = document.createElement('span');
    whyLine.className = 'why';
    (figure.querySelector('figcaption') || figure).appendChild(whyLine);
    return { id, options, figure, canvas, context: canvas.getContext('2d'), visible: false, decoding: false, pending: null,
      pictures: 0, frames: 0, notice: null, label, whyLine, format: null, noVideo, why: null, video: null, player: null,
      hls: null };
  }

  /** Says what the tile shows: "H.264", or "JPEG" and why when the page asked for H.264. */
  function showFormat(tile, format) {
    tile.format = format;
    const why = format === 'jpeg' ? tile.noVideo || tile.why : null;
    const text = format === 'h264' ? 'H.264' : 'JPEG';
    if (tile.label.textContent !== text) {
      tile.label.textContent = text;
    }
    const because = why ? 'JPEG: ' + why : '';
    if (tile.whyLine.textContent !== because) {
      tile.whyLine.textContent = because;
    }
    const live = format === 'h264' ? tile.video : tile.canvas;
    const other = format === 'h264' ? tile.canvas : tile.video;
    if (live.hidden) {
      live.hidden = false;
    }
    if (other && !other.hidden) {
      other.hidden = true;
    }
  }

  /** The tile's <video>, made at its first H.264 message: muted, inline and autoplaying, as browsers let play at once. */
  function videoOf(tile) {
    if (!tile.video) {
      const v = document.createElement('video');
      v.className = 'live';
      v.muted = true;
      v.autoplay = true;
      v.playsInline = true;
      v.setAttribute('muted', '');
      v.setAttribute('playsinline', '');
      v.setAttribute('aria-label', tile.canvas.getAttribute('aria-label'));
      v.hidden = true;
      tile.figure.insertBefore(v, tile.canvas);
      tile.video = v;
    }
    return tile.video;
  }

  /** A tile's H.264 message: an init segment starts (or continues) its player, a fragment goes to it. */
  function played(tile, media, capture) {
    if (video.isInit(media)) {
      if (tile.player && tile.player.plays(media)) {
        return; // the same track again, after a pause: the player goes on
      }
      if (tile.player) {
        tile.player.close();
        tile.player = null;
      }
      const codec = video.codecOf(media);
      if (!codec || !video.supports(codec)) {
        cannotPlay(tile, 'this browser does not play ' + (codec || 'this H.264 stream'));
        return;
      }
      // A copy: the message's buffer is not kept for the life of the track.
      tile.player = new video.Player(videoOf(tile), media.slice(), codec, why => cannotPlay(tile, why));
      showFormat(tile, 'h264');
      return;
    }
    if (!tile.player) {
      return;
    }
    tile.frames++;
    stats.frames++;
    tile.player.push(media, capture);
  }

  /** This browser cannot play a tile's H.264: it asks for pictures of that camera from now on. */
  function cannotPlay(tile, why) {
    if (tile.player) {
      tile.player.close();
      tile.player = null;
    }
    tile.noVideo = why;
    sendWatch(true);
  }

  /** One picture decodes per tile at a time; a newer one that arrives meanwhile replaces the one waiting. */
  function show(tile, blob) {
    if (tile.decoding) {
      tile.pending = blob;
      return;
    }
    tile.decoding = true;
    createImageBitmap(blob).then(bitmap => {
      stats.decoded++;
      if (tile.canvas.width !== bitmap.width || tile.canvas.height !== bitmap.height) {
        tile.canvas.width = bitmap.width;
        tile.canvas.height = bitmap.height;
        tile.canvas.classList.remove('empty');
      }
      tile.context.drawImage(bitmap, 0, 0);
      bitmap.close();
      stats.closed++;
    }, () => {
      stats.failed++;
    }).then(() => {
      tile.decoding = false;
      const next = tile.pending;
      tile.pending = null;
      if (next) {
        show(tile, next);
      }
    });
  }

  /**
   * A text message says something in words about a camera, as JSON: {"camera": ID, "refused": why}
   * when the server will not send it (a viewer or variant limit), which the tile shows until a picture
   * comes; {"camera": ID, "pictures": why} when it sends pictures although the page asked for H.264.
   */
  function told(text) {
    let notice;
    try {
      notice = JSON.parse(text);
    } catch (e) {
      return;
    }
    const tile = tiles.get(notice.camera);
    if (tile && notice.pictures) {
      tile.why = notice.pictures;
      if (tile.format === 'jpeg') {
        showFormat(tile, 'jpeg');
      }
      return;
    }
    if (!tile || !notice.refused) {
      return;
    }
    if (!tile.notice) {
      tile.notice = document.createElement('p');
      tile.notice.className = 'notice problem';
      tile.notice.setAttribute('role', 'status');
      tile.figure.insertBefore(tile.notice, tile.canvas.nextSibling);
    }
    tile.notice.textContent = notice.refused;
  }

  /**
   * A binary message: 1 byte id length, the id, 8 bytes capture time (µs since the epoch), then a
   * JPEG (FF D8...), an fMP4 init segment or an fMP4 fragment. Text: {@link told}.
   */
  function received(event) {
    if (typeof event.data === 'string') {
      told(event.data);
      return;
    }
    const bytes = new Uint8Array(event.data);
    const n = bytes[0];
    const id = String.fromCharCode.apply(null, bytes.subarray(1, 1 + n));
    const tile = tiles.get(id);
    if (!tile) {
      return;
    }
    if (tile.notice) {
      tile.notice.remove();
      tile.notice = null;
    }
    const media = bytes.subarray(1 + n + 8);
    if (media[0] !== 0xff) {
      if (video) {
        played(tile, media, Number(new DataView(event.data).getBigUint64(1 + n)));
      }
      return;
    }
    if (tile.player) {
      tile.player.close();
      tile.player = null;
    }
    if (tile.format !== 'jpeg') {
      showFormat(tile, 'jpeg');
    }
    tile.pictures++;
    stats.pictures++;
    show(tile, new Blob([media], { type: 'image/jpeg' }));
  }

  function wanted() {
    if (document.visibilityState === 'hidden') {
      return [];
    }
    return Array.from(tiles.values()).filter(t => t.visible).map(t => t.options ? t.id + '?' + t.options : t.id);
  }

  function sendWatch(force) {
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return;
    }
    // The cameras wanted as H.264 first: the server applies that at the next watch.
    const asVideo = 'video ' + Array.from(tiles.values()).filter(t => !t.noVideo).map(t => t.id).join(',');
    if (asVideo !== lastVideo) {
      ws.send(asVideo);
      lastVideo = asVideo;
      force = true;
    }
    const request = 'watch ' + wanted().join(',');
    if (force || request !== lastWatch) {
      ws.send(request);
      lastWatch = request;
    }
  }

  function connect() {
    retryTimer = 0;
    stats.state = 'connecting';
    const socket = new WebSocket(socketUrl);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      everOpened = true;
      failures = 0;
      stats.connects++;
      stats.state = 'open';
      lastWatch = null;
      lastVideo = null;
      sendWatch(true);
    };
    socket.onmessage = received;
    socket.onclose = () => {
      if (ws !== socket) {
        return;
      }
      ws = null;
      stats.state = 'closed';
      failures++;
      if (!everOpened && failures >= FALLBACK_AFTER) {
        withoutSocket();
        return;
      }
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures - 1, 6)) * (0.75 + Math.random() / 2);
      retryTimer = setTimeout(connect, delay);
    };
  }

  /**
   * No WebSocket reaches this page, or it was asked for HLS: each tile plays its camera's HLS stream
   * where this browser can, else its multipart stream, as without JavaScript.
   */
  function withoutSocket() {
    stats.fallback = true;
    if (!hlsPlayers || pageVideo === 'jpeg') {
      stats.transport = 'multipart';
      stats.state = 'fallback';
      for (const t of tiles.values()) {
        multipart(t, hlsPlayers ? null : 'the page\'s HLS player did not load');
      }
      return;
    }
    stats.transport = 'hls';
    stats.state = 'hls';
    hlsPlayers.choose().then(way => {
      for (const t of tiles.values()) {
        if (way.why) {
          multipart(t, way.why);
        } else {
          playHls(t, way);
        }
      }
    });
  }

  /** The tile plays its camera's HLS stream (hls/{camera}/index.m3u8) in its <video>, labelled "HLS". */
  function playHls(t, way) {
    const v = videoOf(t);
    t.format = 'hls';
    t.label.textContent = 'HLS';
    t.whyLine.textContent = '';
    t.canvas.hidden = true;
    v.hidden = false;
    const url = new URL('hls/' + encodeURIComponent(t.id) + '/index.m3u8', root).href;
    t.hls = new hlsPlayers.Player(v, url, way, {
      status: text => {
        t.whyLine.textContent = text ? 'HLS: ' + text : '';
      },
      failed: why => {
        t.hls = null;
        multipart(t, why);
      }
    });
  }

  /** The tile shows its camera's multipart stream in an <img>, labelled "JPEG", and {@code why} (or nothing) it does. */
  function multipart(t, why) {
    t.pending = null;
    if (t.player) {
      t.player.close();
      t.player = null;
    }
    if (t.video) {
      t.video.remove();
      t.video = null;
    }
    t.format = 'multipart';
    t.label.textContent = 'JPEG';
    t.whyLine.textContent = why ? 'JPEG: ' + why : '';
    const img = document.createElement('img');
    img.alt = t.canvas.getAttribute('aria-label');
    img.src = new URL('stream/' + encodeURIComponent(t.id) + (t.options ? '?' + t.options : ''), root).href;
    t.canvas.replaceWith(img);
  }

  function start() {
    const figures = document.querySelectorAll('[data-camera]');
    if (figures.length === 0 || !(forceHls || 'WebSocket' in window)) {
      return;
    }
    const byFigure = new Map();
    for (const f of figures) {
      const t = tileOf(f);
      tiles.set(t.id, t);
      byFigure.set(f, t);
    }
    if (forceHls) {
      withoutSocket();
      return;
    }
    const seen = new IntersectionObserver(entries => {
      for (const e of entries) {
        byFigure.get(e.target).visible = e.isIntersecting;
      }
      sendWatch(false);
    });
    for (const f of figures) {
      seen.observe(f);
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && !ws && retryTimer && !stats.fallback) {
        clearTimeout(retryTimer);
        connect();
      }
      sendWatch(false);
    });
    setInterval(() => sendWatch(true), HEARTBEAT_MS);
    // Leaving the page, also into the back/forward cache, ends the socket at once: the server would
    // otherwise count a viewer and send it pictures until its stall timeout. Coming back reconnects.
    window.addEventListener('pagehide', () => {
      clearTimeout(retryTimer);
      retryTimer = 0;
      if (ws) {
        const socket = ws;
        ws = null;
        stats.state = 'closed';
        socket.close(1000, 'page left');
      }
    });
    window.addEventListener('pageshow', event => {
      if (event.persisted && !ws && !stats.fallback) {
        connect();
      }
    });
    connect();
  }

  /** For tests and the curious: what this page holds and has received. */
  window.camstreamSocket = {
    stats() {
      const perCamera = {};
      for (const t of tiles.values()) {
        perCamera[t.id] = t.pictures + t.frames;
      }
      const notices = {};
      const perTile = {};
      for (const t of tiles.values()) {
        if (t.notice) {
          notices[t.id] = t.notice.textContent;
        }
        perTile[t.id] = Object.assign({ format: t.format, label: t.label.textContent, why: t.whyLine.textContent,
          pictures: t.pictures, frames: t.frames },
          t.player ? t.player.stats() : {}, t.hls ? t.hls.stats() : {});
      }
      return Object.assign({}, stats, { openBitmaps: stats.decoded - stats.closed, perCamera, perTile, notices,
        watching: lastWatch, video: lastVideo, noVideo });
    }
  };

  start();
})();
