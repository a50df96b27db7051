#!/usr/bin/env bash
# Runs every test of the solution. The tests start the local stand-ins they need themselves
# (one Azurite per region, the Service Bus- and ARM-compatible endpoints), installing the pinned
# Azurite with `npm ci` on first use. Extra arguments go to `dotnet test` (e.g. --no-build).
set -euo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund

status=0
dotnet test Serverless.sln --logger "trx" --results-directory "$results" "$@" || status=$?

# One closing line over all test assemblies, from the TRX result files.
python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
