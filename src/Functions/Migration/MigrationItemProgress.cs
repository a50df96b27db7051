using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Migration;

namespace MigrateHub.Functions.Migration;

/// <summary>
/// Composes a migration item's view from its lifecycle's status and the transfer progress its appliance stored on the
/// work item in flight (<c>POST workItems/{id}/progress</c>). The lifecycle knows only whether the initial replication
/// is done (0 or 100); progress reports are merged into the work item's row, not sent to the lifecycle, so its
/// history stays small. The migration item API is therefore the authoritative view of replication progress.
/// </summary>
public static class MigrationItemProgress
{
    /// <summary>Highest percent shown while a seed is in flight: 100 only once the lifecycle recorded the initial replication done.</summary>
    public const int InFlightCap = 99;

    /// <summary>The work item whose progress the view shows (partition, id): the cycle in flight; null when none.</summary>
    public static (string Partition, string WorkItemId)? KeyOf(string projectId, MachineLifecycleStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status is { CurrentCycle: { } cycle, ApplianceId: { } appliance }
            ? (MigrationRepository.WorkPartition(projectId, appliance), cycle.WorkItemId)
            : null;
    }

    /// <summary>
    /// The status with the stored progress of its cycle in flight: <c>bytesTransferred</c>, <c>totalBytes</c> and
    /// <c>progressReportedAt</c> of that cycle; and, while the initial seed (or a resync's seed) is in flight,
    /// <c>replicationProgressPercent</c> = the stored percent rounded down, at most <see cref="InFlightCap"/>.
    /// Unchanged without a cycle in flight or a stored report.
    /// </summary>
    public static MachineLifecycleStatus Apply(MachineLifecycleStatus status, WorkItemProgress? progress)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.CurrentCycle is not { } cycle || progress is null)
        {
            return status;
        }

        var seeding = cycle.Kind == WorkItemKinds.InitialSeed && !status.InitialReplicationCompleted;
        return status with
        {
            ReplicationProgressPercent = seeding ? Math.Min(InFlightCap, progress.Percent) : status.ReplicationProgressPercent,
            BytesTransferred = progress.BytesTransferred,
            TotalBytes = progress.TotalBytes,
            ProgressReportedAt = progress.ReportedAt,
        };
    }
}
