// The global directory: project id -> geography, region, stamp endpoint. A storage account with
// Tables only (the code creates its table on first use); routing facts, no project data.
targetScope = 'resourceGroup'

@description('Region of the directory.')
param location string

@description('Name of the directory storage account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Storage account SKU.')
param storageSkuName string

@description('Tags applied to every resource of the directory.')
param tags { *: string }

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: storageSkuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'
  }
}

@description('Name of the directory storage account.')
output storageAccountName string = storage.name

@description('Table service endpoint of the directory.')
output tableServiceUri string = storage.properties.primaryEndpoints.table
