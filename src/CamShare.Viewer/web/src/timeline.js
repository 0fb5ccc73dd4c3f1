// The day as a bar of 24 hours: recorded stretches filled, gaps left empty, a playhead. Click or tap a time to
// jump there; with the keyboard, arrows step one recording, Page Up/Down one hour, Home/End the day's ends.

const DAY_SECONDS = 86400;

class Timeline {
  constructor(element, { pick, step }) {
    this.element = element;
    this.runs = element.querySelector('.runs');
    this.playhead = element.querySelector('.playhead');
    this.pick = pick;
    this.step = step;
    this.drawHours(element.querySelector('.hours'));
    element.addEventListener('click', event => {
      const box = element.getBoundingClientRect();
      this.pick(((event.clientX - box.left) / box.width) * DAY_SECONDS);
    });
    element.addEventListener('keydown', event => this.onKey(event));
  }

  drawHours(hours) {
    for (let h = 0; h < 24; h++) {
      const tick = document.createElement('span');
      tick.className = h % 3 === 0 ? 'tick major' : 'tick';
      tick.style.left = `${(h / 24) * 100}%`;
      if (h % 3 === 0) tick.textContent = pad2(h);
      hours.appendChild(tick);
    }
  }

  /** Draws a day's segments, merging neighbours (gap under 2 s) into one stretch. */
  setSegments(segments) {
    this.runs.replaceChildren();
    let run = null;
    const flush = () => {
      if (!run) return;
      const bar = document.createElement('span');
      bar.className = 'run';
      bar.style.left = `${(run.from / DAY_SECONDS) * 100}%`;
      bar.style.width = `${((run.to - run.from) / DAY_SECONDS) * 100}%`;
      bar.title = `${clockText(run.from)} – ${clockText(run.to)}`;
      this.runs.appendChild(bar);
    };
    for (const s of segments) {
      if (run && s.start - run.to < 2) run.to = Math.max(run.to, s.start + s.duration);
      else { flush(); run = { from: s.start, to: s.start + s.duration }; }
    }
    flush();
  }

  setPlayhead(second) {
    const clamped = Math.max(0, Math.min(DAY_SECONDS, second));
    this.playhead.style.left = `${(clamped / DAY_SECONDS) * 100}%`;
    this.element.setAttribute('aria-valuenow', String(Math.floor(clamped)));
    this.element.setAttribute('aria-valuetext', clockText(clamped));
  }

  onKey(event) {
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1, PageDown: -3600, PageUp: 3600,
      Home: -Infinity, End: Infinity };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    this.step(move);
  }
}
