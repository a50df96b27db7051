using System.Text.Json.Serialization;

namespace MigrateHub.Shared.Migration;

/// <summary>Kinds of work the hub hands an appliance (it pulls them).</summary>
public static class WorkItemKinds
{
    /// <summary>Full copy of the disks into the seed disks (also a resync).</summary>
    public const string InitialSeed = "InitialSeed";
    /// <summary>Copy the blocks changed since the last cycle.</summary>
    public const string Delta = "Delta";
    /// <summary>Last delta before the cutover.</summary>
    public const string FinalDelta = "FinalDelta";
    /// <summary>Shut down the source server before the final delta.</summary>
    public const string SourceShutdown = "SourceShutdown";
}

/// <summary>States of a work item.</summary>
public static class WorkItemStates
{
    /// <summary>Waiting for the appliance.</summary>
    public const string Pending = "Pending";
    /// <summary>Reported done or failed.</summary>
    public const string Reported = "Reported";
    /// <summary>
    /// Withdrawn by the hub before a report (the server was paused, disabled, resynced or cut over): the appliance
    /// stops the work; a report of it is answered 200 with this state and changes nothing.
    /// </summary>
    public const string Cancelled = "Cancelled";
}

/// <summary>A piece of on-premises work for an appliance.</summary>
/// <param name="Id">Work item id (deterministic: server, cycle, kind).</param>
/// <param name="ProjectId">Project id.</param>
/// <param name="ApplianceId">Appliance that does it.</param>
/// <param name="ServerId">Server id.</param>
/// <param name="Kind">A <see cref="WorkItemKinds"/> value.</param>
/// <param name="Cycle">Replication cycle number (0 = initial).</param>
/// <param name="CreatedAt">When the hub issued it.</param>
/// <param name="Path">Agentless VMware or agent-based (<see cref="ReplicationPaths"/>).</param>
/// <param name="SeedDiskIds">ARM ids of the seed disks to write into.</param>
/// <param name="State">A <see cref="WorkItemStates"/> value.</param>
public sealed record WorkItem(
    string Id, string ProjectId, string ApplianceId, string ServerId, string Kind, int Cycle, DateTimeOffset CreatedAt,
    string Path, IReadOnlyList<string> SeedDiskIds, string State = WorkItemStates.Pending)
{
    /// <summary>The deterministic id of a server's work item for a cycle.</summary>
    public static string IdFor(string serverKey, int cycle, string kind, int attempt) => $"{serverKey}-{cycle:D6}-{kind}-{attempt}";

    /// <summary>The latest transfer progress the appliance reported (<c>GET workItems/{id}</c> only; null before any, and in the pull).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WorkItemProgress? Progress { get; init; }
}

/// <summary>
/// The transfer progress an appliance reported for a work item (<c>POST workItems/{id}/progress</c>), stored on the work
/// item's row: the latest report only, never moving back to fewer bytes.
/// </summary>
/// <param name="BytesTransferred">Bytes copied so far.</param>
/// <param name="TotalBytes">Bytes to copy in all (more than 0).</param>
/// <param name="ReportedAt">When the hub stored it.</param>
public sealed record WorkItemProgress(long BytesTransferred, long TotalBytes, DateTimeOffset ReportedAt)
{
    /// <summary>Whole percent copied, rounded down (0 to 100).</summary>
    public int Percent => PercentOf(BytesTransferred, TotalBytes);

    /// <summary>Whole percent of <paramref name="bytesTransferred"/> in <paramref name="totalBytes"/>, rounded down, within 0..100 (0 when the total is not positive).</summary>
    public static int PercentOf(long bytesTransferred, long totalBytes) =>
        totalBytes <= 0 ? 0 : (int)Int128.Clamp((Int128)Math.Max(0, bytesTransferred) * 100 / totalBytes, 0, 100);

    /// <summary>
    /// The problem with a reported progress, by field (<c>bytesTransferred</c>, <c>totalBytes</c>); empty when valid:
    /// both given, not negative, total more than 0, transferred at most the total.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Validate(long? bytesTransferred, long? totalBytes)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (totalBytes is null)
        {
            errors["totalBytes"] = ["'totalBytes' is required."];
        }
        else if (totalBytes <= 0)
        {
            errors["totalBytes"] = ["'totalBytes' is more than 0."];
        }

        if (bytesTransferred is null)
        {
            errors["bytesTransferred"] = ["'bytesTransferred' is required."];
        }
        else if (bytesTransferred < 0)
        {
            errors["bytesTransferred"] = ["'bytesTransferred' is not negative."];
        }
        else if (totalBytes > 0 && bytesTransferred > totalBytes)
        {
            errors["bytesTransferred"] = ["'bytesTransferred' is at most 'totalBytes'."];
        }

        return errors;
    }
}

/// <summary>What the appliance reports for a work item.</summary>
/// <param name="WorkItemId">The work item.</param>
/// <param name="Succeeded">Whether the work succeeded.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="BytesTransferred">Bytes copied.</param>
public sealed record WorkItemReport(string WorkItemId, bool Succeeded, string? Error = null, long BytesTransferred = 0)
{
    /// <summary>Not from the appliance: the hub's check sweep found no report by the work item's deadline.</summary>
    public bool Silent { get; init; }

    /// <summary>When the hub stored it (a report read back from storage; null in an appliance's event).</summary>
    public DateTimeOffset? StoredAt { get; init; }
}
