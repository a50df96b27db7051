#!/usr/bin/env bash
# The main job: MigrateHub on its local stand-ins for Azure, with the appliance simulator pushing a
# sample estate (the 131-VM RVTools export in samples/inventory, a month of performance drawn from
# real utilisation traces, software and dependencies) through discovery, then an assessment of the
# whole estate, with progress shown. The hub stays up afterwards with its URLs; Ctrl+C stops it.
#
# Environment: PORT (7071), PROJECT (contoso), GEOGRAPHY (Europe), TARGET_REGION (westeurope),
# MIGRATEHUB_FUNCTION_KEY (local-dev-key).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-7071}"
PROJECT="${PROJECT:-contoso}"
GEOGRAPHY="${GEOGRAPHY:-Europe}"
TARGET_REGION="${TARGET_REGION:-westeurope}"
KEY="${MIGRATEHUB_FUNCTION_KEY:-local-dev-key}"
HUB="http://127.0.0.1:${PORT}"
ESTATE="samples/inventory/BillSampleNextRvtoolsFinal.xlsx"

# Reads a JSON document on stdin and prints the value at a JavaScript path such as '.summary.machines'.
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=eval("(JSON.parse(s))"+process.argv[1]);console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }
api() { curl -sS -H "x-functions-key: ${KEY}" -H 'content-type: application/json' "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund

step "Building the hub and the appliance simulator"
dotnet build src/DevHost -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
dotnet build tools/Appliance -nologo -v quiet -clp:"ErrorsOnly;NoSummary"

step "Starting the hub (DevHost: the Function App's triggers and orchestrations on local stand-ins)"
log="$(mktemp)"
MIGRATEHUB_FUNCTION_KEY="$KEY" dotnet run --no-build --project src/DevHost -- --port "$PORT" >"$log" 2>&1 &
hub=$!
trap 'kill "$hub" 2>/dev/null || true; wait "$hub" 2>/dev/null || true; rm -f "$log"' EXIT
trap 'exit 130' INT TERM
until grep -q "listening" "$log"; do
  kill -0 "$hub" 2>/dev/null || { cat "$log"; echo "The hub did not start." >&2; exit 1; }
  sleep 1
done
cat "$log"

step "Discovery: the appliance simulator registers to project '${PROJECT}' (${GEOGRAPHY}) and uploads ${ESTATE}"
dotnet run --no-build --project tools/Appliance -- --hub "${HUB}/" --key "$KEY" --project "$PROJECT" \
  --geography "$GEOGRAPHY" --rvtools "$ESTATE" --perf-days 30 --once

servers="$(api "${HUB}/api/projects/${PROJECT}/servers?pageSize=1000" | json '.value.length')"
echo "Servers visible through the API: ${servers}"

step "Assessment: every discovered server, sized for ${TARGET_REGION} on performance (95th percentile, comfort 1.3)"
api -X PUT "${HUB}/api/projects/${PROJECT}/groups/all" -d '{ "filter": {} }' -o /dev/null
status_url="$(api -X PUT "${HUB}/api/projects/${PROJECT}/groups/all/assessments/${TARGET_REGION}" \
  -d "{ \"targetRegion\": \"${TARGET_REGION}\" }" | json '.links.statusQueryGetUri')"
while :; do
  status="$(api "$status_url")"
  runtime="$(echo "$status" | json '.runtimeStatus')"
  printf '  orchestration %-10s %s\n' "$runtime" "$(echo "$status" | json '.customStatus')"
  [[ "$runtime" == "Running" || "$runtime" == "Pending" ]] || break
  sleep 2
done
assessment="$(api "${HUB}/api/projects/${PROJECT}/groups/all/assessments/${TARGET_REGION}")"
echo "  machines:   $(echo "$assessment" | json '.summary.machines')"
echo "  readiness:  $(echo "$assessment" | json '.summary.readiness')"
echo "  confidence: $(echo "$assessment" | json '.summary.confidence')"
echo "  monthly:    compute $(echo "$assessment" | json '.summary.monthlyComputeCost.toFixed(2)') + storage $(echo "$assessment" | json '.summary.monthlyStorageCost.toFixed(2)') $(echo "$assessment" | json '.summary.currency') (unknown cost: $(echo "$assessment" | json '.summary.machinesWithUnknownCost') machines)"
report="${TMPDIR:-/tmp}/${PROJECT}-${TARGET_REGION}-assessment.xlsx"
api -o "$report" "${HUB}/api/projects/${PROJECT}/groups/all/assessments/${TARGET_REGION}/report?format=xlsx"
echo "  report:     ${report}"

step "The hub keeps running"
cat <<EOF
  API          ${HUB}/api/projects/${PROJECT}            (header x-functions-key: ${KEY})
  servers      ${HUB}/api/projects/${PROJECT}/servers
  assessment   ${HUB}/api/projects/${PROJECT}/groups/all/assessments/${TARGET_REGION}
  durable API  ${HUB}/runtime/webhooks/durabletask/instances/{instanceId}
Press Ctrl+C to stop.
EOF
wait "$hub"
