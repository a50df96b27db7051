namespace MigrateHub.Shared.Storage;

/// <summary>How to reach one storage account: a connection string (local development) or service URIs (Azure, identity-based).</summary>
public sealed class StorageAccountOptions
{
    /// <summary>Connection string; used locally against Azurite. Takes precedence over the URIs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table service endpoint, used with the managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Blob service endpoint, used with the managed identity.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>
    /// Service Bus connection string of the region's namespace; used locally. In Azure the stamp
    /// reaches its own namespace through <c>ServiceBusConnection__fullyQualifiedNamespace</c>.
    /// </summary>
    public string? ServiceBusConnectionString { get; set; }
}

/// <summary>
/// The storage the hub uses: the global directory and one storage account per hosted region.
/// Bound from the configuration section <c>MigrateHub</c> (see <see cref="Configuration.SettingNames"/>).
/// </summary>
public sealed class HubStorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "MigrateHub";

    /// <summary>The global directory (routing facts only).</summary>
    public StorageAccountOptions Directory { get; set; } = new();

    /// <summary>Storage per region this deployment hosts, keyed by region name.</summary>
    public Dictionary<string, StorageAccountOptions> Regions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Seconds a caller is told to wait (Retry-After) when a region's storage is unreachable.
    /// </summary>
    public int OutageRetryAfterSeconds { get; set; } = 30;
}
