// Plays decrypted fMP4 segments back to back through Media Source Extensions. Each segment (its own init
// segment, then fragments) is appended in 'sequence' mode, so it follows the previous one whatever its own
// timestamps; `spans` maps the media timeline back to segments.

const MediaSourceClass = window.MediaSource || window.ManagedMediaSource;
const APPEND_CHUNK = 2 * 1048576;

class MsePlayer {
  static supports(mime) {
    return !!MediaSourceClass && MediaSourceClass.isTypeSupported(mime);
  }

  constructor(video) {
    this.video = video;
    this.spans = [];
    this.mime = null;
    this.buffer = null;
    this.source = null;
  }

  async open(mime) {
    this.close();
    const source = new MediaSourceClass();
    this.source = source;
    if (window.ManagedMediaSource && source instanceof window.ManagedMediaSource) this.video.disableRemotePlayback = true;
    const url = URL.createObjectURL(source);
    await new Promise(resolve => {
      source.addEventListener('sourceopen', resolve, { once: true });
      this.video.src = url;
    });
    URL.revokeObjectURL(url);
    this.buffer = source.addSourceBuffer(mime);
    this.buffer.mode = 'sequence';
    this.mime = mime;
    this.spans = [];
  }

  /**
   * Appends one whole (already verified) segment in chunks. `onProgress(span)` runs after each chunk, so that
   * playback can start before a long segment is all in. When the browser's buffer is full, what was played is
   * removed and the append waits for the playhead to move on. Rejects with 'closed' if the player is reopened.
   */
  async append(bytes, segment, onProgress = () => {}) {
    const buffer = this.buffer;
    const previousEnd = this.spans.length ? this.end() : null;
    const span = { segment, start: previousEnd ?? 0, end: previousEnd ?? 0 };
    this.spans.push(span);
    for (let at = 0; at < bytes.length; at += APPEND_CHUNK) {
      await this.appendChunk(buffer, bytes.subarray(at, at + APPEND_CHUNK));
      const ranges = buffer.buffered;
      if (previousEnd === null && ranges.length) span.start = ranges.start(0);
      span.end = this.end();
      onProgress(span);
    }
    return span;
  }

  async appendChunk(buffer, chunk) {
    for (;;) {
      if (this.buffer !== buffer) throw new Error('closed');
      try {
        await this.run(() => buffer.appendBuffer(chunk));
        return;
      } catch (e) {
        if (e.name !== 'QuotaExceededError') throw e;
        const removed = await this.trim(5);
        if (!removed) await new Promise(resolve => setTimeout(resolve, 1000));
      }
    }
  }

  end() {
    const ranges = this.buffer ? this.buffer.buffered : null;
    return ranges && ranges.length ? ranges.end(ranges.length - 1) : 0;
  }

  lastSegment() {
    return this.spans.length ? this.spans[this.spans.length - 1].segment : null;
  }

  /** The span under the playhead. */
  spanAt(time) {
    let found = this.spans[0] || null;
    for (const span of this.spans) if (span.start <= time + 0.05) found = span;
    return found;
  }

  secondsAhead() {
    return this.end() - this.video.currentTime;
  }

  seekInto(span, offset) {
    this.video.currentTime = Math.min(span.start + offset, Math.max(span.start, span.end - 0.1));
  }

  /** Audio and video rarely end on the same instant: hop over the few milliseconds between two segments. */
  jumpGap() {
    const time = this.video.currentTime;
    const ranges = this.video.buffered;
    for (let i = 0; i < ranges.length; i++) {
      if (ranges.start(i) <= time && time < ranges.end(i) - 0.05) return;
      if (ranges.start(i) > time && ranges.start(i) - time < 1.5) {
        this.video.currentTime = ranges.start(i) + 0.01;
        return;
      }
    }
  }

  /** Removes what lies more than `keep` seconds behind the playhead; true if anything went. */
  async trim(keep) {
    const behind = this.video.currentTime - keep;
    const ranges = this.buffer.buffered;
    if (behind <= 0 || !ranges.length || ranges.start(0) >= behind) return false;
    await this.run(() => this.buffer.remove(0, behind));
    this.spans = this.spans.filter(s => s.end > behind);
    return true;
  }

  run(action) {
    return new Promise((resolve, reject) => {
      const done = () => { cleanup(); resolve(); };
      const failed = () => { cleanup(); reject(new Error('the browser could not play this recording')); };
      const cleanup = () => {
        this.buffer.removeEventListener('updateend', done);
        this.buffer.removeEventListener('error', failed);
      };
      this.buffer.addEventListener('updateend', done);
      this.buffer.addEventListener('error', failed);
      try {
        action();
      } catch (e) {
        cleanup();
        reject(e);
      }
    });
  }

  close() {
    if (this.source && this.source.readyState === 'open') {
      try { this.source.endOfStream(); } catch { /* already ending */ }
    }
    this.source = null;
    this.buffer = null;
    this.spans = [];
    this.mime = null;
  }
}
