namespace MigrateHub.Shared.Appliances;

/// <summary>The outcome of a server-count check: whether an upload keeps the appliance within its limit.</summary>
/// <param name="Allowed">True when the count is within the limit.</param>
/// <param name="SourceType">The appliance's source type.</param>
/// <param name="Limit">Servers one appliance of that type may discover.</param>
/// <param name="Count">The count that was checked.</param>
/// <param name="Message">Why not, when not allowed.</param>
public sealed record ServerCountCheck(bool Allowed, string SourceType, int Limit, int Count, string? Message);

/// <summary>
/// Servers one appliance may discover, by source type (DOMAIN.md §2): VMware 10,000, Hyper-V 5,000,
/// physical and other 1,000. Enforced at ingestion: an upload that would take an appliance past its
/// limit is refused.
/// </summary>
public static class ApplianceLimits
{
    /// <summary>The most servers one appliance of the type may discover.</summary>
    public static int MaxServers(string sourceType) => ApplianceSourceTypes.Normalize(sourceType) switch
    {
        ApplianceSourceTypes.VMware => 10_000,
        ApplianceSourceTypes.HyperV => 5_000,
        ApplianceSourceTypes.Physical => 1_000,
        ApplianceSourceTypes.Other => 1_000,
        _ => throw new ArgumentException($"Unknown appliance source type '{sourceType}'.", nameof(sourceType)),
    };

    /// <summary>
    /// Checks the number of distinct servers the appliance would have discovered once an upload is
    /// ingested (servers already known to it plus new ones in the upload).
    /// </summary>
    public static ServerCountCheck Check(string sourceType, int serversAfterUpload)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serversAfterUpload);
        var limit = MaxServers(sourceType);
        var type = ApplianceSourceTypes.Normalize(sourceType)!;
        return serversAfterUpload <= limit
            ? new ServerCountCheck(true, type, limit, serversAfterUpload, null)
            : new ServerCountCheck(false, type, limit, serversAfterUpload,
                $"A {type} appliance discovers at most {limit:N0} servers; this upload would bring it to {serversAfterUpload:N0}. Register another appliance for the rest of the estate.");
    }
}
