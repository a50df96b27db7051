// A regional stamp: everything one Azure region needs to host MigrateHub projects.
// Function App (Flex Consumption, .NET 10 isolated) + its storage account (Tables, Blobs, the
// durable task hub's queues) + a Service Bus namespace (appliance upload queue) + monitoring, all
// in one region, reached only through one user-assigned identity (no keys anywhere).
targetScope = 'resourceGroup'

import { stampResourceNames } from 'types.bicep'

@description('Region of the stamp; every resource of the stamp is created there.')
param location string

@description('Names of the stamp\'s resources (computed and overridable in main.bicep).')
param names stampResourceNames

@description('Tags applied to every resource of the stamp.')
param tags { *: string }

@description('Durable task hub name: 3-45 characters, letters and digits only, starting with a letter.')
@minLength(3)
@maxLength(45)
param taskHubName string

@description('Table service endpoint of the global directory storage account.')
param directoryTableServiceUri string

@description('Storage account SKU (for example Standard_LRS for development, Standard_ZRS for production).')
param storageSkuName string

@description('Maximum number of Flex Consumption instances the app can scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per Flex Consumption instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Days Log Analytics keeps the stamp\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int

@description('How long an appliance may stay silent before the health timer marks it unhealthy (TimeSpan, hh:mm:ss).')
param applianceUnhealthyAfter string = '00:30:00'

@description('Service Bus queue settings shared by every queue of the stamp.')
param queueSettings {
  @description('Deliveries before a message is dead-lettered (poison message).')
  maxDeliveryCount: int
  @description('Peek-lock duration (ISO 8601, at most PT5M).')
  lockDuration: string
  @description('Time to live of a message (ISO 8601); expired messages are dead-lettered.')
  defaultMessageTimeToLive: string
  @description('Window in which a message with the same MessageId is discarded (ISO 8601).')
  duplicateDetectionHistoryTimeWindow: string
}

// Service Bus queues and blob containers the app uses: keep in step with
// src/Shared/Configuration/ResourceNames.cs (tests/MigrateHub.Infra.Tests checks it).
var serviceBusQueueNames = [
  'uploads'
]
var blobContainerNames = [
  'uploads'
  'exports'
]

// Flex Consumption pulls the app package from this container, with the app's identity.
var deploymentContainerName = 'app-package-${toLower(take(names.functionAppName, 50))}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.identityName
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------
// Storage: project state (Tables), raw uploads and exports (Blobs), durable task hub (Queues,
// Tables, Blobs), Flex Consumption deployment package (Blobs). Entra ID only.
// ---------------------------------------------------------------------------------------------
resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: names.storageAccountName
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

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      deleteRetentionPolicy: {
        enabled: true
        days: 7
      }
      containerDeleteRetentionPolicy: {
        enabled: true
        days: 7
      }
    }

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }

    resource appContainers 'containers' = [
      for containerName in blobContainerNames: {
        name: containerName
        properties: {
          publicAccess: 'None'
        }
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Service Bus: appliance upload notifications. Entra ID only; poison messages are dead-lettered
// after maxDeliveryCount deliveries, expired ones too; duplicate sends (same MessageId) dropped.
// ---------------------------------------------------------------------------------------------
resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: names.serviceBusNamespaceName
  location: location
  tags: tags
  sku: {
    // Standard: the lowest tier with duplicate detection.
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }

  resource queues 'queues' = [
    for queueName in serviceBusQueueNames: {
      name: queueName
      properties: {
        maxDeliveryCount: queueSettings.maxDeliveryCount
        lockDuration: queueSettings.lockDuration
        defaultMessageTimeToLive: queueSettings.defaultMessageTimeToLive
        deadLetteringOnMessageExpiration: true
        requiresDuplicateDetection: true
        duplicateDetectionHistoryTimeWindow: queueSettings.duplicateDetectionHistoryTimeWindow
        requiresSession: false
        enableBatchedOperations: true
        maxSizeInMegabytes: 1024
      }
    }
  ]
}

// ---------------------------------------------------------------------------------------------
// Monitoring: workspace-based Application Insights, Entra ID ingestion only.
// ---------------------------------------------------------------------------------------------
resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: names.logAnalyticsWorkspaceName
  location: location
  tags: tags
  properties: {
    retentionInDays: logRetentionInDays
    sku: {
      name: 'PerGB2018'
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

// ---------------------------------------------------------------------------------------------
// Role assignments for the identity (in a module so that each assignment can be named
// guid(scope, principalId, roleId) with the principal id known when the module starts).
// ---------------------------------------------------------------------------------------------
module roles 'stamp-roles.bicep' = {
  name: 'roles-${uniqueString(deployment().name, location)}'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.name
    serviceBusNamespaceName: serviceBus.name
    applicationInsightsName: appInsights.name
  }
}

// ---------------------------------------------------------------------------------------------
// Function App on Flex Consumption.
// ---------------------------------------------------------------------------------------------
resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: names.appServicePlanName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: names.functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${storage::blobService::deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
  // The host starts as soon as the app exists: give its identity its data roles first.
  dependsOn: [
    roles
  ]
}

// Every key the code reads (src/Shared/Configuration/SettingNames.cs) plus the host's own
// identity-based connections. Values are endpoints and ids only; nothing here is a secret.
var hostSettings = {
  // Functions host storage (triggers, durable task hub): identity-based, no connection string.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  // Service Bus trigger and sender connection "ServiceBusConnection".
  ServiceBusConnection__fullyQualifiedNamespace: parseUri(serviceBus.properties.serviceBusEndpoint).host
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.properties.clientId
  // DefaultAzureCredential / ManagedIdentityCredential in the app's own code.
  AZURE_CLIENT_ID: identity.properties.clientId
  // Telemetry with Entra ID authentication (local auth is disabled on the component).
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
}

var migrateHubSettings = {
  MigrateHub__StampRegion: location
  MigrateHub__TaskHub: taskHubName
  MigrateHub__Directory__TableServiceUri: directoryTableServiceUri
  MigrateHub__Appliances__UnhealthyAfter: applianceUnhealthyAfter
  // Keys with {region} in SettingNames: one set per region the stamp hosts (its own region).
  'MigrateHub__Regions__${location}__TableServiceUri': storage.properties.primaryEndpoints.table
  'MigrateHub__Regions__${location}__BlobServiceUri': storage.properties.primaryEndpoints.blob
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(hostSettings, migrateHubSettings)
}

@description('Region of the stamp.')
output region string = location

@description('Name of the stamp\'s Function App.')
output functionAppName string = functionApp.name

@description('Default host name of the stamp\'s Function App.')
output functionAppHostName string = functionApp.properties.defaultHostName

@description('Principal id of the stamp\'s user-assigned identity (granted access to the directory).')
output identityPrincipalId string = identity.properties.principalId

@description('Client id of the stamp\'s user-assigned identity.')
output identityClientId string = identity.properties.clientId

@description('Fully qualified Service Bus namespace of the stamp.')
output serviceBusNamespace string = parseUri(serviceBus.properties.serviceBusEndpoint).host

@description('Table service endpoint of the stamp\'s storage account.')
output tableServiceUri string = storage.properties.primaryEndpoints.table

@description('Blob service endpoint of the stamp\'s storage account.')
output blobServiceUri string = storage.properties.primaryEndpoints.blob
