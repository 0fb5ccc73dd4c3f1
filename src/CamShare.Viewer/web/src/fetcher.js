// Every request goes to this page's own folder on its own origin. The key lives only in the page (the URL
// fragment is never sent); what travels is ciphertext.

const PAGE_FOLDER = new URL('.', location.href);

class FetchError extends Error {
  constructor(status, path) {
    super(status ? `HTTP ${status} for ${path}` : `no answer for ${path}`);
    this.status = status;
  }
}

/** A path relative to the camera folder, each segment URL-encoded; anything that could leave the folder is refused. */
function objectUrl(relativePath) {
  const parts = relativePath.split('/');
  if (parts.some(p => p === '' || p === '.' || p === '..')) throw new Error(`refusing path ${relativePath}`);
  return new URL(parts.map(encodeURIComponent).join('/'), PAGE_FOLDER);
}

async function fetchStored(relativePath, { expectedSize, fresh } = {}) {
  let response;
  try {
    response = await fetch(objectUrl(relativePath), {
      cache: fresh ? 'no-store' : 'default', credentials: 'same-origin', referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new FetchError(0, relativePath);
  }
  if (!response.ok) throw new FetchError(response.status, relativePath);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // rclone's format has no end marker: a copy cut at a block boundary would still open, so the size decides.
  if (expectedSize !== undefined && bytes.length !== expectedSize)
    throw new CryptError('format', `${relativePath} has ${bytes.length} bytes, the index says ${expectedSize}`);
  return bytes;
}

async function fetchDecrypted(key, relativePath, options) {
  return decryptRclone(key, await fetchStored(relativePath, options));
}

async function fetchJson(key, relativePath) {
  const plain = await fetchDecrypted(key, relativePath, { fresh: true });
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
}
