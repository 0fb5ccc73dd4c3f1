# S3 provider tests: npm @20minutes/s3rver 5.0.0 (an S3 server that verifies SigV4 signatures) under
# artifacts/test-tools/s3rver, with two small fixes so that it serves the AWS .NET SDK correctly.
# Needs node and npm (node 20 works although the package declares node >= 24).
# Only asked from apt when missing: node often comes from elsewhere (nodesource, nvm) and conflicts with Debian's npm.
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)

install_s3() {
  local home="artifacts/test-tools/s3rver"
  local pkg="$home/node_modules/@20minutes/s3rver"
  mkdir -p "$home"
  if [ ! -f "$pkg/package.json" ] || ! grep -q '"version": "5.0.0"' "$pkg/package.json"; then
    echo "installing @20minutes/s3rver@5.0.0 into $home"
    [ -f "$home/package.json" ] || printf '{ "name": "camshare-test-s3rver", "private": true }\n' > "$home/package.json"
    (cd "$home" && npm install --no-audit --no-fund --loglevel=error @20minutes/s3rver@5.0.0 >/dev/null)
  fi
  # Each fix is applied once (a marker comment records it) and refuses to guess if the code no longer matches.
  # 1. s3rver drops the trailing "/" of bucket-level paths ("/bucket/") when it rebuilds the SigV4 canonical URI,
  #    but AWSSDK.S3 signs ListObjectsV2/ListMultipartUploads/DeleteObjects that way: 403 SignatureDoesNotMatch.
  # 2. s3rver escapes XML text itself (he.escape) and fast-xml-builder >= 1 escapes it again by default, so a key
  #    "a & b" is listed as "a &amp; b". Turning the builder's own escaping off leaves exactly one escape.
  node - "$pkg/lib" <<'JS'
const fs = require('fs'), path = require('path');
const lib = process.argv[2];
function patch(file, marker, anchor, replacement) {
  const full = path.join(lib, file);
  let text = fs.readFileSync(full, 'utf8');
  if (text.includes(marker)) return;
  if (!text.includes(anchor)) { console.error(`s3rver patch: anchor not found in ${full}`); process.exit(1); }
  fs.writeFileSync(full, text.split(anchor).join(replacement));
  console.log(`s3rver: patched ${file} (${marker})`);
}
const slash = '        canonicalizedResource += `/${ctx.params.key}`\n      }\n';
patch('middleware/authentication.js', 'camshare: keep trailing slash', slash,
  slash.slice(0, -1) + " else if (ctx.path.endsWith('/')) {\n        canonicalizedResource += '/' // camshare: keep trailing slash\n      }\n");
for (const file of ['s3rver.js', 'models/error.js'])
  patch(file, 'camshare: escape once', 'new XMLBuilder({\n',
    'new XMLBuilder({\n        processEntities: false, // camshare: escape once (tagValueProcessor already escapes)\n');
JS
}
