using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Migration;

/// <summary>A migration item as stored for listing and usage.</summary>
/// <param name="ServerId">Server id.</param>
/// <param name="MigrationState">migrationState.</param>
/// <param name="ApplianceId">Appliance replicating it.</param>
/// <param name="ReplicationStartedAt">Start of replication (free usage counts from here).</param>
/// <param name="ReplicationEndedAt">When replication stopped (null while it runs).</param>
/// <param name="StatusJson">The lifecycle's custom status at the time of the record.</param>
/// <param name="UpdatedAt">When recorded.</param>
public sealed record MigrationItemRecord(string ServerId, string MigrationState, string? ApplianceId, DateTimeOffset? ReplicationStartedAt,
    DateTimeOffset? ReplicationEndedAt, string StatusJson, DateTimeOffset UpdatedAt);

/// <summary>What became of a transfer progress report (<see cref="MigrationRepository.RecordProgressAsync"/>).</summary>
/// <param name="State">The work item's state (<see cref="WorkItemStates"/>); null when it does not exist.</param>
/// <param name="Progress">The progress stored now (the new one, or the one kept).</param>
/// <param name="Stored">Whether this report was stored (false: unknown, reported or cancelled work item, or fewer bytes than stored).</param>
public sealed record ProgressRecordOutcome(string? State, WorkItemProgress? Progress, bool Stored);

/// <summary>
/// Regional tables of migration: <c>MigrationItems</c> (PK project id, RK escaped server id),
/// <c>MigrationWorkItems</c> (PK <c>{projectId}_{escaped applianceId}</c>, RK work item id) and
/// <c>MigrationUsage</c> (PK <c>{projectId}_usage</c>, RK <c>{escaped serverId}_{yyyyMMdd}</c>).
/// </summary>
public sealed class MigrationRepository(HubStorage storage, TimeProvider clock)
{
    /// <summary>Migration items table.</summary>
    public const string ItemsTable = "MigrationItems";

    /// <summary>Work items table.</summary>
    public const string WorkItemsTable = "MigrationWorkItems";

    /// <summary>Metered usage table.</summary>
    public const string UsageTable = "MigrationUsage";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Partition of an appliance's work items.</summary>
    public static string WorkPartition(string projectId, string applianceId) => projectId + "_" + DiscoveryTables.Escape(applianceId);

    /// <summary>
    /// Stores an item's status with one write and no read: a merge that keeps the stored end of replication unless
    /// one is given; <paramref name="newReplication"/> (the record of an enable) replaces the row, clearing the end
    /// of an earlier replication.
    /// </summary>
    public async Task SaveItemAsync(string region, string projectId, string serverId, string migrationState, string? applianceId,
        DateTimeOffset? replicationStartedAt, DateTimeOffset? replicationEndedAt, string statusJson, CancellationToken cancellationToken, bool newReplication = false)
    {
        var table = await storage.Region(region).TableAsync(ItemsTable, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(projectId, DiscoveryTables.Escape(serverId))
        {
            ["ServerId"] = serverId,
            ["MigrationState"] = migrationState,
            ["ApplianceId"] = applianceId,
            ["ReplicationStartedAt"] = replicationStartedAt,
            ["Status"] = statusJson,
            ["UpdatedAt"] = clock.GetUtcNow(),
        };
        if (replicationEndedAt is not null)
        {
            entity["ReplicationEndedAt"] = replicationEndedAt;
        }

        await table.UpsertEntityAsync(entity, newReplication ? TableUpdateMode.Replace : TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every migration item of a project.</summary>
    public async Task<IReadOnlyList<MigrationItemRecord>> ListItemsAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(ItemsTable, cancellationToken).ConfigureAwait(false);
        var list = new List<MigrationItemRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToItem(e));
        }

        return list;
    }

    /// <summary>Issues a work item (an existing one with the same id is left as it is).</summary>
    public async Task IssueWorkItemAsync(string region, WorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(WorkPartition(item.ProjectId, item.ApplianceId), item.Id)
        {
            ["ServerId"] = item.ServerId,
            ["Kind"] = item.Kind,
            ["Cycle"] = item.Cycle,
            ["State"] = WorkItemStates.Pending,
            ["CreatedAt"] = item.CreatedAt,
            ["Payload"] = JsonSerializer.Serialize(item, Json),
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Issued by an earlier attempt of the same activity.
        }
    }

    /// <summary>Pending work items of an appliance, oldest first, pre-failover work (shutdown, final delta) before initial seeds before deltas.</summary>
    public Task<IReadOnlyList<WorkItem>> PendingWorkAsync(string region, string projectId, string applianceId, int max, CancellationToken cancellationToken) =>
        WorkInStateAsync(region, projectId, applianceId, WorkItemStates.Pending, max, cancellationToken);

    /// <summary>Work items of an appliance in one state (<see cref="WorkItemStates"/>), in pull order, each with its state.</summary>
    public async Task<IReadOnlyList<WorkItem>> WorkInStateAsync(string region, string projectId, string applianceId, string state, int max, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {WorkPartition(projectId, applianceId)} and State eq {state}");
        var items = new List<WorkItem>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            items.Add(JsonSerializer.Deserialize<WorkItem>(e.GetString("Payload"), Json)! with { State = state });
        }

        return items.OrderBy(i => Priority(i.Kind)).ThenBy(i => i.CreatedAt).Take(max).ToList();
    }

    /// <summary>
    /// Cancels work items the lifecycle no longer waits for (pause, disable, resync, cutover): a pending one becomes
    /// <see cref="WorkItemStates.Cancelled"/> (ETag-guarded, so a report stored meanwhile stays); others are left.
    /// </summary>
    public async Task CancelWorkItemsAsync(string region, string projectId, string applianceId, IEnumerable<string> workItemIds, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItemIds);
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var partition = WorkPartition(projectId, applianceId);
        foreach (var id in workItemIds)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var e = await table.GetEntityIfExistsAsync<TableEntity>(partition, id, select: ["State"], cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!e.HasValue || e.Value!.GetString("State") != WorkItemStates.Pending)
                {
                    break;
                }

                try
                {
                    await table.UpdateEntityAsync(new TableEntity(partition, id)
                    {
                        ["State"] = WorkItemStates.Cancelled,
                        ["Error"] = reason,
                        ["CancelledAt"] = clock.GetUtcNow(),
                    }, e.Value.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (RequestFailedException ex) when (ex.Status == 412)
                {
                    // Reported meanwhile: read again.
                }
            }
        }
    }

    /// <summary>A work item, or null.</summary>
    public async Task<WorkItem?> GetWorkItemAsync(string region, string projectId, string applianceId, string workItemId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(WorkPartition(projectId, applianceId), workItemId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return e.HasValue
            ? JsonSerializer.Deserialize<WorkItem>(e.Value!.GetString("Payload"), Json)! with { State = e.Value.GetString("State"), Progress = ProgressOf(e.Value) }
            : null;
    }

    /// <summary>
    /// Stores an appliance's transfer progress on a pending work item's row (a merge guarded by the row's ETag, so a
    /// report or cancellation stored meanwhile wins): the latest report only, and never fewer bytes than already
    /// stored (reports delivered out of order do not move progress back). Nothing is stored for an unknown work item
    /// (<see cref="ProgressRecordOutcome.State"/> null) or one already reported or cancelled.
    /// </summary>
    public async Task<ProgressRecordOutcome> RecordProgressAsync(string region, string projectId, string applianceId, string workItemId,
        long bytesTransferred, long totalBytes, CancellationToken cancellationToken)
    {
        if (WorkItemProgress.Validate(bytesTransferred, totalBytes).Count > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytesTransferred), "Transfer progress: 0 <= bytesTransferred <= totalBytes, totalBytes > 0.");
        }

        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var partition = WorkPartition(projectId, applianceId);
        for (var attempt = 0; ; attempt++)
        {
            var e = await table.GetEntityIfExistsAsync<TableEntity>(partition, workItemId, select: ProgressColumns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!e.HasValue)
            {
                return new ProgressRecordOutcome(null, null, Stored: false);
            }

            var state = e.Value!.GetString("State");
            var stored = ProgressOf(e.Value);
            if (state != WorkItemStates.Pending || (stored is not null && stored.BytesTransferred > bytesTransferred))
            {
                return new ProgressRecordOutcome(state, stored, Stored: false);
            }

            var progress = new WorkItemProgress(bytesTransferred, totalBytes, clock.GetUtcNow());
            try
            {
                await table.UpdateEntityAsync(new TableEntity(partition, workItemId)
                {
                    ["BytesTransferred"] = progress.BytesTransferred,
                    ["TotalBytes"] = progress.TotalBytes,
                    ["ProgressAt"] = progress.ReportedAt,
                }, e.Value.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return new ProgressRecordOutcome(state, progress, Stored: true);
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < 8)
            {
                // Another progress report, the report or a cancellation changed the row meanwhile: read again.
            }
        }
    }

    /// <summary>The stored transfer progress of a work item (one point read of three columns), or null (none reported, or unknown).</summary>
    public async Task<WorkItemProgress?> GetProgressAsync(string region, string projectId, string applianceId, string workItemId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(WorkPartition(projectId, applianceId), workItemId, select: ProgressColumns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return e.HasValue ? ProgressOf(e.Value!) : null;
    }

    /// <summary>
    /// The stored transfer progress of a project's work items that can be in flight, in one query over the project's
    /// work-item partitions (every appliance): pending work items with progress, and initial seeds with progress
    /// whatever their state (a seed just reported stays visible until its lifecycle records the end of the initial
    /// replication). Keyed by (<see cref="WorkPartition"/>, work item id).
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Partition, string WorkItemId), WorkItemProgress>> ProjectProgressAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        // Partitions are "{projectId}_{escaped applianceId}" (project ids are 32 hex digits): '`' follows '_'.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {projectId + "_"} and PartitionKey lt {projectId + "`"} and TotalBytes gt {0L} and (State eq {WorkItemStates.Pending} or Kind eq {WorkItemKinds.InitialSeed})");
        var found = new Dictionary<(string, string), WorkItemProgress>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", .. ProgressColumns], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (ProgressOf(e) is { } progress)
            {
                found[(e.PartitionKey, e.RowKey)] = progress;
            }
        }

        return found;
    }

    /// <summary>Marks a work item reported.</summary>
    public async Task MarkReportedAsync(string region, string projectId, string applianceId, string workItemId, bool succeeded, CancellationToken cancellationToken, string? error = null)
    {
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(WorkPartition(projectId, applianceId), workItemId)
        {
            ["State"] = WorkItemStates.Reported,
            ["Succeeded"] = succeeded,
            ["Error"] = error,
            ["ReportedAt"] = clock.GetUtcNow(),
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored report of a work item, or null while it is pending (or unknown).</summary>
    public async Task<WorkItemReport?> GetReportAsync(string region, string projectId, string applianceId, string workItemId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(WorkItemsTable, cancellationToken).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(WorkPartition(projectId, applianceId), workItemId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return e.HasValue && e.Value!.GetString("State") == WorkItemStates.Reported
            ? new WorkItemReport(workItemId, e.Value.GetBoolean("Succeeded") ?? false, e.Value.GetString("Error")) { StoredAt = e.Value.GetDateTimeOffset("ReportedAt") }
            : null;
    }

    /// <summary>Records one metered day of a server (idempotent).</summary>
    public async Task MeterDayAsync(string region, string projectId, string serverId, DateOnly day, bool billable, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(UsageTable, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(projectId + "_usage", $"{DiscoveryTables.Escape(serverId)}_{day:yyyyMMdd}")
        {
            ["ServerId"] = serverId,
            ["Day"] = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["Billable"] = billable,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Metered days of a project: (server id, day, billable).</summary>
    public async Task<IReadOnlyList<(string ServerId, string Day, bool Billable)>> MeteredDaysAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(UsageTable, cancellationToken).ConfigureAwait(false);
        var list = new List<(string, string, bool)>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId + "_usage"}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add((e.GetString("ServerId"), e.GetString("Day"), e.GetBoolean("Billable") ?? false));
        }

        return list;
    }

    private static readonly string[] ProgressColumns = ["State", "BytesTransferred", "TotalBytes", "ProgressAt"];

    private static WorkItemProgress? ProgressOf(TableEntity e) =>
        e.GetInt64("TotalBytes") is { } total && total > 0 && e.GetInt64("BytesTransferred") is { } done
            ? new WorkItemProgress(done, total, e.GetDateTimeOffset("ProgressAt") ?? DateTimeOffset.MinValue)
            : null;

    private static int Priority(string kind) => kind switch
    {
        WorkItemKinds.SourceShutdown or WorkItemKinds.FinalDelta => 0,
        WorkItemKinds.InitialSeed => 1,
        _ => 2,
    };

    private static MigrationItemRecord ToItem(TableEntity e) => new(
        e.GetString("ServerId"), e.GetString("MigrationState"), e.GetString("ApplianceId"),
        e.GetDateTimeOffset("ReplicationStartedAt"), e.GetDateTimeOffset("ReplicationEndedAt"), e.GetString("Status"),
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
}
