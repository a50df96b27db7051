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
}

/// <summary>What the appliance reports for a work item.</summary>
/// <param name="WorkItemId">The work item.</param>
/// <param name="Succeeded">Whether the work succeeded.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="BytesTransferred">Bytes copied.</param>
public sealed record WorkItemReport(string WorkItemId, bool Succeeded, string? Error = null, long BytesTransferred = 0);
