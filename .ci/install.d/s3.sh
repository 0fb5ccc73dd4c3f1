# S3 provider tests: npm @20minutes/s3rver 5.0.0 (an S3 server that verifies SigV4 signatures) under
# artifacts/test-tools/s3rver, with a 2-line fix so it accepts the AWS .NET SDK's bucket-level requests.
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
  # s3rver 5 drops the trailing "/" of bucket-level paths ("/bucket/") when it rebuilds the SigV4 canonical
  # URI, but AWSSDK.S3 signs ListObjectsV2/ListMultipartUploads/DeleteObjects that way: every such call would
  # fail with 403 SignatureDoesNotMatch. Applied once; refuses to guess if the file no longer looks as expected.
  node - "$pkg/lib/middleware/authentication.js" <<'JS'
const fs = require('fs');
const file = process.argv[2];
let text = fs.readFileSync(file, 'utf8');
const marker = 'camshare: keep trailing slash';
if (text.includes(marker)) process.exit(0);
const anchor = '        canonicalizedResource += `/${ctx.params.key}`\n      }\n';
if (!text.includes(anchor)) { console.error(`s3rver patch: anchor not found in ${file}`); process.exit(1); }
text = text.replace(anchor, anchor.slice(0, -1) +
  " else if (ctx.path.endsWith('/')) {\n        canonicalizedResource += '/' // " + marker + "\n      }\n");
fs.writeFileSync(file, text);
console.log('s3rver: applied the trailing-slash signature patch');
JS
}
