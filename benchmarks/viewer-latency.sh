#!/bin/sh
# Event → visible latency of the private viewer on loopback (a report, not a test): a real RTSP camera, the
# engine with encryption + viewer, `camshare serve`, headless chromium on the share link. Prints a table per
# segment length; also written to artifacts/benchmarks/viewer-latency.md.
set -eu
cd "$(dirname "$0")/.."
dotnet build tests/CamShare.ViewerHost.Tests -v q >/dev/null
rm -f artifacts/benchmarks/viewer-latency.md
CAMSHARE_VIEWER_LATENCY=1 dotnet test tests/CamShare.ViewerHost.Tests --no-build --filter "FullyQualifiedName~ViewerLatencyReport" >/dev/null || true
cat artifacts/benchmarks/viewer-latency.md
