namespace MigrateHub.Shared.Configuration;

/// <summary>
/// Every configuration key the Function App reads, in the form of an app setting
/// (double underscore = configuration section separator). The infrastructure test checks that the
/// stamp template sets each of these; keep this list complete when code starts reading a new key.
/// Keys containing <c>{region}</c> are set once per region the stamp hosts.
/// </summary>
public static class SettingNames
{
    /// <summary>The Azure region this stamp serves (for example <c>westeurope</c>).</summary>
    public const string StampRegion = "MigrateHub__StampRegion";

    /// <summary>The durable task hub name (host.json reads it as <c>%MigrateHub__TaskHub%</c>).</summary>
    public const string TaskHub = "MigrateHub__TaskHub";

    /// <summary>Table service of the global directory (routing facts only).</summary>
    public const string DirectoryTableServiceUri = "MigrateHub__Directory__TableServiceUri";

    /// <summary>How long an appliance may stay silent before it is marked unhealthy (TimeSpan; default 00:30:00).</summary>
    public const string ApplianceUnhealthyAfter = "MigrateHub__Appliances__UnhealthyAfter";

    /// <summary>Table service of a region's storage account.</summary>
    public const string RegionTableServiceUri = "MigrateHub__Regions__{region}__TableServiceUri";

    /// <summary>Blob service of a region's storage account.</summary>
    public const string RegionBlobServiceUri = "MigrateHub__Regions__{region}__BlobServiceUri";

    /// <summary>Fully qualified Service Bus namespace of the stamp.</summary>
    public const string ServiceBusNamespace = "ServiceBusConnection__fullyQualifiedNamespace";

    /// <summary>Client id of the user-assigned managed identity used for every Azure connection.</summary>
    public const string ManagedIdentityClientId = "AZURE_CLIENT_ID";
}
