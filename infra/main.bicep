// MigrateHub: the global directory plus one regional stamp per region in `stampRegions`.
// Deployed by `azd up` (main.bicepparam) or `az deployment sub create` (env/*.bicepparam).
targetScope = 'subscription'

import { stampInfo, stampNameOverrides } from 'bicep/types.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd environment name); part of every generated name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Primary region: the directory lives here and it is the region azd reports.')
param location string

@minLength(1)
@description('Regions that get a stamp; the first one is the stamp `azd deploy` publishes to first. Add a region here to add a stamp.')
param stampRegions string[] = [
  location
]

@description('Extra tags for every resource (azd-env-name is always added).')
param tags { *: string } = {}

@description('Durable task hub name used by every stamp: 3-45 characters, letters and digits only, starting with a letter.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'MigrateHub'

@description('SKU of each stamp\'s storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param stampStorageSkuName string = 'Standard_LRS'

@description('SKU of the directory storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param directoryStorageSkuName string = 'Standard_LRS'

@description('Maximum number of Flex Consumption instances per stamp.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per Flex Consumption instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps each stamp\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Settings of every Service Bus queue (dead-lettering, lock, duplicate detection).')
param queueSettings {
  @minValue(1)
  @maxValue(2000)
  maxDeliveryCount: int
  lockDuration: string
  defaultMessageTimeToLive: string
  duplicateDetectionHistoryTimeWindow: string
} = {
  maxDeliveryCount: 10
  lockDuration: 'PT1M'
  defaultMessageTimeToLive: 'P14D'
  duplicateDetectionHistoryTimeWindow: 'PT10M'
}

@description('Name of the directory resource group; empty for the generated name.')
param directoryResourceGroupName string = ''

@description('Name of the directory storage account; empty for the generated name.')
param directoryStorageAccountName string = ''

@description('Per-region name overrides, keyed by region, for example { westeurope: { functionAppName: \'func-contoso-weu\' } }.')
param stampNames { *: stampNameOverrides } = {}

var abbrs = loadJsonContent('abbreviations.json')

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var commonTags = union(tags, { 'azd-env-name': environmentName })

var directoryStorageName = empty(directoryStorageAccountName)
  ? '${abbrs.storageStorageAccounts}dir${resourceToken}'
  : directoryStorageAccountName

// One token per stamp region, so that every region's names are unique and stable.
var stampTokens = [for region in stampRegions: toLower(uniqueString(subscription().id, environmentName, region))]

var stampResourceGroupNames = [
  for (region, i) in stampRegions: stampNames[?region].?resourceGroupName ?? '${abbrs.resourcesResourceGroups}${environmentName}-${region}'
]

var stampResources = [
  for (region, i) in stampRegions: {
    identityName: stampNames[?region].?identityName ?? '${abbrs.managedIdentityUserAssignedIdentities}${stampTokens[i]}'
    storageAccountName: stampNames[?region].?storageAccountName ?? '${abbrs.storageStorageAccounts}${stampTokens[i]}'
    serviceBusNamespaceName: stampNames[?region].?serviceBusNamespaceName ?? '${abbrs.serviceBusNamespaces}${stampTokens[i]}'
    logAnalyticsWorkspaceName: stampNames[?region].?logAnalyticsWorkspaceName ?? '${abbrs.operationalInsightsWorkspaces}${stampTokens[i]}'
    applicationInsightsName: stampNames[?region].?applicationInsightsName ?? '${abbrs.insightsComponents}${stampTokens[i]}'
    appServicePlanName: stampNames[?region].?appServicePlanName ?? '${abbrs.webServerFarms}${stampTokens[i]}'
    functionAppName: stampNames[?region].?functionAppName ?? '${abbrs.webSitesFunctions}${stampTokens[i]}'
  }
]

// ---------------------------------------------------------------------------------------------
// Directory (global routing table).
// ---------------------------------------------------------------------------------------------
resource directoryGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: empty(directoryResourceGroupName)
    ? '${abbrs.resourcesResourceGroups}${environmentName}-directory'
    : directoryResourceGroupName
  location: location
  tags: union(commonTags, { 'migratehub-role': 'directory' })
}

module directory 'bicep/directory.bicep' = {
  name: 'directory'
  scope: directoryGroup
  params: {
    location: location
    storageAccountName: directoryStorageName
    storageSkuName: directoryStorageSkuName
    tags: union(commonTags, { 'migratehub-role': 'directory' })
  }
}

// ---------------------------------------------------------------------------------------------
// Regional stamps, one resource group each.
// ---------------------------------------------------------------------------------------------
resource stampGroups 'Microsoft.Resources/resourceGroups@2025-04-01' = [
  for (region, i) in stampRegions: {
    name: stampResourceGroupNames[i]
    location: region
    tags: union(commonTags, { 'migratehub-role': 'stamp', 'migratehub-region': region })
  }
]

module stamps 'bicep/stamp.bicep' = [
  for (region, i) in stampRegions: {
    name: 'stamp-${region}'
    scope: stampGroups[i]
    params: {
      location: region
      names: stampResources[i]
      tags: union(commonTags, { 'migratehub-role': 'stamp', 'migratehub-region': region })
      taskHubName: taskHubName
      directoryTableServiceUri: directory.outputs.tableServiceUri
      storageSkuName: stampStorageSkuName
      maximumInstanceCount: maximumInstanceCount
      instanceMemoryMB: instanceMemoryMB
      logRetentionInDays: logRetentionInDays
      queueSettings: queueSettings
    }
  }
]

module directoryAccess 'bicep/directory-access.bicep' = {
  name: 'directory-access'
  scope: directoryGroup
  params: {
    // A name known before deployment (not the module output) keeps what-if predictions precise.
    storageAccountName: directoryStorageName
    principalIds: [for (region, i) in stampRegions: stamps[i].outputs.identityPrincipalId]
  }
  // Runs after the directory: the stamps it waits for take the directory's endpoint.
}

// Outputs become azd environment values (.azure/<env>/.env). Endpoints and names only.
@description('Primary region.')
output AZURE_LOCATION string = location

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group azd deploys the `api` service to: the first stamp\'s.')
output AZURE_RESOURCE_GROUP string = stampGroups[0].name

@description('Function App of the first stamp.')
output AZURE_FUNCTION_APP_NAME string = stamps[0].outputs.functionAppName

@description('Resource group of the directory.')
output MIGRATEHUB_DIRECTORY_RESOURCE_GROUP string = directoryGroup.name

@description('Table service endpoint of the directory.')
output MIGRATEHUB_DIRECTORY_TABLE_SERVICE_URI string = directory.outputs.tableServiceUri

@description('Every stamp as "resourceGroup/functionAppName", space-separated (read by infra/hooks/deploy-other-stamps.sh).')
output MIGRATEHUB_STAMP_APPS string = join(
  map(range(0, length(stampRegions)), i => '${stampResourceGroupNames[i]}/${stampResources[i].functionAppName}'),
  ' '
)

@description('Every stamp: region, resource group, Function App name and host name.')
output MIGRATEHUB_STAMPS stampInfo[] = [
  for (region, i) in stampRegions: {
    region: region
    resourceGroup: stampGroups[i].name
    functionAppName: stamps[i].outputs.functionAppName
    hostName: stamps[i].outputs.functionAppHostName
  }
]
