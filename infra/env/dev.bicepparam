// Development: one stamp, smallest settings.
//   az deployment sub create --location westeurope --template-file infra/main.bicep \
//     --parameters infra/env/dev.bicepparam
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'migratehub-dev')
param location = 'westeurope'
param stampRegions = [
  'westeurope'
]
param stampStorageSkuName = 'Standard_LRS'
param directoryStorageSkuName = 'Standard_LRS'
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param logRetentionInDays = 30
param tags = {
  environment: 'development'
}
