// Builds dist/view.html: one static page with its CSS and JavaScript inlined, from src/ and the vendored
// @noble/ciphers files. No bundler, no network: the same inputs always give the same bytes (a test checks it).
//   node src/CamShare.Viewer/web/build.mjs [--out FILE]
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const read = (...parts) => readFileSync(join(here, ...parts), 'utf8').replace(/\r\n/g, '\n');

// The vendored files, in dependency order, and their SHA-256 as unpacked from the npm tarball: a changed file
// must be a deliberate update (vendor/noble-ciphers/README.md says how), never a silent edit.
const vendor = { dir: 'vendor/noble-ciphers', files: ['utils.js', '_arx.js', '_poly1305.js', 'salsa.js'] };
const pinned = JSON.parse(read(vendor.dir, 'pins.json'));

// Our own scripts share one strict scope, concatenated in this order (each file is one idea).
const ownScripts = ['format.js', 'crypt.js', 'fetcher.js', 'model.js', 'mse-player.js', 'blob-player.js',
  'timeline.js', 'viewer.js', 'main.js'];

function sha256(text, encoding = 'hex') {
  return createHash('sha256').update(text, 'utf8').digest(encoding);
}

// Turns one ES module of the vendored package into a function in a tiny module table. The package's files use
// only `import { a, b } from "./x.js";` and `export function|const|class name` (checked here, so that an update
// that uses anything else fails loudly instead of building a broken page).
function wrapModule(name, source) {
  const exports = [];
  let body = source.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  body = body.replace(/^import \{([^}]*)\} from "\.\/([\w.]+)";$/gm,
    (_, names, from) => `const {${names}} = __modules[${JSON.stringify(from)}];`);
  body = body.replace(/^export (function|const|class) (\w+)/gm, (_, kind, id) => {
    exports.push(id);
    return `${kind} ${id}`;
  });
  const leftover = body.match(/^\s*(import|export)\b.*$/m);
  if (leftover) throw new Error(`${name}: unsupported module syntax: ${leftover[0]}`);
  return `__modules[${JSON.stringify(name)}] = (() => {\n${body.trim()}\nreturn { ${exports.join(', ')} };\n})();\n`;
}

function vendoredScript() {
  const pkg = JSON.parse(read(vendor.dir, 'package.json'));
  const licence = read(vendor.dir, 'LICENSE').trim();
  let out = `/*! ${pkg.name} ${pkg.version} (vendored, unmodified but for module wrapping)\n${licence}\n*/\n`;
  out += 'const __modules = {};\n';
  for (const file of vendor.files) {
    const source = read(vendor.dir, file);
    if (sha256(source) !== pinned[file]) throw new Error(`${vendor.dir}/${file} differs from its pinned SHA-256`);
    out += wrapModule(file, source);
  }
  return out + 'const { xsalsa20poly1305 } = __modules["salsa.js"];\n';
}

function build() {
  const script = '(() => {\n\'use strict\';\n' + vendoredScript() +
    ownScripts.map(f => `// ---- ${f}\n${read('src', f).trim()}\n`).join('') + '})();\n';
  const style = read('src', 'view.css');
  // Only this page's own inline script and style may run; every fetch and media load stays on this origin.
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(script, 'base64')}'`,
    `style-src 'sha256-${sha256(style, 'base64')}'`,
    "connect-src 'self'",
    "media-src 'self' blob:",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return read('src', 'view.html')
    .replace('@CSP@', () => csp)
    .replace('<style>@STYLE@</style>', () => `<style>${style}</style>`)
    .replace('<script>@SCRIPT@</script>', () => `<script>${script}</script>`);
}

const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : join(here, 'dist', 'view.html');
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, build());
console.log(`wrote ${outFile}`);
