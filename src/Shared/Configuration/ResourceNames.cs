namespace MigrateHub.Shared.Configuration;

/// <summary>
/// Names of the storage and messaging resources the app uses. Service Bus queues and blob
/// containers are created by the stamp template; tables are created by the code on first use
/// (<c>CreateIfNotExists</c>), so the template needs none.
/// </summary>
public static class ResourceNames
{
    /// <summary>Service Bus queue that carries appliance upload notifications.</summary>
    public const string UploadQueue = "uploads";

    /// <summary>Blob container holding raw appliance upload payloads.</summary>
    public const string UploadContainer = "uploads";

    /// <summary>Blob container holding generated exports and reports.</summary>
    public const string ExportContainer = "exports";

    /// <summary>Every Service Bus queue the app sends to or receives from.</summary>
    public static IReadOnlyList<string> Queues { get; } = [UploadQueue];

    /// <summary>Every blob container the app reads or writes.</summary>
    public static IReadOnlyList<string> BlobContainers { get; } = [UploadContainer, ExportContainer];
}
