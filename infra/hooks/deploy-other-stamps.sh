#!/bin/sh
# azd postdeploy hook: publishes src/Functions to every stamp except the first (which `azd deploy`
# has just deployed). azd passes the environment's values, including the main.bicep output
# MIGRATEHUB_STAMP_APPS ("resourceGroup/functionAppName ..."), as environment variables.
# Needs: dotnet, az (logged in to the same subscription), zip.
set -eu

apps="${MIGRATEHUB_STAMP_APPS:-}"
if [ -z "$apps" ]; then
  echo "deploy-other-stamps: MIGRATEHUB_STAMP_APPS is not set; run 'azd provision' first." >&2
  exit 1
fi

# shellcheck disable=SC2086 # word splitting is the point: one "rg/app" per word
set -- $apps
if [ "$#" -le 1 ]; then
  echo "deploy-other-stamps: one stamp only; nothing more to deploy."
  exit 0
fi
shift # the first stamp is the one azd deployed

repo_dir="$(cd "$(dirname "$0")/../.." && pwd)"
work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

echo "deploy-other-stamps: publishing src/Functions once for $# more stamp(s)"
dotnet publish "$repo_dir/src/Functions" --configuration Release --output "$work_dir/publish" --nologo
(cd "$work_dir/publish" && zip -qr "$work_dir/api.zip" .)

for app in "$@"; do
  resource_group="${app%%/*}"
  name="${app#*/}"
  echo "deploy-other-stamps: $name (resource group $resource_group)"
  # On Flex Consumption az uses the app's one-deploy endpoint; the package goes to the app's
  # deployment container and the app restarts on it.
  az functionapp deployment source config-zip \
    --subscription "${AZURE_SUBSCRIPTION_ID:?}" \
    --resource-group "$resource_group" --name "$name" --src "$work_dir/api.zip"
done
