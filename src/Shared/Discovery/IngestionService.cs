using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Discovery;

/// <summary>What one ingestion changed.</summary>
/// <param name="Items">Items written.</param>
/// <param name="NewServers">Servers that have no lifecycle orchestration yet (new to the project, or whose start was lost).</param>
/// <param name="MissingServers">Servers marked as no longer discovered.</param>
public sealed record IngestionResult(int Items, IReadOnlyList<DiscoveredServer> NewServers, int MissingServers);

/// <summary>The identity of an upload being ingested.</summary>
/// <param name="Region">The project's region.</param>
/// <param name="ProjectId">Project id.</param>
/// <param name="ApplianceId">Appliance name (or <c>import</c>).</param>
/// <param name="UploadId">Upload id.</param>
/// <param name="AcceptedAt">When the hub accepted it: the version of what it writes, so an older upload never overwrites a newer one.</param>
public sealed record UploadSource(string Region, string ProjectId, string ApplianceId, string UploadId, DateTimeOffset AcceptedAt);

/// <summary>
/// Writes a validated upload into the project's regional tables with batched (100 entities, one
/// partition), idempotent upserts: the same upload ingested twice leaves the same rows.
/// </summary>
public sealed class IngestionService(HubStorage storage, ILogger<IngestionService> logger)
{
    private const int BatchesInFlight = 8;

    /// <summary>Ingests a payload that passed <see cref="UploadValidator"/>.</summary>
    public async Task<IngestionResult> IngestAsync(UploadSource source, UploadPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(payload);
        var result = UploadKinds.Normalize(payload.Kind) switch
        {
            UploadKinds.Inventory => await IngestInventoryAsync(source, payload.Servers!, payload.Complete, cancellationToken).ConfigureAwait(false),
            UploadKinds.Performance => new IngestionResult(await IngestPerformanceAsync(source, payload.Performance!, cancellationToken).ConfigureAwait(false), [], 0),
            UploadKinds.Software => new IngestionResult(await IngestSoftwareAsync(source, payload.Software!, cancellationToken).ConfigureAwait(false), [], 0),
            UploadKinds.Dependencies => new IngestionResult(await IngestDependenciesAsync(source, payload.Connections!, cancellationToken).ConfigureAwait(false), [], 0),
            _ => throw new ArgumentException($"Unknown upload kind '{payload.Kind}'.", nameof(payload)),
        };
        logger.LogInformation(
            "Ingested {Kind} upload {UploadId} of {ApplianceId} into project {ProjectId}: {Items} items, {NewServers} new servers, {Missing} marked missing",
            payload.Kind, source.UploadId, source.ApplianceId, source.ProjectId, result.Items, result.NewServers.Count, result.MissingServers);
        return result;
    }

    /// <summary>Marks servers whose lifecycle orchestration was started (idempotent merge).</summary>
    public async Task MarkLifecycleStartedAsync(string region, string projectId, IEnumerable<string> serverIds, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Servers, cancellationToken).ConfigureAwait(false);
        var entities = serverIds.Select(id => new TableEntity(projectId, DiscoveryTables.Escape(id)) { ["LifecycleStarted"] = true });
        await SubmitAsync(table, entities, TableTransactionActionType.UpdateMerge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Per-type server counts of a project (active servers, not marked missing), for limits.</summary>
    public async Task<Dictionary<SourceType, int>> CountServersAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var existing = await ReadExistingAsync(region, projectId, cancellationToken).ConfigureAwait(false);
        return existing.Values.Where(e => !e.Missing).GroupBy(e => e.SourceType).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>
    /// Distinct servers the appliance would hold once an inventory is ingested: the upload's servers plus,
    /// unless the inventory is complete, the appliance's other servers still discovered.
    /// </summary>
    public async Task<int> ServersAfterInventoryAsync(string region, string projectId, string applianceId, IReadOnlyList<DiscoveredServer> servers, bool complete, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var keys = servers.Select(s => DiscoveryTables.Escape(s.Id)).ToHashSet(StringComparer.Ordinal);
        if (complete)
        {
            return keys.Count;
        }

        var existing = await ReadExistingAsync(region, projectId, cancellationToken).ConfigureAwait(false);
        return keys.Count + existing.Count(e => e.Value.ApplianceId == applianceId && !e.Value.Missing && !keys.Contains(e.Key));
    }

    private async Task<IngestionResult> IngestInventoryAsync(UploadSource source, IReadOnlyList<DiscoveredServer> servers, bool complete, CancellationToken cancellationToken)
    {
        var table = await storage.Region(source.Region).TableAsync(DiscoveryTables.Servers, cancellationToken).ConfigureAwait(false);
        var existing = await ReadExistingAsync(source.Region, source.ProjectId, cancellationToken).ConfigureAwait(false);
        var writes = new List<TableEntity>(servers.Count);
        var newServers = new List<DiscoveredServer>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in servers)
        {
            var key = DiscoveryTables.Escape(server.Id);
            seen.Add(key);
            existing.TryGetValue(key, out var old);
            if (old is not null && old.LastAcceptedAt > source.AcceptedAt)
            {
                continue; // a newer upload already wrote this server
            }

            writes.Add(ServerEntity(source, server, old));
            if (old?.LifecycleStarted != true)
            {
                newServers.Add(server);
            }
        }

        var missing = new List<TableEntity>();
        if (complete)
        {
            foreach (var (key, old) in existing)
            {
                if (!seen.Contains(key) && !old.Missing && old.ApplianceId == source.ApplianceId && old.LastAcceptedAt < source.AcceptedAt)
                {
                    missing.Add(new TableEntity(source.ProjectId, key)
                    {
                        ["Missing"] = true,
                        ["MissingSince"] = source.AcceptedAt,
                        ["LastAcceptedAt"] = source.AcceptedAt,
                    });
                }
            }
        }

        await SubmitAsync(table, writes, TableTransactionActionType.UpsertReplace, cancellationToken).ConfigureAwait(false);
        await SubmitAsync(table, missing, TableTransactionActionType.UpdateMerge, cancellationToken).ConfigureAwait(false);
        return new IngestionResult(writes.Count, newServers, missing.Count);
    }

    private static TableEntity ServerEntity(UploadSource source, DiscoveredServer server, ExistingServer? old)
    {
        var first = old?.FirstDiscoveredAt ?? server.FirstDiscoveredAt ?? source.AcceptedAt;
        var last = server.LastDiscoveredAt ?? source.AcceptedAt;
        var entity = new TableEntity(source.ProjectId, DiscoveryTables.Escape(server.Id))
        {
            ["ServerId"] = server.Id,
            ["Name"] = server.Name,
            ["SourceId"] = server.SourceId,
            ["SourceType"] = server.SourceType.ToString(),
            ["ApplianceId"] = source.ApplianceId,
            ["OsName"] = server.OperatingSystem.Name,
            ["OsVersion"] = server.OperatingSystem.Version,
            ["OsArchitecture"] = server.OperatingSystem.Architecture.ToString(),
            ["OsFamily"] = OsFamilies.Of(server.OperatingSystem.Name),
            ["BootType"] = server.BootType.ToString(),
            ["Cores"] = server.Cores,
            ["MemoryMb"] = server.MemoryMb,
            ["PowerState"] = server.PowerState.ToString(),
            ["Host"] = server.Host,
            ["Cluster"] = server.Cluster,
            ["Datacenter"] = server.Datacenter,
            ["HyperVGeneration"] = server.HyperVGeneration,
            ["DiskCount"] = server.Disks.Count,
            ["DiskSizeGb"] = server.Disks.Sum(d => d.SizeGb),
            ["NicCount"] = server.NetworkAdapters.Count,
            ["IsImported"] = server.IsImported,
            ["FirstDiscoveredAt"] = first,
            ["LastDiscoveredAt"] = last,
            ["LastAcceptedAt"] = source.AcceptedAt,
            ["LastUploadId"] = source.UploadId,
            ["Missing"] = false,
            ["LifecycleStarted"] = old?.LifecycleStarted ?? false,
        };
        var detail = server with { FirstDiscoveredAt = first, LastDiscoveredAt = last };
        DiscoveryTables.SetChunked(entity, "Detail", JsonSerializer.Serialize(detail, DiscoveryJson.Options));
        return entity;
    }

    private async Task<int> IngestPerformanceAsync(UploadSource source, IReadOnlyList<ServerPerformance> performance, CancellationToken cancellationToken)
    {
        var table = await storage.Region(source.Region).TableAsync(DiscoveryTables.Performance, cancellationToken).ConfigureAwait(false);

        // A server listed twice in one upload: its later entry wins slot by slot, as separate merges would. A server
        // listed once in columnar form (the appliance's usual upload) is encoded from its columns.
        var entries = performance.GroupBy(p => p.ServerId!, StringComparer.Ordinal);
        var writes = new List<(TableEntity Entity, TableTransactionActionType Action)>();
        var written = 0;
        foreach (var entry in entries)
        {
            int count;
            if (entry.Count() == 1 && entry.First().Columns is { } columns)
            {
                writes.AddRange(PerformanceCodec.DayEntities(source.ProjectId, entry.Key, columns, out count));
            }
            else
            {
                var points = entry.Skip(1).Aggregate(entry.First().AllPoints(), (earlier, later) => PerformanceCodec.Overlay(earlier, later.AllPoints()));
                writes.AddRange(PerformanceCodec.DayEntities(source.ProjectId, entry.Key, points, out count));
            }

            written += count;
        }

        await SubmitAsync(table, writes, cancellationToken).ConfigureAwait(false);
        return written;
    }

    private async Task<int> IngestSoftwareAsync(UploadSource source, IReadOnlyList<ServerSoftware> software, CancellationToken cancellationToken)
    {
        var table = await storage.Region(source.Region).TableAsync(DiscoveryTables.Software, cancellationToken).ConfigureAwait(false);
        var entities = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var s in software)
        {
            var entity = new TableEntity(source.ProjectId, DiscoveryTables.Escape(s.ServerId!))
            {
                ["ServerId"] = s.ServerId,
                ["ApplicationCount"] = s.Applications.Count,
                ["FeatureCount"] = s.Features.Count,
                ["SqlInstanceCount"] = s.SqlInstances.Count,
                ["SqlDatabaseCount"] = s.SqlInstances.Sum(i => i.Databases?.Count ?? 0),
                ["WebAppCount"] = s.WebApps.Count,
                ["LastAcceptedAt"] = source.AcceptedAt,
                ["LastUploadId"] = source.UploadId,
            };
            DiscoveryTables.SetChunked(entity, "Data", JsonSerializer.Serialize(s, DiscoveryJson.Options));
            entities[entity.RowKey] = entity; // the last entry for a server wins within one upload
        }

        await SubmitAsync(table, entities.Values, TableTransactionActionType.UpsertReplace, cancellationToken).ConfigureAwait(false);
        return entities.Count;
    }

    private async Task<int> IngestDependenciesAsync(UploadSource source, IReadOnlyList<DependencyConnection> connections, CancellationToken cancellationToken)
    {
        var table = await storage.Region(source.Region).TableAsync(DiscoveryTables.Dependencies, cancellationToken).ConfigureAwait(false);
        var rows = new Dictionary<string, (DependencyConnection Connection, long Count)>(StringComparer.Ordinal);
        foreach (var c in connections)
        {
            var key = DependencyRowKey(c);
            rows[key] = rows.TryGetValue(key, out var existing) ? (existing.Connection, existing.Count + c.Connections) : (c, c.Connections);
        }

        var entities = rows.Select(r => new TableEntity(source.ProjectId, r.Key)
        {
            ["TimeSlotStart"] = r.Value.Connection.TimeSlotStart.ToUniversalTime(),
            ["SourceServerId"] = r.Value.Connection.SourceServerId,
            ["SourceServerName"] = r.Value.Connection.SourceServerName,
            ["SourceProcess"] = r.Value.Connection.SourceProcess,
            ["SourceApplication"] = r.Value.Connection.SourceApplication,
            ["DestinationServerName"] = r.Value.Connection.DestinationServerName,
            ["DestinationIp"] = r.Value.Connection.DestinationIp,
            ["DestinationProcess"] = r.Value.Connection.DestinationProcess,
            ["DestinationApplication"] = r.Value.Connection.DestinationApplication,
            ["DestinationPort"] = r.Value.Connection.DestinationPort,
            ["Connections"] = r.Value.Count,
            ["ApplianceId"] = source.ApplianceId,
        });
        await SubmitAsync(table, entities, TableTransactionActionType.UpsertReplace, cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }

    /// <summary>"{slot yyyyMMddHH}|{hash}": ordered by time slot, so retention deletes a key range.</summary>
    public static string DependencyRowKey(DependencyConnection c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var identity = string.Join('\u001f', c.SourceServerId, c.SourceProcess, c.SourceApplication, c.DestinationServerName, c.DestinationIp, c.DestinationProcess, c.DestinationApplication, c.DestinationPort);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 12));
        return c.TimeSlotStart.UtcDateTime.ToString("yyyyMMddHH", System.Globalization.CultureInfo.InvariantCulture) + "|" + hash;
    }

    private async Task<Dictionary<string, ExistingServer>> ReadExistingAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Servers, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, ExistingServer>(StringComparer.Ordinal);
        var query = table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {projectId}"),
            maxPerPage: 1000,
            select: ["RowKey", "FirstDiscoveredAt", "LastAcceptedAt", "LifecycleStarted", "ApplianceId", "Missing", "SourceType"],
            cancellationToken: cancellationToken);
        await foreach (var e in query.ConfigureAwait(false))
        {
            result[e.RowKey] = new ExistingServer(
                e.GetDateTimeOffset("FirstDiscoveredAt"),
                e.GetDateTimeOffset("LastAcceptedAt") ?? DateTimeOffset.MinValue,
                e.GetBoolean("LifecycleStarted") == true,
                e.GetString("ApplianceId"),
                e.GetBoolean("Missing") == true,
                Enum.TryParse<SourceType>(e.GetString("SourceType"), out var type) ? type : SourceType.Unknown);
        }

        return result;
    }

    /// <summary>Submits entities, each with its own action, in transactions of at most 100, grouped by partition, several in flight.</summary>
    internal static async Task SubmitAsync(TableClient table, IEnumerable<(TableEntity Entity, TableTransactionActionType Action)> writes, CancellationToken cancellationToken)
    {
        var batches = PerformanceCodec.Batches(writes);
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = BatchesInFlight, CancellationToken = cancellationToken },
            async (batch, ct) => await table.SubmitTransactionAsync(batch.Select(w => new TableTransactionAction(w.Action, w.Entity)), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Submits entities in transactions of at most 100, grouped by partition, several in flight.</summary>
    internal static async Task SubmitAsync(TableClient table, IEnumerable<TableEntity> entities, TableTransactionActionType action, CancellationToken cancellationToken)
    {
        var batches = entities
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(DiscoveryTables.BatchSize))
            .ToList();
        if (batches.Count == 0)
        {
            return;
        }

        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = BatchesInFlight, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                try
                {
                    await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(action, e)), ct).ConfigureAwait(false);
                }
                catch (TableTransactionFailedException ex) when (action == TableTransactionActionType.UpdateMerge && ex.Status == 404)
                {
                    // A row to update is gone (project deleted meanwhile): update the others one by one.
                    foreach (var e in batch)
                    {
                        try
                        {
                            await table.UpdateEntityAsync(e, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                        }
                        catch (RequestFailedException inner) when (inner.Status == 404)
                        {
                        }
                    }
                }
            }).ConfigureAwait(false);
    }

    private sealed record ExistingServer(DateTimeOffset? FirstDiscoveredAt, DateTimeOffset LastAcceptedAt, bool LifecycleStarted, string? ApplianceId, bool Missing, SourceType SourceType);
}

/// <summary>OS family of a reported OS name, for filtering.</summary>
public static class OsFamilies
{
    /// <summary>"Windows", "Linux", "Other" or "Unknown".</summary>
    public static string Of(string? osName)
    {
        if (string.IsNullOrWhiteSpace(osName))
        {
            return "Unknown";
        }

        if (osName.Contains("windows", StringComparison.OrdinalIgnoreCase))
        {
            return "Windows";
        }

        string[] linux = ["linux", "ubuntu", "centos", "red hat", "rhel", "debian", "suse", "sles", "oracle", "rocky", "alma", "fedora", "coreos", "photon"];
        return linux.Any(l => osName.Contains(l, StringComparison.OrdinalIgnoreCase)) ? "Linux" : "Other";
    }
}
