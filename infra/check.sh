#!/usr/bin/env bash
# Builds and lints the infrastructure templates offline, the way CI does:
#   bash infra/check.sh
# 1. restores the Bicep CLI from NuGet (tools/Bicep, a restore-only project);
# 2. `bicep build` + `bicep lint` on main.bicep and every module, `bicep build-params` on every
#    .bicepparam file;
# 3. fails on any error, and on any warning not listed in ALLOWED below (each with its reason).
# Compiled output goes to a temporary folder; nothing is written into the tree.
set -euo pipefail

infra_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$infra_dir")"
bicep_project="$repo_dir/tools/Bicep"

# Diagnostics that are accepted, one per line: <file suffix>|<code>|<text in the message>|<reason>.
# A diagnostic is allowed only if all three first fields match; keep this list short.
ALLOWED=(
  "bicep/stamp.bicep|what-if-short-circuiting|Parameter 'principalId'|Role assignments are named guid(scope, principalId, roleId) (house style: the name changes if the identity is recreated, so no stale assignment blocks the new one). A new identity's principal id exists only at deploy time, so what-if cannot predict these names; deployment itself is unaffected."
)

log() { printf '%s\n' "$*" >&2; }

# --- 1. The Bicep CLI -----------------------------------------------------------------------
version="$(sed -n 's:.*<BicepCliVersion>\(.*\)</BicepCliVersion>.*:\1:p' "$bicep_project/Bicep.props")"
[[ -n "$version" ]] || { log "check.sh: no <BicepCliVersion> in tools/Bicep/Bicep.props"; exit 2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid="linux-x64" ;;
  Linux-aarch64) rid="linux-arm64" ;;
  Darwin-x86_64) rid="osx-x64" ;;
  Darwin-arm64) rid="osx-arm64" ;;
  *) log "check.sh: no Bicep CLI package for $(uname -s)-$(uname -m)"; exit 2 ;;
esac

log "check.sh: restoring Bicep CLI $version ($rid) via dotnet restore tools/Bicep"
dotnet restore "$bicep_project" --nologo --verbosity quiet "-p:BicepCliRuntime=$rid" >&2

# NUGET_PACKAGES wins when set; otherwise ask NuGet (honours a globalPackagesFolder in nuget.config).
packages="${NUGET_PACKAGES:-}"
if [[ -z "$packages" ]]; then
  packages="$(dotnet nuget locals global-packages --list 2>/dev/null | sed -n 's/^global-packages: *//p')"
fi
packages="${packages:-$HOME/.nuget/packages}"
bicep="${packages%/}/azure.bicep.commandline.$rid/$version/tools/bicep"
[[ -f "$bicep" ]] || { log "check.sh: Bicep CLI not found at $bicep after restore"; exit 2; }
[[ -x "$bicep" ]] || chmod +x "$bicep"
log "check.sh: $("$bicep" --version)"

# --- 2. Build, lint, build-params -----------------------------------------------------------
out_dir="$(mktemp -d)"
trap 'rm -rf "$out_dir"' EXIT
diagnostics="$out_dir/diagnostics.txt"
: >"$diagnostics"
failed_commands=0

run() { # run <description> <bicep args...>; diagnostics appended, exit code remembered
  local description="$1"; shift
  local output status=0
  output="$("$bicep" "$@" 2>&1 >/dev/null)" || status=$?
  if [[ -n "$output" ]]; then printf '%s\n' "$output" >>"$diagnostics"; fi
  if ((status != 0)); then
    log "FAIL  $description (exit $status)"
    failed_commands=$((failed_commands + 1))
  else
    log "ok    $description"
  fi
}

cd "$infra_dir"
mapfile -t templates < <(find . -name '*.bicep' -not -path './node_modules/*' | sed 's|^\./||' | sort)
mapfile -t param_files < <(find . -name '*.bicepparam' | sed 's|^\./||' | sort)

run "bicep build main.bicep" build main.bicep --outdir "$out_dir"
for template in "${templates[@]}"; do
  run "bicep lint $template" lint "$template"
done

# main.bicepparam reads the azd environment; give it what azd would (a two-region list, so the
# multi-region path is compiled too).
export AZURE_ENV_NAME="${AZURE_ENV_NAME:-check}"
export AZURE_LOCATION="${AZURE_LOCATION:-westeurope}"
export MIGRATEHUB_STAMP_REGIONS="${MIGRATEHUB_STAMP_REGIONS:-westeurope,swedencentral}"
for params in "${param_files[@]}"; do
  run "bicep build-params $params" build-params "$params" --outfile "$out_dir/$(basename "$params").json"
done

# --- 3. Judge the diagnostics ---------------------------------------------------------------
# Lint of main.bicep repeats its modules' diagnostics; judge each distinct line once.
unexpected=0
allowed_seen=0
while IFS= read -r line; do
  [[ -z "$line" ]] && continue
  if [[ ! "$line" =~ :\ (Error|Warning|Info)\ ([A-Za-z0-9-]+): ]]; then
    log "UNEXPECTED OUTPUT  $line"
    unexpected=$((unexpected + 1))
    continue
  fi
  level="${BASH_REMATCH[1]}"
  code="${BASH_REMATCH[2]}"
  [[ "$level" == "Info" ]] && continue
  is_allowed=""
  if [[ "$level" == "Warning" ]]; then
    file="${line%%(*}"
    for entry in "${ALLOWED[@]}"; do
      IFS='|' read -r allowed_file allowed_code allowed_text reason <<<"$entry"
      if [[ "$file" == *"$allowed_file" && "$code" == "$allowed_code" && "$line" == *"$allowed_text"* ]]; then
        is_allowed="$reason"
        break
      fi
    done
  fi
  if [[ -n "$is_allowed" ]]; then
    log "ALLOWED  ${line#"$infra_dir"/}"
    log "         reason: $is_allowed"
    allowed_seen=$((allowed_seen + 1))
  else
    log "$level  ${line#"$infra_dir"/}"
    unexpected=$((unexpected + 1))
  fi
done < <(sort -u "$diagnostics")

log "check.sh: ${#templates[@]} templates, ${#param_files[@]} parameter files;" \
  "$unexpected unexpected diagnostic(s), $allowed_seen allowed, $failed_commands failed command(s)"
if ((unexpected > 0 || failed_commands > 0)); then
  log "check.sh: FAILED"
  exit 1
fi
log "check.sh: passed"
