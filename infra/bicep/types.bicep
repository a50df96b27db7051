// Types shared by main.bicep and the modules.

@export()
@description('Names of one stamp\'s resources, all resolved.')
type stampResourceNames = {
  @description('User-assigned identity of the Function App.')
  identityName: string
  @description('Storage account (3-24 lowercase letters and digits, globally unique).')
  @minLength(3)
  @maxLength(24)
  storageAccountName: string
  @description('Service Bus namespace (globally unique).')
  @minLength(6)
  @maxLength(50)
  serviceBusNamespaceName: string
  @description('Log Analytics workspace.')
  logAnalyticsWorkspaceName: string
  @description('Application Insights component.')
  applicationInsightsName: string
  @description('Flex Consumption plan.')
  appServicePlanName: string
  @description('Function App (globally unique host name).')
  @minLength(2)
  @maxLength(60)
  functionAppName: string
}

@export()
@description('Optional name overrides for one stamp; anything left out gets the computed name.')
type stampNameOverrides = {
  @description('Resource group of the stamp.')
  resourceGroupName: string?
  identityName: string?
  storageAccountName: string?
  serviceBusNamespaceName: string?
  logAnalyticsWorkspaceName: string?
  applicationInsightsName: string?
  appServicePlanName: string?
  functionAppName: string?
}

@export()
@description('What main.bicep reports about one deployed stamp.')
type stampInfo = {
  region: string
  resourceGroup: string
  functionAppName: string
  hostName: string
}
