// Lets every stamp's identity read and write the directory's tables.
targetScope = 'resourceGroup'

@description('Name of the directory storage account.')
param storageAccountName string

@description('Principal ids of the stamps\' user-assigned identities.')
param principalIds string[]

var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource tableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in principalIds: {
    name: guid(storage.id, principalId, storageTableDataContributor)
    scope: storage
    properties: {
      description: 'Storage Table Data Contributor: MigrateHub stamp reads and writes the directory'
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    }
  }
]
