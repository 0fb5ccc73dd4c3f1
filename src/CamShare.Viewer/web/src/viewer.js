// The viewer: takes the key from the link's fragment, follows the index, plays the newest footage and keeps going
// as new segments arrive; the timeline, the day list and "Newest" move it elsewhere. Async work started before a
// jump checks `generation` and gives up, so a late answer never overrides what the user asked for last.

const POLL_SECONDS = 5;
const AHEAD_SECONDS = 20;

const MESSAGES = {
  noKey: 'This link has no viewing key. Ask for the whole link, including everything after the #.',
  badKey: "This link's key is damaged. Ask for the whole link again.",
  wrongKey: "This link's key cannot open these recordings.",
  notPublished: 'No recordings are published here yet. This page will show them when they arrive.',
  unreachable: 'Cannot reach the recordings right now; trying again…',
  badIndex: 'The list of recordings could not be read.',
  hevc: 'This camera records in H.265 (HEVC), which this browser cannot play. Use Download to save a recording and play it elsewhere.',
  codec: codecs => `This browser cannot play these recordings (${codecs}). Use Download to save one and play it elsewhere.`,
  tampered: s => `The recording of ${dayText(s.day)} ${clockText(s.start)} failed its integrity check and was not played.`,
};

const sameSegment = (a, b) => !!a && !!b && a.t === b.t && a.path === b.path;

class Viewer {
  constructor(ui) {
    this.ui = ui;
    this.key = null;
    this.camera = '';
    this.segmentSeconds = 0;
    this.days = [];
    this.dayIndexes = new Map();
    this.viewDay = null;
    this.mse = new MsePlayer(ui.video);
    this.blob = new BlobPlayer(ui.video);
    this.mode = null;
    this.generation = 0;
    this.tail = null; // the last segment appended to (or refused by) the MSE player
    this.pendingSwitch = null;
    this.resume = null;
    this.resumeWhenNext = null;
    this.feeding = false;
    this.feedRetryAt = 0;
    this.current = null;
    this.played = [];
    this.refused = [];
    this.phase = 'starting';
    this.errorCode = null;
    this.cache = new Map();
    this.timeline = new Timeline(ui.timeline, { pick: s => this.pick(s), step: m => this.step(m) });
    ui.live.addEventListener('click', () => this.jumpToNewest());
    ui.day.addEventListener('change', () => this.jumpToDay(ui.day.value));
    ui.download.addEventListener('click', () => this.download());
    ui.video.addEventListener('ended', () => this.onEnded());
    ui.video.addEventListener('waiting', () => this.mode === 'mse' && this.mse.jumpGap());
  }

  async start() {
    const k = new URLSearchParams(location.hash.slice(1)).get('k');
    if (!k) return this.fatal(MESSAGES.noKey, 'no-key');
    const key = base64UrlToBytes(k);
    if (!key || key.length !== 32) return this.fatal(MESSAGES.badKey, 'bad-key');
    this.key = key;
    try {
      await this.refreshIndex();
    } catch (e) {
      // The first block of days.bin failing authentication is what a wrong key looks like.
      if (e instanceof CryptError && e.kind === 'auth') return this.fatal(MESSAGES.wrongKey, 'wrong-key');
      this.indexTrouble(e);
    }
    setInterval(() => this.tick(), 500);
    setTimeout(() => this.poll(), POLL_SECONDS * 1000);
    if (this.newestDay()) await this.jumpToNewest();
  }

  // ---- the index

  async refreshIndex() {
    const index = parseDaysIndex(await fetchJson(this.key, DAYS_OBJECT));
    this.camera = index.camera;
    this.segmentSeconds = index.segmentSeconds;
    this.ui.camera.textContent = index.camera || 'Camera';
    document.title = `${index.camera} · CamShare`;
    if (index.days.join() !== this.days.join()) {
      this.days = index.days;
      this.ui.day.replaceChildren(...[...index.days].reverse().map(d => new Option(dayText(d), d)));
      if (this.viewDay) this.ui.day.value = this.viewDay;
    }
    const newest = this.newestDay();
    if (newest) await this.loadDay(newest);
    if (this.viewDay && this.viewDay !== newest && !this.dayIndexes.has(this.viewDay)) await this.loadDay(this.viewDay);
    if (this.errorCode === 'unreachable' || this.errorCode === 'not-published') this.clearError();
  }

  async loadDay(day) {
    const segments = parseDayIndex(await fetchJson(this.key, dayObject(day)), day);
    this.dayIndexes.set(day, segments);
    if (day === this.viewDay) this.timeline.setSegments(segments);
    return segments;
  }

  newestDay() {
    return this.days.length ? this.days[this.days.length - 1] : null;
  }

  async poll() {
    // A hidden tab (phone in a pocket) costs no data; it catches up as soon as it is shown again.
    if (document.hidden) {
      document.addEventListener('visibilitychange', () => this.poll(), { once: true });
      return;
    }
    try {
      await this.refreshIndex();
      if (!this.current && !this.resume && this.newestDay()) await this.jumpToNewest();
      if (this.resume) {
        const { segment, offset } = this.resume;
        this.resume = null;
        await this.startAt(segment, offset, ++this.generation);
      }
      if (this.resumeWhenNext) {
        const next = await this.nextAfter(this.resumeWhenNext);
        if (next) {
          this.resumeWhenNext = null;
          await this.startAt(next, 0, ++this.generation);
        }
      }
      this.feed();
    } catch (e) {
      this.indexTrouble(e);
    } finally {
      setTimeout(() => this.poll(), POLL_SECONDS * 1000);
    }
  }

  indexTrouble(e) {
    if (e instanceof FetchError && e.status === 404 && !this.days.length) this.showError(MESSAGES.notPublished, 'not-published');
    else if (e instanceof FetchError) this.showError(MESSAGES.unreachable, 'unreachable');
    else if (e instanceof CryptError && e.kind === 'auth') this.showError(MESSAGES.wrongKey, 'wrong-key');
    else this.showError(MESSAGES.badIndex, 'bad-index');
  }

  async nextAfter(segment) {
    const list = this.dayIndexes.get(segment.day) || [];
    const i = list.findIndex(s => sameSegment(s, segment));
    if (i >= 0 && i + 1 < list.length) return list[i + 1];
    for (const day of this.days.filter(d => d > segment.day)) {
      // A day that cannot be read counts as empty until the next poll re-reads the newest day.
      const later = this.dayIndexes.get(day) || await this.loadDay(day).catch(() => {
        this.dayIndexes.set(day, []);
        return [];
      });
      if (later.length) return later[0];
    }
    return null;
  }

  // ---- moving around

  showDay(day) {
    if (this.viewDay === day) return;
    this.viewDay = day;
    this.ui.day.value = day;
    this.timeline.setSegments(this.dayIndexes.get(day) || []);
  }

  async jumpToNewest() {
    const day = this.newestDay();
    const segments = day && (this.dayIndexes.get(day) || await this.loadDay(day));
    if (segments && segments.length) await this.jump(day, segments.length - 1, 0);
  }

  async jumpToDay(day) {
    try {
      const segments = this.dayIndexes.get(day) || await this.loadDay(day);
      this.showDay(day);
      if (segments.length) await this.jump(day, 0, 0);
    } catch (e) {
      this.indexTrouble(e);
    }
  }

  pick(second) {
    const segments = this.dayIndexes.get(this.viewDay) || [];
    if (!segments.length) return;
    const i = segmentNear(segments, second);
    const s = segments[i];
    this.jump(this.viewDay, i, second >= s.start && second < s.start + s.duration ? second - s.start : 0);
  }

  step(move) {
    const segments = this.dayIndexes.get(this.viewDay) || [];
    if (!segments.length) return;
    if (!Number.isFinite(move)) return this.jump(this.viewDay, move < 0 ? 0 : segments.length - 1, 0);
    if (Math.abs(move) >= 3600) return this.pick(this.playheadSecond() + move);
    const i = Math.max(0, segments.findIndex(s => sameSegment(s, this.current)));
    this.jump(this.viewDay, Math.min(segments.length - 1, Math.max(0, i + move)), 0);
  }

  playheadSecond() {
    return Number(this.ui.timeline.getAttribute('aria-valuenow')) || 0;
  }

  async jump(day, index, offset) {
    const generation = ++this.generation;
    this.showDay(day);
    const segment = (this.dayIndexes.get(day) || [])[index];
    if (segment) await this.startAt(segment, offset, generation);
  }

  /** Starts playback at a segment (and an offset into it), on whichever player this browser can use. */
  async startAt(segment, offset, generation) {
    const mime = mimeFor(segment);
    const useMse = MsePlayer.supports(mime);
    if (!useMse && !BlobPlayer.supports(this.ui.video, mime)) {
      this.showError(isHevc(segment) ? MESSAGES.hevc : MESSAGES.codec(segment.codecs), 'unsupported');
      this.setCurrent(segment, 0);
      return;
    }
    this.pendingSwitch = null;
    this.say(`Opening ${clockText(segment.start)}…`);
    let bytes;
    try {
      bytes = await this.load(segment);
    } catch (e) {
      if (generation !== this.generation) return;
      if (!(e instanceof CryptError)) {
        this.resume = { segment, offset };
        return this.showError(MESSAGES.unreachable, 'unreachable');
      }
      this.refuse(segment);
      const next = await this.nextAfter(segment);
      if (next && generation === this.generation) return this.startAt(next, 0, generation);
      return;
    }
    if (generation !== this.generation) return;
    try {
      if (useMse) {
        this.blob.close();
        this.mode = 'mse';
        this.tail = null;
        await this.mse.open(mime);
        let started = false;
        await this.mse.append(bytes, segment, span => {
          // Play as soon as the wanted moment is in (a long segment goes on loading behind the playhead).
          if (started || generation !== this.generation || span.end < span.start + offset + 1) return;
          started = true;
          this.mse.seekInto(span, offset);
          this.playing(segment, offset);
        });
        if (generation !== this.generation) return;
        if (!started) {
          this.mse.seekInto(this.mse.spans[this.mse.spans.length - 1], offset);
          this.playing(segment, offset);
        }
        this.tail = segment;
      } else {
        this.mse.close();
        this.mode = 'blob';
        await this.blob.show(bytes, segment, offset);
        if (generation !== this.generation) return;
        this.playing(segment, offset);
      }
    } catch (e) {
      if (generation === this.generation && e.message !== 'closed') this.showError(e.message, 'playback');
      return;
    }
    this.feed();
  }

  playing(segment, offset) {
    this.phase = 'playing';
    this.say('');
    this.setCurrent(segment, offset);
    this.ui.video.play().catch(() => this.say('Press play to start.'));
  }

  /** Keeps the MSE buffer ahead of the playhead, or preloads the next segment for the Blob player. */
  async feed() {
    if (this.feeding || !this.key || Date.now() < this.feedRetryAt) return;
    this.feeding = true;
    const generation = this.generation;
    try {
      if (this.mode === 'blob' && this.current) {
        const next = await this.nextAfter(this.current);
        if (next) await this.load(next).catch(() => {});
      }
      while (this.mode === 'mse' && this.tail && generation === this.generation && !this.pendingSwitch &&
        this.mse.secondsAhead() < AHEAD_SECONDS) {
        const next = await this.nextAfter(this.tail);
        if (!next || generation !== this.generation) break;
        if (mimeFor(next) !== this.mse.mime) { this.pendingSwitch = next; break; }
        let bytes;
        try {
          bytes = await this.load(next);
        } catch (e) {
          if (!(e instanceof CryptError)) {
            this.feedRetryAt = Date.now() + POLL_SECONDS * 1000; // the server is away: ask again later, not twice a second
            break;
          }
          if (generation === this.generation) { this.refuse(next); this.tail = next; }
          continue;
        }
        if (generation !== this.generation) break;
        await this.mse.trim(60); // phones have little memory: keep only the last minute behind the playhead
        await this.mse.append(bytes, next);
        this.tail = next;
      }
    } catch (e) {
      if (generation === this.generation && e.message !== 'closed') this.showError(e.message, 'playback');
    } finally {
      this.feeding = false;
    }
  }

  tick() {
    const video = this.ui.video;
    if (this.mode === 'mse' && this.mse.buffer) {
      this.mse.jumpGap();
      const span = this.mse.spanAt(video.currentTime);
      if (span) this.setCurrent(span.segment, video.currentTime - span.start);
      if (this.mse.secondsAhead() < 0.3) {
        if (this.pendingSwitch) this.startAt(this.pendingSwitch, 0, ++this.generation);
        else if (this.phase === 'playing') this.say(this.liveEdgeText());
      }
      this.feed();
    } else if (this.mode === 'blob' && this.blob.segment) {
      this.setCurrent(this.blob.segment, video.currentTime);
    }
  }

  async onEnded() {
    if (this.mode !== 'blob' || !this.current) return;
    const next = await this.nextAfter(this.current);
    if (next) await this.startAt(next, 0, ++this.generation);
    else this.resumeWhenNext = this.current;
    if (!next) this.say(this.liveEdgeText());
  }

  liveEdgeText() {
    const every = this.segmentSeconds ? ` (a new one every ${Math.round(this.segmentSeconds / 60) || 1} min)` : '';
    return `Showing the newest recording; waiting for the next one${every}.`;
  }

  setCurrent(segment, within) {
    if (!sameSegment(segment, this.current)) {
      this.current = segment;
      this.played.push(segment.t);
      this.ui.download.disabled = false;
      this.showDay(segment.day);
    }
    const second = segment.start + Math.max(0, within);
    this.timeline.setPlayhead(second);
    this.ui.clock.textContent = `${dayText(segment.day)} ${clockText(second)} (${segment.offset.slice(0, 3)}:${segment.offset.slice(3)})`;
  }

  // ---- bytes

  async load(segment) {
    const hit = this.cache.get(segment.path);
    if (hit) return hit;
    const bytes = await fetchDecrypted(this.key, segment.path, { expectedSize: segment.size });
    this.cache.set(segment.path, bytes);
    while (this.cache.size > 2) this.cache.delete(this.cache.keys().next().value);
    return bytes;
  }

  refuse(segment) {
    this.refused.push(segment.t);
    this.showError(MESSAGES.tampered(segment), 'tampered');
  }

  async download() {
    const segment = this.current;
    if (!segment) return;
    const name = downloadName(this.camera, segment);
    this.say(`Preparing ${name}…`);
    let bytes;
    try {
      bytes = await this.load(segment);
    } catch (e) {
      if (e instanceof CryptError) this.refuse(segment);
      else this.showError(MESSAGES.unreachable, 'unreachable');
      return;
    }
    const url = URL.createObjectURL(new Blob([bytes], { type: 'video/mp4' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    this.say(`Saved ${name}.`);
  }

  // ---- messages

  say(text) {
    this.ui.status.textContent = text;
  }

  showError(text, code) {
    this.errorCode = code;
    this.ui.error.textContent = text;
    this.ui.error.hidden = false;
  }

  clearError() {
    this.errorCode = null;
    this.ui.error.textContent = '';
    this.ui.error.hidden = true;
  }

  fatal(text, code) {
    this.phase = 'error';
    this.showError(text, code);
    this.ui.controls.hidden = true;
    this.ui.timeline.hidden = true;
  }

  /** What the page shows, for tests and for anyone debugging a link (never the key). */
  state() {
    const v = this.ui.video;
    return {
      phase: this.phase, mode: this.mode, error: this.errorCode, errorText: this.ui.error.textContent,
      status: this.ui.status.textContent, day: this.viewDay, days: this.days,
      current: this.current ? this.current.t : null, currentTime: v.currentTime, paused: v.paused,
      videoWidth: v.videoWidth, videoHeight: v.videoHeight, played: [...this.played], refused: [...this.refused],
    };
  }
}
