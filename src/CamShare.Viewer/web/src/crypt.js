// rclone's crypt file format: "RCLONE\0\0", a 24-byte nonce, then 64 KiB plaintext blocks each sealed with NaCl
// secretbox (XSalsa20-Poly1305, the 16-byte tag first); the nonce is a little-endian counter, +1 per block.

const CRYPT_MAGIC = [0x52, 0x43, 0x4c, 0x4f, 0x4e, 0x45, 0x00, 0x00];
const CRYPT_HEADER = 32;
const CRYPT_TAG = 16;
const CRYPT_BLOCK = 65536;
const CRYPT_SEALED = CRYPT_BLOCK + CRYPT_TAG;

/** kind 'format': not an rclone crypt file, or cut short; kind 'auth': a block failed authentication. */
class CryptError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

function incrementNonce(nonce) {
  for (let i = 0; i < nonce.length; i++) {
    nonce[i] = (nonce[i] + 1) & 0xff;
    if (nonce[i] !== 0) return;
  }
}

/** Decrypts a whole stored object; throws CryptError. Nothing is returned unless every block authenticated. */
function decryptRclone(key, stored) {
  if (stored.length < CRYPT_HEADER || CRYPT_MAGIC.some((b, i) => stored[i] !== b))
    throw new CryptError('format', 'not an rclone crypt file');
  const body = stored.length - CRYPT_HEADER;
  const lastSealed = body % CRYPT_SEALED;
  if (lastSealed !== 0 && lastSealed <= CRYPT_TAG) throw new CryptError('format', 'the last block is cut short');
  const plain = new Uint8Array(Math.floor(body / CRYPT_SEALED) * CRYPT_BLOCK + (lastSealed ? lastSealed - CRYPT_TAG : 0));
  const nonce = stored.slice(8, CRYPT_HEADER);
  const scratch = new Uint8Array(CRYPT_SEALED + 32); // noble decrypts into sealed length + 32 bytes
  for (let offset = CRYPT_HEADER, written = 0, block = 0; offset < stored.length; block++) {
    const sealed = stored.subarray(offset, Math.min(offset + CRYPT_SEALED, stored.length));
    const output = sealed.length === CRYPT_SEALED ? scratch : new Uint8Array(sealed.length + 32);
    let opened;
    try {
      opened = xsalsa20poly1305(key, nonce).decrypt(sealed, output);
    } catch {
      throw new CryptError('auth', `block ${block} failed authentication`);
    }
    plain.set(opened, written);
    written += opened.length;
    offset += sealed.length;
    incrementNonce(nonce);
  }
  return plain;
}

/** The same format the other way (for the benchmark and self-checks; the host encrypts real objects). */
function encryptRclone(key, plain, nonce) {
  const sealedLength = CRYPT_HEADER + plain.length + CRYPT_TAG * Math.ceil(plain.length / CRYPT_BLOCK);
  const stored = new Uint8Array(sealedLength);
  stored.set(CRYPT_MAGIC, 0);
  stored.set(nonce, 8);
  const counter = nonce.slice();
  for (let offset = 0, out = CRYPT_HEADER; offset < plain.length; offset += CRYPT_BLOCK) {
    const sealed = xsalsa20poly1305(key, counter).encrypt(plain.subarray(offset, offset + CRYPT_BLOCK));
    stored.set(sealed, out);
    out += sealed.length;
    incrementNonce(counter);
  }
  return stored;
}

/** Decryption speed on this device, in MB/s (1 MB = 2^20 bytes): camshareViewer.benchmark(64). */
function benchmarkDecrypt(megabytes) {
  const key = new Uint8Array(32).map((_, i) => i * 7 + 1);
  const plain = new Uint8Array(megabytes * 1048576).map((_, i) => i & 0xff);
  const stored = encryptRclone(key, plain, new Uint8Array(24).fill(0xfe));
  const started = performance.now();
  const opened = decryptRclone(key, stored);
  const milliseconds = performance.now() - started;
  if (opened.length !== plain.length || opened[plain.length - 1] !== plain[plain.length - 1])
    throw new Error('benchmark round trip failed');
  return { megabytes, milliseconds, megabytesPerSecond: megabytes / (milliseconds / 1000) };
}
