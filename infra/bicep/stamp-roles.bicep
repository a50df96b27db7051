// Data-plane roles of a stamp's identity on the stamp's own resources, from one role table.
targetScope = 'resourceGroup'

@description('Principal id of the stamp\'s user-assigned identity.')
param principalId string

@description('Storage account of the stamp.')
param storageAccountName string

@description('Service Bus namespace of the stamp.')
param serviceBusNamespaceName string

@description('Application Insights component of the stamp.')
param applicationInsightsName string

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = [
  {
    name: 'Storage Blob Data Owner' // app blobs, durable task hub leases, Flex deployment package
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
    target: 'storage'
  }
  {
    name: 'Storage Queue Data Contributor' // durable task hub control and work-item queues
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
    target: 'storage'
  }
  {
    name: 'Storage Table Data Contributor' // project state, durable task hub history and instances
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
    target: 'storage'
  }
  {
    name: 'Azure Service Bus Data Sender' // upload API sends upload notifications
    id: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
    target: 'serviceBus'
  }
  {
    name: 'Azure Service Bus Data Receiver' // upload consumer
    id: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
    target: 'serviceBus'
  }
  {
    name: 'Monitoring Metrics Publisher' // Application Insights ingestion with Entra ID
    id: '3913510d-42f4-4e42-8a64-420c390055eb'
    target: 'applicationInsights'
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in filter(roles, r => r.target == 'storage'): {
    name: guid(storage.id, principalId, role.id)
    scope: storage
    properties: {
      description: role.name
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
    }
  }
]

resource serviceBusRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in filter(roles, r => r.target == 'serviceBus'): {
    name: guid(serviceBus.id, principalId, role.id)
    scope: serviceBus
    properties: {
      description: role.name
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
    }
  }
]

resource monitoringRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in filter(roles, r => r.target == 'applicationInsights'): {
    name: guid(appInsights.id, principalId, role.id)
    scope: appInsights
    properties: {
      description: role.name
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
    }
  }
]
