#!/usr/bin/env bash
# Runs every test project of the solution and prints the totals from the TRX results: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
dotnet build CamShare.sln -c Debug -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
# One test project at a time: the camera simulator encodes in real time and must not starve on 2 cores.
# A hung test ends its project after 6 min (named in the log) instead of the whole run.
dotnet test CamShare.sln --no-build -nologo -m:1 --blame-hang-timeout 6m --blame-hang-dump-type none --logger "trx" --results-directory "$results" "$@"
rc=$?
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for f in files:
    for r in ET.parse(f).getroot().iterfind(".//t:UnitTestResult", ns):
        o = r.get("outcome")
        if o == "Passed": passed += 1
        elif o in ("NotExecuted", "Inconclusive"): skipped += 1
        else:
            failed += 1
            print("FAILED:", r.get("testName"))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not files or passed == 0 else 0)
PY
py=$?
[ $rc -eq 0 ] && [ $py -eq 0 ]
