// Where Media Source Extensions are missing (older iPhones) or refuse the codec, each decrypted segment becomes
// a Blob URL of its own; the viewer loads the next one when this one ends.

class BlobPlayer {
  static supports(video, mime) {
    return video.canPlayType(mime) !== '';
  }

  constructor(video) {
    this.video = video;
    this.url = null;
    this.segment = null;
  }

  async show(bytes, segment, offset) {
    this.close();
    this.url = URL.createObjectURL(new Blob([bytes], { type: 'video/mp4' }));
    this.segment = segment;
    await new Promise((resolve, reject) => {
      this.video.addEventListener('loadedmetadata', resolve, { once: true });
      this.video.addEventListener('error', () => reject(new Error('the browser could not play this recording')), { once: true });
      this.video.src = this.url;
    });
    if (offset > 0) this.video.currentTime = offset;
  }

  close() {
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.segment = null;
  }
}
