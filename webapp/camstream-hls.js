/*
 * HLS on the page, where its WebSocket cannot go (a CDN or proxy in between that passes no WebSocket
 * upgrade), or when the page is asked for it (?transport=hls): camstream-socket.js gives each tile a
 * Player of hls/{camera}/index.m3u8 in its muted, inline <video>.
 * How the browser plays it: through hls.js (lowLatencyMode) wherever hls.js can run, as hls.js itself
 * advises; natively only where it cannot (iPhone Safari, which has no MediaSource). Native first would
 * be wrong today: Chromium answers "maybe" to canPlayType('application/vnd.apple.mpegurl') too, and its
 * own player does no low-latency HLS. hls.js comes from the WAR (the WebJar org.webjars.npm:hls.js,
 * path in <body data-hls>), loaded only when a page plays HLS.
 * Errors are recovered as hls.js documents: a network error loads again (after a pause that doubles,
 * or when its Retry-After says), a media error asks recoverMediaError(), twice in a row it swaps the
 * audio codec first, a third time it gives up. A playlist refused for good before anything played (no
 * HLS on the server, no H.264 for the camera) gives up at once and says why: the tile then shows the
 * camera's multipart stream.
 */
(function () {
  'use strict';
  const MAX_BACKOFF_MS = 30000;
  /** Media errors this close together count as one run: recovery did not help. */
  const MEDIA_ERROR_RUN_MS = 3000;
  let chosen = null;

  function script(src) {
    return new Promise(resolve => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = () => resolve(true);
      s.onerror = () => resolve(false);
      document.head.appendChild(s);
    });
  }

  /**
   * How this browser plays HLS, once per page: {name, Hls} for hls.js, {name: 'native'}, or {why} when
   * it cannot.
   */
  function choose() {
    if (!chosen) {
      const src = document.body.dataset.hls;
      chosen = (src ? script(src) : Promise.resolve(false)).then(loaded => {
        const Hls = window.Hls;
        if (loaded && Hls && Hls.isSupported()) {
          return { name: 'hls.js ' + Hls.version, Hls };
        }
        if (document.createElement('video').canPlayType('application/vnd.apple.mpegurl')) {
          return { name: 'native' };
        }
        if (!src) {
          return { why: 'this browser plays no HLS itself, and this server has no hls.js' };
        }
        return { why: loaded ? 'this browser plays no HLS (hls.js needs Media Source Extensions with H.264)'
          : 'the HLS player (hls.js) did not load' };
      });
    }
    return chosen;
  }

  /**
   * Keeps what a request of hls.js that failed said, before hls.js aborts it (which empties it) and then
   * reports the error. A capturing listener runs before hls.js's own onreadystatechange.
   */
  function keepError(xhr) {
    xhr.addEventListener('readystatechange', () => {
      if (xhr.readyState === 4 && xhr.status >= 400) {
        xhr.camstreamError = {
          text: xhr.responseType === '' || xhr.responseType === 'text' ? xhr.responseText.trim() : '',
          retryAfter: parseInt(xhr.getResponseHeader('Retry-After'), 10)
        };
      }
    }, true);
  }

  /**
   * A network error of hls.js: its HTTP status (0 when none came), what it says (the server's one line of
   * text, else the status) and the seconds its Retry-After asks to wait (0 when it has none).
   */
  function networkError(data) {
    const kept = (data.networkDetails && data.networkDetails.camstreamError) || { text: '', retryAfter: NaN };
    const code = (data.response && data.response.code) || 0;
    const text = kept.text;
    return {
      code,
      why: text && text.length <= 500 && text.indexOf('<') < 0 ? text : code ? 'HTTP ' + code : data.details,
      retryAfter: kept.retryAfter > 0 ? kept.retryAfter : 0
    };
  }

  /**
   * Plays {@code url} in {@code video} the way {@link choose} found. {@code events.status(text)} says
   * what it is recovering from ('' once it plays again); {@code events.failed(why)} is called once when
   * it gives up, after it closed itself.
   */
  class Player {
    constructor(video, url, way, events) {
      this.video = video;
      this.url = url;
      this.way = way;
      this.events = events;
      this.closed = false;
      this.played = false;
      this.fragments = 0;
      /** Network errors in a row, for the pause before loading again; and all of them. */
      this.retries = 0;
      this.networkErrors = 0;
      this.mediaRecoveries = 0;
      this.jumps = 0;
      this.recovering = false;
      this.lastMediaError = 0;
      this.mediaErrorRun = 0;
      this.retryTimer = 0;
      this.onPlaying = () => this.playing();
      video.addEventListener('playing', this.onPlaying);
      if (way.Hls) {
        this.startHls();
      } else {
        this.onError = () => this.nativeError();
        video.addEventListener('error', this.onError);
        video.src = url;
        this.play();
      }
    }

    startHls() {
      const Hls = this.way.Hls;
      // No worker: hls.js would start it from a blob: URL, which the page's Content-Security-Policy refuses; fMP4
      // needs no transmuxing, so it would have little to do anyway. 4 s kept behind the playhead: flat memory.
      // A little behind its target latency it plays up to 1.5x; further, keepLive() jumps. (hls.js's own
      // liveMaxLatencyDuration(Count) would only come with a liveSyncDuration(Count), which replaces that latency.)
      let hls;
      try {
        hls = new Hls({ lowLatencyMode: true, enableWorker: false, backBufferLength: 4, xhrSetup: keepError,
          maxLiveSyncPlaybackRate: 1.5 });
      } catch (e) {
        setTimeout(() => this.fail('the HLS player would not start (' + e.message + ')'));
        return;
      }
      this.hls = hls;
      hls.on(Hls.Events.ERROR, (event, data) => this.hlsError(data));
      hls.on(Hls.Events.FRAG_BUFFERED, () => {
        this.fragments++;
        this.playing();
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => this.play());
      hls.on(Hls.Events.LEVEL_UPDATED, (event, data) => this.keepLive(data.details.targetduration));
      hls.loadSource(this.url);
      hls.attachMedia(this.video);
    }

    /**
     * Jumps to where hls.js would start a live stream when the picture is further behind it than hls.js
     * speeds up for (its target latency and a target duration), as after a hidden tab whose video the
     * browser paused; a new playlist is the moment to look.
     */
    keepLive(targetDuration) {
      const hls = this.hls;
      const live = hls && this.played ? hls.liveSyncPosition : null; // before, hls.js chooses where to start
      if (live !== null && live !== undefined && live - this.video.currentTime > hls.targetLatency + targetDuration) {
        this.jumps++;
        this.video.currentTime = live;
      }
    }

    play() {
      this.video.play().catch(() => { /* not allowed yet: autoplay starts it when it can */ });
    }

    /** Media plays (again): what the tile said about recovering is over. */
    playing() {
      if (!this.played || this.recovering) {
        this.played = true;
        this.recovering = false;
        this.retries = 0;
        this.events.status('');
      }
    }

    hlsError(data) {
      if (this.closed || !data.fatal) {
        return; // hls.js retries what is not fatal itself
      }
      const Hls = this.way.Hls;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        const error = networkError(data);
        const manifest = data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR
          || data.details === Hls.ErrorDetails.MANIFEST_LOAD_TIMEOUT;
        // A playlist refused before anything played, for good (4xx; 5xx without Retry-After, as for a camera
        // without H.264): there is no HLS stream to wait for. A busy or starting one says when to ask again.
        if (!this.played && manifest && error.code >= 400 && !(error.code >= 500 && error.retryAfter)) {
          this.fail('no HLS stream: ' + error.why);
          return;
        }
        const delay = Math.max(this.retry(), error.retryAfter * 1000);
        this.events.status('network error (' + error.why + '), loading again in ' + Math.round(delay / 1000) + ' s');
        this.retryTimer = setTimeout(() => {
          if (manifest) {
            this.hls.loadSource(this.url);
          } else {
            this.hls.startLoad();
          }
        }, delay);
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        const now = performance.now();
        this.mediaErrorRun = now - this.lastMediaError < MEDIA_ERROR_RUN_MS ? this.mediaErrorRun + 1 : 1;
        this.lastMediaError = now;
        if (this.mediaErrorRun > 2) {
          this.fail('the browser could not play the HLS stream (' + data.details + ')');
          return;
        }
        this.mediaRecoveries++;
        this.recovering = true;
        this.events.status('media error (' + data.details + '), recovering');
        if (this.mediaErrorRun === 2) {
          this.hls.swapAudioCodec();
        }
        this.hls.recoverMediaError();
      } else {
        this.fail('the HLS player stopped (' + data.details + ')');
      }
    }

    /** The browser's own player failed: before it played, give up; after, load again after a pause. */
    nativeError() {
      const e = this.video.error;
      const why = e ? e.message || 'error ' + e.code : 'unknown error';
      if (!this.played) {
        this.fail('no HLS stream (' + why + ')');
        return;
      }
      const delay = this.retry();
      this.events.status('error (' + why + '), loading again in ' + Math.round(delay / 1000) + ' s');
      this.retryTimer = setTimeout(() => {
        this.video.src = this.url;
        this.play();
      }, delay);
    }

    /** Counts a network error; returns the pause (ms) before loading again: 0.5 s doubling to 30 s. */
    retry() {
      this.recovering = true;
      this.retries++;
      this.networkErrors++;
      return Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.retries - 1, 6));
    }

    fail(why) {
      if (this.closed) {
        return;
      }
      this.close();
      this.events.failed(why);
    }

    close() {
      this.closed = true;
      clearTimeout(this.retryTimer);
      this.video.removeEventListener('playing', this.onPlaying);
      if (this.onError) {
        this.video.removeEventListener('error', this.onError);
      }
      if (this.hls) {
        this.hls.destroy();
        this.hls = null;
      }
      this.video.removeAttribute('src');
      this.video.load();
    }

    stats() {
      const v = this.video;
      const b = v.buffered;
      return {
        player: this.way.name, fragments: this.fragments, networkErrors: this.networkErrors,
        mediaRecoveries: this.mediaRecoveries, jumps: this.jumps, currentTime: v.currentTime,
        bufferedStart: b.length ? b.start(0) : 0, bufferedEnd: b.length ? b.end(b.length - 1) : 0,
        videoWidth: v.videoWidth, videoHeight: v.videoHeight, paused: v.paused, readyState: v.readyState,
        latencyMs: this.hls && Number.isFinite(this.hls.latency) ? Math.round(this.hls.latency * 1000) : null
      };
    }
  }

  window.camstreamHls = { choose, Player };
})();
