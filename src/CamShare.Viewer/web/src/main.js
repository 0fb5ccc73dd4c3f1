// Wires the page's elements to the viewer and exposes a small read-only hook (state, decryption benchmark).

const byId = id => document.getElementById(id);
const viewer = new Viewer({
  video: byId('video'), camera: byId('camera'), clock: byId('clock'), status: byId('status'), error: byId('error'),
  controls: byId('controls'), day: byId('day'), live: byId('live'), download: byId('download'),
  timeline: byId('timeline'),
});
window.camshareViewer = Object.freeze({
  state: () => viewer.state(),
  benchmark: (megabytes = 64) => benchmarkDecrypt(megabytes),
});
viewer.start();
