using System.Globalization;
using Azure;
using Azure.Data.Tables;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Migration;

/// <summary>The answer to a slot request.</summary>
/// <param name="Acquired">The server holds a slot (replication may start).</param>
/// <param name="Position">
/// When queued: rank among the appliance's waiters by request time, less the slots free for the waiters ahead
/// (1 = starts when the next slot is given back).
/// </param>
/// <param name="Limit">The limit that applied.</param>
public sealed record SlotAnswer(bool Acquired, int? Position, int Limit);

/// <summary>A slot row (<paramref name="Waiting"/> false) or waiter row of a server, as <see cref="ReplicationSlots.RowsAsync"/> finds it.</summary>
public sealed record SlotRow(string Partition, string RowKey, string ProjectId, string ServerId, bool Waiting);

/// <summary>
/// At most N servers replicate at once per appliance (DOMAIN.md §5: 300 per appliance); the rest wait in
/// request order. Table <c>MigrationSlots</c>, partition <c>{projectId}_{escaped applianceId}</c>: row
/// <c>s_{index}</c> per slot in use (index 0..N-1, holding the server id) and <c>w_{requested at}_{server}</c>
/// per waiter. A slot is taken by inserting its row, which the table refuses (409) when another server took the
/// same index first, so concurrent requests never exceed the limit and need no shared counter (indexes are
/// picked at random among the free ones, so concurrent takers rarely collide). A waiter takes a free slot only
/// when fewer waiters requested before it than slots are free (first come, first served); taking it removes its
/// waiter row in the same entity-group transaction. The limit is the project's setting (row <c>settings</c> of
/// partition <c>{projectId}_settings</c>) or the hub's default. Every operation is idempotent (activities retry).
/// </summary>
public sealed class ReplicationSlots(HubStorage storage, TimeProvider clock)
{
    /// <summary>Slots table.</summary>
    public const string Table = "MigrationSlots";

    private const string SettingsRow = "settings";

    /// <summary>Row key of a waiter: request time (sortable), then the server.</summary>
    public static string WaiterKey(DateTimeOffset requestedAt, string serverId) =>
        "w_" + requestedAt.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture) + "_" + DiscoveryTables.Escape(serverId);

    private static string SlotKey(int index) => "s_" + index.ToString("D5", CultureInfo.InvariantCulture);

    private static string SettingsPartition(string projectId) => projectId + "_settings";

    /// <summary>The project's limit per appliance, or null when the hub default applies.</summary>
    public async Task<int?> GetProjectLimitAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(SettingsPartition(projectId), SettingsRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return e.HasValue ? e.Value!.GetInt32("MaxConcurrentReplicationsPerAppliance") : null;
    }

    /// <summary>Sets (or with null clears) the project's limit per appliance.</summary>
    public async Task SetProjectLimitAsync(string region, string projectId, int? limit, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        if (limit is null)
        {
            await table.DeleteEntityAsync(SettingsPartition(projectId), SettingsRow, ETag.All, cancellationToken).ConfigureAwait(false);
            return;
        }

        await table.UpsertEntityAsync(new TableEntity(SettingsPartition(projectId), SettingsRow)
        {
            ["MaxConcurrentReplicationsPerAppliance"] = limit.Value,
            ["UpdatedAt"] = clock.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a slot for the server if one is free and no earlier waiter is owed it; otherwise records the server
    /// as a waiter (request time <paramref name="requestedAt"/>) and answers its position.
    /// </summary>
    public async Task<SlotAnswer> TryAcquireAsync(string region, string projectId, string applianceId, string serverId, DateTimeOffset requestedAt,
        int defaultLimit, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var partition = MigrationRepository.WorkPartition(projectId, applianceId);
        var limit = await GetProjectLimitAsync(region, projectId, cancellationToken).ConfigureAwait(false) ?? defaultLimit;
        var waiterKey = WaiterKey(requestedAt, serverId);
        for (var attempt = 0; ; attempt++)
        {
            var (taken, mine) = await SlotsAsync(table, partition, serverId, cancellationToken).ConfigureAwait(false);
            if (mine is not null)
            {
                return new SlotAnswer(true, null, limit);
            }

            var free = Math.Max(0, limit - taken.Count);
            var (ahead, waiting) = await WaitersBeforeAsync(table, partition, waiterKey, cancellationToken).ConfigureAwait(false);
            if (ahead >= free)
            {
                if (!waiting)
                {
                    await table.UpsertEntityAsync(new TableEntity(partition, waiterKey) { ["ServerId"] = serverId, ["RequestedAt"] = requestedAt },
                        TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                // Waiters ahead that take the free slots first do not count: position 1 starts at the next release.
                return new SlotAnswer(false, ahead - free + 1, limit);
            }

            var candidates = Enumerable.Range(0, limit).Where(i => !taken.Contains(i)).ToList();
            var index = candidates[Random.Shared.Next(candidates.Count)];
            var slot = new TableEntity(partition, SlotKey(index)) { ["ServerId"] = serverId, ["AcquiredAt"] = clock.GetUtcNow() };
            try
            {
                if (waiting)
                {
                    await table.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.Add, slot),
                        new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, waiterKey), ETag.All),
                    ], cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.AddEntityAsync(slot, cancellationToken).ConfigureAwait(false);
                }

                return new SlotAnswer(true, null, limit);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 && attempt < 50)
            {
                // Another server took that index first (or an earlier attempt of this one took the slot): read again.
            }
        }
    }

    /// <summary>
    /// Gives back the server's slot (if it holds one) and withdraws it from the queue (if it waits); answers the
    /// servers now first in the queue (at most <paramref name="wake"/>) so their lifecycles can be told at once.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReleaseAsync(string region, string projectId, string applianceId, string serverId, DateTimeOffset? requestedAt,
        int wake, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var partition = MigrationRepository.WorkPartition(projectId, applianceId);
        if (requestedAt is { } at)
        {
            await DeleteIfExistsAsync(table, partition, WaiterKey(at, serverId), cancellationToken).ConfigureAwait(false);
        }

        var (_, mine) = await SlotsAsync(table, partition, serverId, cancellationToken).ConfigureAwait(false);
        if (mine is { } index)
        {
            await DeleteIfExistsAsync(table, partition, SlotKey(index), cancellationToken).ConfigureAwait(false);
        }

        return await FirstWaitersAsync(table, partition, wake, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every slot and waiter row of a region, with the project and server it belongs to (one scan; the input of the
    /// sweep that drops the rows of servers whose lifecycle no longer runs).
    /// </summary>
    public async Task<IReadOnlyList<SlotRow>> RowsAsync(string region, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"(RowKey ge {"s_"} and RowKey lt {"s`"}) or (RowKey ge {"w_"} and RowKey lt {"w`"})");
        var rows = new List<SlotRow>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "ServerId"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // Partitions are "{projectId}_{escaped applianceId}"; project ids have no '_'.
            var cut = e.PartitionKey.IndexOf('_', StringComparison.Ordinal);
            if (cut > 0 && e.GetString("ServerId") is { } server)
            {
                rows.Add(new SlotRow(e.PartitionKey, e.RowKey, e.PartitionKey[..cut], server, e.RowKey.StartsWith("w_", StringComparison.Ordinal)));
            }
        }

        return rows;
    }

    /// <summary>Removes one row found by <see cref="RowsAsync"/>; a freed slot answers the first waiter of its appliance to wake.</summary>
    public async Task<IReadOnlyList<string>> DropAsync(string region, SlotRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        await DeleteIfExistsAsync(table, row.Partition, row.RowKey, cancellationToken).ConfigureAwait(false);
        return await FirstWaitersAsync(table, row.Partition, row.Waiting ? 0 : 1, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<string>> FirstWaitersAsync(TableClient table, string partition, int wake, CancellationToken cancellationToken)
    {
        var first = new List<string>();
        if (wake > 0)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"w_"} and RowKey lt {"w`"}");
            await foreach (var w in table.QueryAsync<TableEntity>(filter, maxPerPage: wake, select: ["ServerId"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                first.Add(w.GetString("ServerId"));
                if (first.Count >= wake)
                {
                    break;
                }
            }
        }

        return first;
    }

    /// <summary>Slots in use and servers waiting of an appliance, waiters in request order (for views and tests).</summary>
    public async Task<(int Used, IReadOnlyList<string> Holders, IReadOnlyList<string> Waiters)> DescribeAsync(string region, string projectId, string applianceId,
        CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var partition = MigrationRepository.WorkPartition(projectId, applianceId);
        var holders = new List<string>();
        var waiters = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey.StartsWith("s_", StringComparison.Ordinal))
            {
                holders.Add(e.GetString("ServerId"));
            }
            else if (e.RowKey.StartsWith("w_", StringComparison.Ordinal))
            {
                waiters.Add(e.GetString("ServerId"));
            }
        }

        return (holders.Count, holders, waiters);
    }

    /// <summary>The slot indexes in use and the one this server holds (one query of the slot rows).</summary>
    private static async Task<(HashSet<int> Taken, int? Mine)> SlotsAsync(TableClient table, string partition, string serverId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"s_"} and RowKey lt {"s`"}");
        var taken = new HashSet<int>();
        int? mine = null;
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "ServerId"], cancellationToken: ct).ConfigureAwait(false))
        {
            var index = int.Parse(e.RowKey.AsSpan(2), CultureInfo.InvariantCulture);
            taken.Add(index);
            if (e.GetString("ServerId") == serverId)
            {
                mine = index;
            }
        }

        return (taken, mine);
    }

    /// <summary>Waiters that requested before this one, and whether this one's waiter row exists.</summary>
    private static async Task<(int Ahead, bool Waiting)> WaitersBeforeAsync(TableClient table, string partition, string waiterKey, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"w_"} and RowKey le {waiterKey}");
        var n = 0;
        var waiting = false;
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            if (e.RowKey == waiterKey)
            {
                waiting = true;
            }
            else
            {
                n++;
            }
        }

        return (n, waiting);
    }

    private static async Task DeleteIfExistsAsync(TableClient table, string partition, string rowKey, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(partition, rowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }
}
