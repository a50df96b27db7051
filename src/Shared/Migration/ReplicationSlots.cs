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

/// <summary>
/// At most N servers replicate at once per appliance (DOMAIN.md §5: 300 per appliance); the rest wait in
/// request order. Table <c>MigrationSlots</c>, partition <c>{projectId}_{escaped applianceId}</c>:
/// row <c>count</c> (slots in use), <c>h_{server}</c> per holder and <c>w_{requested at}_{server}</c> per
/// waiter. Acquire and release change the count and the holder row in one entity-group transaction
/// guarded by the count's ETag, so concurrent requests never exceed the limit and the count always equals
/// the holder rows. A waiter takes a free slot only when fewer waiters requested before it than slots are
/// free (first come, first served). The limit is the project's setting (row <c>settings</c> of partition
/// <c>{projectId}_settings</c>) or the hub's default. Every operation is idempotent (activities retry).
/// </summary>
public sealed class ReplicationSlots(HubStorage storage, TimeProvider clock)
{
    /// <summary>Slots table.</summary>
    public const string Table = "MigrationSlots";

    private const string CountRow = "count";
    private const string SettingsRow = "settings";

    /// <summary>Row key of a waiter: request time (sortable), then the server.</summary>
    public static string WaiterKey(DateTimeOffset requestedAt, string serverId) =>
        "w_" + requestedAt.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture) + "_" + DiscoveryTables.Escape(serverId);

    private static string HolderKey(string serverId) => "h_" + DiscoveryTables.Escape(serverId);

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
        var holderKey = HolderKey(serverId);
        var waiterKey = WaiterKey(requestedAt, serverId);
        var waiterAdded = false;
        for (var attempt = 0; ; attempt++)
        {
            var (used, etag, holding) = await ReadCountAsync(table, partition, holderKey, cancellationToken).ConfigureAwait(false);
            if (holding)
            {
                return new SlotAnswer(true, null, limit);
            }

            if (!waiterAdded)
            {
                await table.UpsertEntityAsync(new TableEntity(partition, waiterKey) { ["ServerId"] = serverId, ["RequestedAt"] = requestedAt },
                    TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                waiterAdded = true;
            }

            var ahead = await CountWaitersBeforeAsync(table, partition, waiterKey, cancellationToken).ConfigureAwait(false);
            var free = Math.Max(0, limit - used);
            if (ahead >= free)
            {
                // Waiters ahead that take the free slots first do not count: position 1 starts at the next release.
                return new SlotAnswer(false, ahead - free + 1, limit);
            }

            var count = new TableEntity(partition, CountRow) { ["Used"] = used + 1 };
            TableTransactionAction[] actions =
            [
                etag is { } e ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, count, e) : new TableTransactionAction(TableTransactionActionType.Add, count),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, holderKey) { ["ServerId"] = serverId, ["AcquiredAt"] = clock.GetUtcNow() }),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, waiterKey), ETag.All),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return new SlotAnswer(true, null, limit);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < 50)
            {
                // Another server changed the count (or an earlier attempt of this one took the slot): read again.
                await Task.Delay(Random.Shared.Next(5, 50), cancellationToken).ConfigureAwait(false);
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

        var holderKey = HolderKey(serverId);
        for (var attempt = 0; ; attempt++)
        {
            var (used, etag, holding) = await ReadCountAsync(table, partition, holderKey, cancellationToken).ConfigureAwait(false);
            if (!holding || etag is null)
            {
                break;
            }

            TableTransactionAction[] actions =
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(partition, CountRow) { ["Used"] = Math.Max(0, used - 1) }, etag.Value),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, holderKey), ETag.All),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412 && attempt < 50)
            {
                await Task.Delay(Random.Shared.Next(5, 50), cancellationToken).ConfigureAwait(false);
            }
        }

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

    /// <summary>Slots in use and servers waiting of an appliance (for views and tests).</summary>
    public async Task<(int Used, IReadOnlyList<string> Holders, IReadOnlyList<string> Waiters)> DescribeAsync(string region, string projectId, string applianceId,
        CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var partition = MigrationRepository.WorkPartition(projectId, applianceId);
        var used = 0;
        var holders = new List<string>();
        var waiters = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == CountRow)
            {
                used = e.GetInt32("Used") ?? 0;
            }
            else if (e.RowKey.StartsWith("h_", StringComparison.Ordinal))
            {
                holders.Add(e.GetString("ServerId"));
            }
            else if (e.RowKey.StartsWith("w_", StringComparison.Ordinal))
            {
                waiters.Add(e.GetString("ServerId"));
            }
        }

        return (used, holders, waiters);
    }

    private static async Task<(int Used, ETag? ETag, bool Holding)> ReadCountAsync(TableClient table, string partition, string holderKey, CancellationToken ct)
    {
        // One query reads the count and this server's holder row.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and (RowKey eq {CountRow} or RowKey eq {holderKey})");
        var used = 0;
        ETag? etag = null;
        var holding = false;
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (e.RowKey == CountRow)
            {
                used = e.GetInt32("Used") ?? 0;
                etag = e.ETag;
            }
            else
            {
                holding = true;
            }
        }

        return (used, etag, holding);
    }

    private static async Task<int> CountWaitersBeforeAsync(TableClient table, string partition, string waiterKey, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"w_"} and RowKey lt {waiterKey}");
        var n = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            n++;
        }

        return n;
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
