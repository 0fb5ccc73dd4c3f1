// The index documents the host publishes beside the page (docs/viewer.md), checked before anything uses them.

const INDEX_FOLDER = 'camshare-index';
const DAYS_OBJECT = `${INDEX_FOLDER}/days.bin`;
const dayObject = day => `${INDEX_FOLDER}/${day}.bin`;

const DAY_PATTERN = /^\d{8}$/;
const TIME_PATTERN = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/;

class IndexError extends Error {}

function check(condition, what) {
  if (!condition) throw new IndexError(`the index is not in the expected form (${what})`);
}

/** days.bin: { v: 1, camera, segmentSeconds, updated, days: ["yyyyMMdd", ...] } */
function parseDaysIndex(doc) {
  check(doc && doc.v === 1, 'version');
  check(typeof doc.camera === 'string', 'camera');
  check(Array.isArray(doc.days) && doc.days.every(d => typeof d === 'string' && DAY_PATTERN.test(d)), 'days');
  return {
    camera: doc.camera,
    segmentSeconds: typeof doc.segmentSeconds === 'number' ? doc.segmentSeconds : 0,
    updated: typeof doc.updated === 'string' ? doc.updated : '',
    days: [...doc.days].sort(),
  };
}

/** <yyyyMMdd>.bin: { v: 1, day, segments: [{ t, d, p, s, c }] } in time order. */
function parseDayIndex(doc, expectedDay) {
  check(doc && doc.v === 1, 'version');
  check(doc.day === expectedDay, 'day');
  check(Array.isArray(doc.segments), 'segments');
  return doc.segments.map((raw, i) => {
    const m = typeof raw.t === 'string' && TIME_PATTERN.exec(raw.t);
    check(m, `segment ${i} time`);
    check(typeof raw.d === 'number' && raw.d > 0, `segment ${i} duration`);
    check(typeof raw.p === 'string' && raw.p.length > 0, `segment ${i} path`);
    check(Number.isInteger(raw.s) && raw.s >= CRYPT_HEADER, `segment ${i} size`);
    check(typeof raw.c === 'string' && /^[\w.,\s-]+$/.test(raw.c), `segment ${i} codecs`);
    return {
      day: expectedDay,
      t: raw.t,
      duration: raw.d,
      path: raw.p,
      size: raw.s,
      codecs: raw.c,
      // Camera-local seconds since midnight: the timeline shows the camera's own clock.
      start: Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]),
      offset: m[7] === 'Z' ? '+0000' : m[7].replace(':', ''),
      stamp: `${m[1]}${m[2]}${m[3]}T${m[4]}${m[5]}${m[6]}`,
    };
  });
}

/** The segment playing at a second of the day, else the next one after it, else the last. */
function segmentNear(segments, second) {
  const at = segments.findIndex(s => s.start + s.duration > second);
  return at >= 0 ? at : segments.length - 1;
}

function mimeFor(segment) {
  return `video/mp4; codecs="${segment.codecs}"`;
}

function isHevc(segment) {
  return /\b(hvc1|hev1)\b/.test(segment.codecs);
}

/** The name a downloaded segment gets: the recorder's own naming, e.g. porch-20240323T102000-0500.mp4. */
function downloadName(camera, segment) {
  return `${camera || 'camera'}-${segment.stamp}${segment.offset}.mp4`;
}
