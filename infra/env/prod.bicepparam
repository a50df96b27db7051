// Production-like: the directory in westeurope, stamps in two European regions and one US region
// (projects stay in the geography they were created for). Zone-redundant stamp storage,
// geo-redundant directory, longer log retention, room to scale out.
//   az deployment sub create --location westeurope --template-file infra/main.bicep \
//     --parameters infra/env/prod.bicepparam
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'migratehub-prod')
param location = 'westeurope'
param stampRegions = [
  'westeurope'
  'swedencentral'
  'eastus2'
]
param stampStorageSkuName = 'Standard_ZRS'
param directoryStorageSkuName = 'Standard_RAGZRS'
param maximumInstanceCount = 200
param instanceMemoryMB = 2048
param logRetentionInDays = 90
param queueSettings = {
  maxDeliveryCount: 10
  lockDuration: 'PT2M'
  defaultMessageTimeToLive: 'P14D'
  duplicateDetectionHistoryTimeWindow: 'PT30M'
}
param tags = {
  environment: 'production'
}
