/*
 * H.264 on the page: a player per tile, fed by camstream-socket.js with the fMP4 init segment and
 * fragments of a camera's messages, through Media Source Extensions (ManagedMediaSource where
 * MediaSource is missing, as on iPhone Safari) into a muted, inline <video>. It keeps to live:
 *  - the SourceBuffer is in 'sequence' mode: frames the server skipped (it skips to the next keyframe
 *    when the page falls behind) and pauses (a hidden tab) leave no gap for playback to stall at;
 *  - when the newest frame is more than JUMP_S ahead of what shows, it jumps to it; a little less,
 *    and it plays faster until it has caught up; it never waits for a buffer to fill;
 *  - what lies behind the playhead is removed (from a keyframe on), so memory stays flat, and what
 *    waits while the SourceBuffer is busy is bounded: beyond it, it waits for the next keyframe.
 */
(function () {
  'use strict';
  const MS = window.MediaSource || window.ManagedMediaSource;
  const managed = !window.MediaSource && !!window.ManagedMediaSource;
  /** The newest frame this far (s) ahead of the playhead: jump to it. */
  const JUMP_S = 0.5;
  /** This far ahead: play faster. */
  const FASTER_S = 0.12;
  const FASTER_RATE = 1.25;
  /** Media kept behind the playhead (s), for the decoder; older is removed. */
  const KEEP_BEHIND_S = 2;
  /** Frames and bytes that may wait for the SourceBuffer; beyond, they are dropped until a keyframe. */
  const MAX_QUEUED = 90;
  const MAX_QUEUED_BYTES = 8 << 20;
  /** Frames remembered with their capture time, for the latency of the one shown. */
  const REMEMBERED = 240;

  /** Why this browser cannot play H.264 through Media Source Extensions; null when it can. */
  function whyNot() {
    if (!MS) {
      return 'this browser has no Media Source Extensions';
    }
    return MS.isTypeSupported('video/mp4; codecs="avc1.42E01E"') ? null
      : 'this browser does not play H.264 through Media Source Extensions';
  }

  function type(bytes, at) {
    return String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
  }

  /** Whether a message's media is an init segment (ftyp first) rather than a fragment (moof). */
  function isInit(bytes) {
    return bytes.length >= 8 && type(bytes, 0) === 'ftyp';
  }

  /** The RFC 6381 codec of an init segment, from its avcC box: profile, constraints, level. */
  function codecOf(init) {
    for (let i = 0; i + 8 < init.length; i++) {
      if (init[i] === 0x61 && init[i + 1] === 0x76 && init[i + 2] === 0x63 && init[i + 3] === 0x43) { // avcC
        return 'avc1.' + Array.from(init.subarray(i + 5, i + 8), b => b.toString(16).toUpperCase().padStart(2, '0')).join('');
      }
    }
    return null;
  }

  /** The content [start, end) of the first child box of that type within [from, to), or null. */
  function child(bytes, view, from, to, name) {
    for (let i = from; i + 8 <= to;) {
      const size = view.getUint32(i);
      if (size < 8) {
        return null;
      }
      if (type(bytes, i) === name) {
        return [i + 8, Math.min(to, i + size)];
      }
      i += size;
    }
    return null;
  }

  /** Whether a fragment's (first) sample is a keyframe: its trun sample flags say it is a sync sample. */
  function isKeyframe(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const moof = child(bytes, view, 0, bytes.length, 'moof');
    const traf = moof && child(bytes, view, moof[0], moof[1], 'traf');
    const trun = traf && child(bytes, view, traf[0], traf[1], 'trun');
    if (!trun) {
      return false;
    }
    const flags = view.getUint32(trun[0]) & 0xffffff;
    let at = trun[0] + 8 + (flags & 0x1 ? 4 : 0);
    let sample;
    if (flags & 0x4) {
      sample = view.getUint32(at); // first_sample_flags
    } else if (flags & 0x400) {
      at += (flags & 0x100 ? 4 : 0) + (flags & 0x200 ? 4 : 0);
      sample = view.getUint32(at);
    } else {
      return false;
    }
    return (sample & 0x10000) === 0; // sample_is_non_sync_sample
  }

  function sameBytes(a, b) {
    if (a.length !== b.length) {
      return false;
    }
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * One track of one camera in {@code video}. {@code failed(why)} is called once if the browser
   * cannot play it; the player is closed then.
   */
  class Player {
    constructor(video, init, codec, failed) {
      this.video = video;
      this.init = init;
      this.codec = codec;
      this.failed = failed;
      this.queue = [];
      this.queuedBytes = 0;
      this.needKeyframe = false;
      this.sb = null;
      this.closed = false;
      /** {start, capture} of the frames appended last: where each begins in media time, and its capture time (µs). */
      this.frames = [];
      /** Media times where appended keyframes begin: where old media can be cut without breaking what follows. */
      this.keyframes = [];
      this.appended = 0;
      this.dropped = 0;
      this.jumps = 0;
      this.shown = 0;
      this.shownAtJump = -1;
      this.latencyMs = null;
      this.ms = new MS();
      this.ms.addEventListener('sourceopen', () => this.opened(), { once: true });
      if (managed) {
        video.disableRemotePlayback = true; // ManagedMediaSource plays only without AirPlay, or with an alternative
        video.srcObject = this.ms;
      } else {
        this.url = URL.createObjectURL(this.ms);
        video.src = this.url;
      }
      this.onError = () => this.fail('this browser could not play the H.264 stream ('
        + (video.error ? video.error.message || 'error ' + video.error.code : 'unknown error') + ')');
      video.addEventListener('error', this.onError);
      if ('requestVideoFrameCallback' in video) {
        this.onFrame = (now, meta) => this.frameShown(meta.mediaTime, meta.expectedDisplayTime);
        this.frameRequest = video.requestVideoFrameCallback(this.onFrame);
      }
      this.lastTime = -1;
      this.timer = setInterval(() => this.next(), 200);
    }

    opened() {
      if (this.closed) {
        return;
      }
      if (this.url) {
        URL.revokeObjectURL(this.url);
        this.url = null;
      }
      try {
        this.sb = this.ms.addSourceBuffer('video/mp4; codecs="' + this.codec + '"');
        this.sb.mode = 'sequence';
        this.ms.duration = Infinity;
      } catch (e) {
        this.fail('this browser could not play ' + this.codec + ' (' + e.message + ')');
        return;
      }
      this.sb.addEventListener('updateend', () => this.next());
      this.queue.unshift({ data: this.init, init: true });
      this.queuedBytes += this.init.byteLength;
      this.next();
    }

    /** A fragment and its capture time (µs since the epoch). */
    push(data, capture) {
      if (this.closed) {
        return;
      }
      const key = isKeyframe(data);
      if (this.needKeyframe && !key) {
        this.dropped++;
        return;
      }
      this.needKeyframe = false;
      if (this.queue.length >= MAX_QUEUED || this.queuedBytes + data.byteLength > MAX_QUEUED_BYTES) {
        this.drop();
        if (!key) {
          this.needKeyframe = true;
          this.dropped++;
          return;
        }
      }
      this.queue.push({ data, capture, key });
      this.queuedBytes += data.byteLength;
      this.next();
    }

    /** Drops the frames waiting (not the init segment, if it waits too). */
    drop() {
      const init = this.queue.length && this.queue[0].init ? this.queue[0] : null;
      this.dropped += this.queue.length - (init ? 1 : 0);
      this.queue = init ? [init] : [];
      this.queuedBytes = init ? init.data.byteLength : 0;
    }

    /** Appends what waits, when the SourceBuffer is free; first keeps to live and trims. */
    next() {
      const sb = this.sb;
      if (this.closed || !sb || sb.updating) {
        return;
      }
      this.tend();
      if (sb.updating) {
        return;
      }
      const item = this.queue.shift();
      if (!item) {
        return;
      }
      this.queuedBytes -= item.data.byteLength;
      if (!item.init) {
        // In 'sequence' mode a frame begins where the media appended before it ends.
        const start = sb.buffered.length ? sb.buffered.end(sb.buffered.length - 1) : 0;
        this.frames.push({ start, capture: item.capture });
        if (this.frames.length > REMEMBERED) {
          this.frames.shift();
        }
        if (item.key) {
          this.keyframes.push(start);
          if (this.keyframes.length > 64) {
            this.keyframes.shift();
          }
        }
        this.appended++;
      }
      try {
        sb.appendBuffer(item.data);
      } catch (e) {
        if (e.name === 'QuotaExceededError') {
          this.drop();
          this.needKeyframe = true;
          this.trim(0);
          return;
        }
        this.fail('this browser could not take the H.264 stream (' + e.message + ')');
        return;
      }
      if (this.video.paused) {
        this.video.play().catch(() => { /* not allowed yet: the next frame tries again */ });
      }
    }

    /** Jumps or speeds up to the newest frame, and removes old media; only while the SourceBuffer is free. */
    tend() {
      const sb = this.sb;
      const v = this.video;
      if (!sb.buffered.length || !this.frames.length) {
        return;
      }
      if (!this.onFrame && v.currentTime !== this.lastTime) {
        this.lastTime = v.currentTime;
        this.frameShown(v.currentTime, performance.now());
      }
      const start = sb.buffered.start(0);
      const newest = Math.max(start, this.frames[this.frames.length - 1].start);
      const ahead = newest - v.currentTime;
      // A jump only once a frame showed since the last: a decoder that needs a few frames first must get them.
      if (v.currentTime < start || (ahead > JUMP_S && this.shown !== this.shownAtJump)) {
        this.shownAtJump = this.shown;
        this.jumps++;
        v.playbackRate = 1;
        v.currentTime = newest;
      } else if (ahead > FASTER_S) {
        v.playbackRate = FASTER_RATE;
      } else if (ahead <= 0) {
        v.playbackRate = 1;
      }
      this.trim(KEEP_BEHIND_S);
    }

    /** Removes the media more than {@code behind} s before the playhead, from the start to a keyframe. */
    trim(behind) {
      const sb = this.sb;
      if (sb.updating || !sb.buffered.length) {
        return;
      }
      const start = sb.buffered.start(0);
      let cut = null;
      for (const k of this.keyframes) {
        if (k > start && k <= this.video.currentTime - behind) {
          cut = k;
        }
      }
      if (cut !== null && cut - start > 0.5) {
        sb.remove(start, cut);
      }
    }

    /** A frame at {@code mediaTime} shows at {@code when} (performance time, ms): its latency since capture. */
    frameShown(mediaTime, when) {
      this.shown++;
      for (let i = this.frames.length - 1; i >= 0; i--) {
        if (this.frames[i].start <= mediaTime + 0.0005) {
          this.latencyMs = performance.timeOrigin + when - this.frames[i].capture / 1000;
          break;
        }
      }
      if (this.onFrame && !this.closed) {
        this.frameRequest = this.video.requestVideoFrameCallback(this.onFrame);
      }
    }

    /** Whether this player plays the track of {@code init}. */
    plays(init) {
      return sameBytes(this.init, init);
    }

    fail(why) {
      if (this.closed) {
        return;
      }
      this.close();
      this.failed(why);
    }

    close() {
      this.closed = true;
      clearInterval(this.timer);
      this.video.removeEventListener('error', this.onError);
      if (this.onFrame) {
        this.video.cancelVideoFrameCallback(this.frameRequest);
      }
      this.queue = [];
      this.queuedBytes = 0;
      this.video.removeAttribute('src');
      this.video.srcObject = null;
      this.video.load();
    }

    stats() {
      const v = this.video;
      const b = this.sb && this.sb.buffered.length ? this.sb.buffered : null;
      return {
        codec: this.codec, appended: this.appended, shown: this.shown, dropped: this.dropped, jumps: this.jumps,
        currentTime: v.currentTime, bufferedStart: b ? b.start(0) : 0, bufferedEnd: b ? b.end(b.length - 1) : 0,
        newest: this.frames.length ? this.frames[this.frames.length - 1].start : 0, queued: this.queue.length,
        videoWidth: v.videoWidth, videoHeight: v.videoHeight, latencyMs: this.latencyMs, playbackRate: v.playbackRate,
        paused: v.paused, readyState: v.readyState
      };
    }
  }

  window.camstreamVideo = { whyNot, isInit, codecOf, supports: codec => !!MS && MS.isTypeSupported('video/mp4; codecs="' + codec + '"'), Player };
})();
