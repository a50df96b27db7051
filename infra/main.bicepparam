// Parameters for `azd up` / `azd provision`: azd sets AZURE_ENV_NAME and AZURE_LOCATION.
// One stamp in AZURE_LOCATION unless MIGRATEHUB_STAMP_REGIONS lists several, comma-separated:
//   azd env set MIGRATEHUB_STAMP_REGIONS "westeurope,swedencentral"
// (for fixed environments without azd, see env/dev.bicepparam and env/prod.bicepparam).
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param stampRegions = map(
  split(readEnvironmentVariable('MIGRATEHUB_STAMP_REGIONS', readEnvironmentVariable('AZURE_LOCATION')), ','),
  region => toLower(trim(region))
)
