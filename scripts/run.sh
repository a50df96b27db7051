#!/usr/bin/env bash
# The main job: MigrateHub on its local stand-ins for Azure, with the appliance simulator pushing a
# sample estate (the 131-VM RVTools export in samples/inventory, a month of performance drawn from
# real utilisation traces, software and dependencies) through discovery, then an assessment of the
# whole estate, then the migration of a few servers (enable replication, initial replication, delta
# cycles, test migration, cleanup, cutover with source shutdown, complete) with the simulator
# answering the replication work items, in compressed time (1 hour of the replication schedule = 2 s),
# with progress shown and a summary. The hub stays up afterwards with its URLs; Ctrl+C stops it.
#
# Environment: PORT (7071), PROJECT (contoso), GEOGRAPHY (Europe), TARGET_REGION (westeurope),
# MIGRATE_SERVERS (5; 0 skips the migration), MIGRATEHUB_FUNCTION_KEY (local-dev-key).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-7071}"
PROJECT="${PROJECT:-contoso}"
GEOGRAPHY="${GEOGRAPHY:-Europe}"
TARGET_REGION="${TARGET_REGION:-westeurope}"
MIGRATE_SERVERS="${MIGRATE_SERVERS:-5}"
KEY="${MIGRATEHUB_FUNCTION_KEY:-local-dev-key}"
HUB="http://127.0.0.1:${PORT}"
ESTATE="samples/inventory/BillSampleNextRvtoolsFinal.xlsx"
SUBSCRIPTION="5f1c3b2a-0000-4000-8000-00000000a001"   # any GUID: the local ARM endpoint serves every subscription
TARGET_RG="rg-${PROJECT}-migrated"

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
credential="$(mktemp -u)"   # the appliance credential, kept by the simulator for its migration run
# Migration durations compressed 1800x: the delta schedule's 1 h..12 h bounds become 2 s..24 s, the 24 h report
# timeout 48 s; the stored report of a work item in flight is read every 5 s.
MIGRATEHUB_FUNCTION_KEY="$KEY" \
MigrateHub__Migration__MinimumCycleInterval=00:00:02 MigrateHub__Migration__MaximumCycleInterval=00:00:24 \
MigrateHub__Migration__ReportTimeout=00:00:48 MigrateHub__Migration__ReportPollInterval=00:00:05 \
  dotnet run --no-build --project src/DevHost -- --port "$PORT" >"$log" 2>&1 &
hub=$!
trap 'kill "$hub" 2>/dev/null || true; wait "$hub" 2>/dev/null || true; rm -f "$log" "$credential"' EXIT
trap 'exit 130' INT TERM
until grep -q "listening" "$log"; do
  kill -0 "$hub" 2>/dev/null || { cat "$log"; echo "The hub did not start." >&2; exit 1; }
  sleep 1
done
cat "$log"

step "Discovery: the appliance simulator registers to project '${PROJECT}' (${GEOGRAPHY}) and uploads ${ESTATE}"
dotnet run --no-build --project tools/Appliance -- --hub "${HUB}/" --key "$KEY" --project "$PROJECT" \
  --geography "$GEOGRAPHY" --rvtools "$ESTATE" --perf-days 30 --once --credential-file "$credential"

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

if [ "$MIGRATE_SERVERS" -gt 0 ]; then
  step "Migration: ${MIGRATE_SERVERS} servers to ${TARGET_RG} (${TARGET_REGION}), the appliance simulator answering the replication work items"
  arm="$(sed -n 's/^ *arm: *\(https:[^ ]*\).*/\1/p' "$log" | head -1)"
  arm="${arm%/}"
  # The target resource group and virtual network, in the local ARM-compatible endpoint (self-signed certificate on 127.0.0.1).
  armcall() { curl -sS -k -H 'Authorization: Bearer local' -H 'content-type: application/json' "$@"; }
  armcall -X PUT "${arm}/subscriptions/${SUBSCRIPTION}/resourcegroups/${TARGET_RG}?api-version=2021-04-01" \
    -d "{ \"location\": \"${TARGET_REGION}\" }" -o /dev/null
  vnet="/subscriptions/${SUBSCRIPTION}/resourceGroups/${TARGET_RG}/providers/Microsoft.Network/virtualNetworks/vnet-target"
  operation="$(armcall -X PUT "${arm}${vnet}?api-version=2023-04-01" -D - -o /dev/null -d "{ \"location\": \"${TARGET_REGION}\",
    \"properties\": { \"addressSpace\": { \"addressPrefixes\": [\"10.10.0.0/16\"] },
                    \"subnets\": [ { \"name\": \"default\", \"properties\": { \"addressPrefix\": \"10.10.0.0/20\" } } ] } }" \
    | tr -d '\r' | sed -n 's/^[Aa]zure-[Aa]sync[Oo]peration: *//p')"
  [ -z "$operation" ] || armcall "$operation" -o /dev/null
  echo "  target: ${vnet} (subnet default)"
  dotnet run --no-build --project tools/Appliance -- migrate --hub "${HUB}/" --key "$KEY" --project "$PROJECT" \
    --credential-file "$credential" --rvtools "$ESTATE" --servers "$MIGRATE_SERVERS" \
    --resource-group "$TARGET_RG" --target-region "$TARGET_REGION" --vnet-id "$vnet" --subnet default \
    --speedup 1800 --poll-seconds 0.5 --heartbeat-seconds 10 --arm "$arm"
fi

step "The hub keeps running"
cat <<EOF
  API          ${HUB}/api/projects/${PROJECT}            (header x-functions-key: ${KEY})
  servers      ${HUB}/api/projects/${PROJECT}/servers
  assessment   ${HUB}/api/projects/${PROJECT}/groups/all/assessments/${TARGET_REGION}
  migration    ${HUB}/api/projects/${PROJECT}/migrationItems
  durable API  ${HUB}/runtime/webhooks/durabletask/instances/{instanceId}
  ARM (local)  ${arm:-(none)}/subscriptions/${SUBSCRIPTION}/resourceGroups/${TARGET_RG}/resources?api-version=2021-04-01
Press Ctrl+C to stop.
EOF
wait "$hub"
