using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Assessments;

/// <summary>
/// Groups, assessments, computation batches and assessed machines in the project's region (see
/// <see cref="AssessmentKeys"/> for the layout). Writes are batched (100 entities, one partition).
/// </summary>
public sealed class AssessmentStore(HubStorage storage)
{
    private const int Batch = 100;
    private const int ChunkChars = 30_000;

    /// <summary>Largest binary property (Table Storage: 64 KiB).</summary>
    private const int SnapshotChunkBytes = 64 * 1024;

    /// <summary>Largest server snapshot kept in a batch entity (room left for the ids within the 1 MiB entity).</summary>
    public const int MaxSnapshotBytes = 8 * SnapshotChunkBytes;

    /// <summary>JSON of stored documents and of the API (camelCase, enums as names).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    // ---------------------------------------------------------------- groups

    /// <summary>A group, or null.</summary>
    public async Task<Group?> GetGroupAsync(string region, string projectId, string name, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.GroupsTable, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(projectId, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToGroup(response.Value!) : null;
    }

    /// <summary>The project's groups, by name.</summary>
    public async Task<IReadOnlyList<Group>> ListGroupsAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.GroupsTable, cancellationToken).ConfigureAwait(false);
        var list = new List<Group>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToGroup(e));
        }

        return list;
    }

    /// <summary>
    /// Creates or replaces a group. A list group's members are written first (added, then the ones no
    /// longer listed removed), then the group row; repeating the call changes nothing.
    /// </summary>
    public async Task<Group> PutGroupAsync(string region, string projectId, string name, GroupRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var existing = await GetGroupAsync(region, projectId, name, cancellationToken).ConfigureAwait(false);
        var members = await TableAsync(region, AssessmentKeys.GroupMembersTable, cancellationToken).ConfigureAwait(false);
        var partition = AssessmentKeys.MembersPartition(projectId, name);
        var wanted = (request.Machines ?? []).Distinct(StringComparer.Ordinal).ToList();
        var current = await KeysAsync(members, partition, cancellationToken).ConfigureAwait(false);
        var wantedKeys = wanted.Select(DiscoveryTables.Escape).ToHashSet(StringComparer.Ordinal);
        await SubmitAsync(members, wanted.Where(id => !current.Contains(DiscoveryTables.Escape(id))).Select(id => new TableEntity(partition, DiscoveryTables.Escape(id)) { ["ServerId"] = id }), TableTransactionActionType.UpsertReplace, cancellationToken).ConfigureAwait(false);
        await SubmitAsync(members, current.Where(k => !wantedKeys.Contains(k)).Select(k => new TableEntity(partition, k)), TableTransactionActionType.Delete, cancellationToken).ConfigureAwait(false);

        var group = new Group(
            name,
            request.Filter is null ? "List" : "Filter",
            request.Filter is null ? wanted.Count : 0,
            request.Filter,
            existing?.CreatedAt ?? now,
            existing is not null && existing.Kind == (request.Filter is null ? "List" : "Filter") && existing.Filter == request.Filter && existing.Machines == wanted.Count && current.SetEquals(wantedKeys)
                ? existing.UpdatedAt
                : now);
        var table = await TableAsync(region, AssessmentKeys.GroupsTable, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(
            new TableEntity(projectId, name) { ["Data"] = JsonSerializer.Serialize(group, Json) },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
        return group;
    }

    /// <summary>The server ids listed in a list group.</summary>
    public async Task<IReadOnlyList<string>> ListMembersAsync(string region, string projectId, string group, CancellationToken cancellationToken)
    {
        var members = await TableAsync(region, AssessmentKeys.GroupMembersTable, cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        await foreach (var e in members.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AssessmentKeys.MembersPartition(projectId, group)}"), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(DiscoveryTables.Unescape(e.RowKey));
        }

        return ids;
    }

    /// <summary>Deletes a group's row and members (its assessments are deleted by the caller first).</summary>
    public async Task DeleteGroupAsync(string region, string projectId, string group, CancellationToken cancellationToken)
    {
        var members = await TableAsync(region, AssessmentKeys.GroupMembersTable, cancellationToken).ConfigureAwait(false);
        await DeletePartitionAsync(members, AssessmentKeys.MembersPartition(projectId, group), cancellationToken).ConfigureAwait(false);
        var table = await TableAsync(region, AssessmentKeys.GroupsTable, cancellationToken).ConfigureAwait(false);
        await table.DeleteEntityAsync(projectId, group, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- assessments

    /// <summary>An assessment, or null.</summary>
    public async Task<AssessmentRecord?> GetAssessmentAsync(string region, string projectId, string group, string name, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.AssessmentsTable, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(projectId, AssessmentKeys.AssessmentId(group, name), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToAssessment(response.Value!) : null;
    }

    /// <summary>The assessments of a group (all groups when <paramref name="group"/> is null).</summary>
    public async Task<IReadOnlyList<AssessmentRecord>> ListAssessmentsAsync(string region, string projectId, string? group, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.AssessmentsTable, cancellationToken).ConfigureAwait(false);
        var filter = group is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {projectId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {projectId} and RowKey ge {group + "~"} and RowKey lt {group + "\u007f"}");
        var list = new List<AssessmentRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToAssessment(e));
        }

        return list;
    }

    /// <summary>Writes an assessment (replace).</summary>
    public async Task PutAssessmentAsync(string region, string projectId, AssessmentRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await TableAsync(region, AssessmentKeys.AssessmentsTable, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(projectId, record.Id) { ["Status"] = record.Status, ["RunId"] = record.RunId };
        SetChunked(entity, "Data", JsonSerializer.Serialize(record, Json));
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes an assessment: its row, every computation's batches and results, its report blobs.</summary>
    public async Task DeleteAssessmentAsync(string region, string projectId, string group, string name, CancellationToken cancellationToken)
    {
        var prefix = projectId + "_" + AssessmentKeys.AssessmentId(group, name) + "_";
        foreach (var tableName in new[] { AssessmentKeys.BatchesTable, AssessmentKeys.ResultsTable })
        {
            var t = await TableAsync(region, tableName, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(t, TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "\u007f"}"), cancellationToken).ConfigureAwait(false);
        }

        var container = await storage.Region(region).ContainerAsync(ResourceNames.ExportContainer, cancellationToken).ConfigureAwait(false);
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, AssessmentKeys.ReportPrefix(projectId, group, name), cancellationToken).ConfigureAwait(false))
        {
            await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var table = await TableAsync(region, AssessmentKeys.AssessmentsTable, cancellationToken).ConfigureAwait(false);
        await table.DeleteEntityAsync(projectId, AssessmentKeys.AssessmentId(group, name), ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the batches and results of every computation of an assessment except <paramref name="keepRunId"/>, and their reports.</summary>
    public async Task DeleteOtherRunsAsync(string region, string projectId, string group, string name, string keepRunId, CancellationToken cancellationToken)
    {
        var prefix = projectId + "_" + AssessmentKeys.AssessmentId(group, name) + "_";
        var keep = AssessmentKeys.RunPartition(projectId, group, name, keepRunId);
        foreach (var tableName in new[] { AssessmentKeys.BatchesTable, AssessmentKeys.ResultsTable })
        {
            var t = await TableAsync(region, tableName, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(t, TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "\u007f"} and PartitionKey ne {keep}"), cancellationToken).ConfigureAwait(false);
        }

        var container = await storage.Region(region).ContainerAsync(ResourceNames.ExportContainer, cancellationToken).ConfigureAwait(false);
        var keepPrefix = AssessmentKeys.ReportPrefix(projectId, group, name) + keepRunId + "/";
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, AssessmentKeys.ReportPrefix(projectId, group, name), cancellationToken).ConfigureAwait(false))
        {
            if (!blob.Name.StartsWith(keepPrefix, StringComparison.Ordinal))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // ---------------------------------------------------------------- batches and results

    /// <summary>Writes the batches of a computation (server ids per batch); returns the number of batches.</summary>
    public Task<int> WriteBatchesAsync(string region, string partition, IReadOnlyList<IReadOnlyList<string>> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return WriteBatchesAsync(region, partition, batches.Select(ids => (ids, (IReadOnlyList<DiscoveredServer>?)null)).ToList(), cancellationToken);
    }

    /// <summary>
    /// Writes the batches of a computation: the server ids and, when it fits in the entity (gzip JSON
    /// in binary chunks of at most 64 KiB, <see cref="MaxSnapshotBytes"/> in all), the servers as the
    /// group resolved them, so a batch assesses exactly the inventory its fingerprint describes without
    /// reading each server again. Returns the number of batches.
    /// </summary>
    public async Task<int> WriteBatchesAsync(string region, string partition, IReadOnlyList<(IReadOnlyList<string> Ids, IReadOnlyList<DiscoveredServer>? Servers)> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var table = await TableAsync(region, AssessmentKeys.BatchesTable, cancellationToken).ConfigureAwait(false);
        var entities = batches.Select((batch, i) =>
        {
            var e = new TableEntity(partition, BatchKey(i)) { ["Count"] = batch.Ids.Count };
            SetChunked(e, "Ids", JsonSerializer.Serialize(batch.Ids, Json));
            if (batch.Servers is { } servers && Compress(JsonSerializer.SerializeToUtf8Bytes(servers, Json)) is { Length: <= MaxSnapshotBytes } snapshot)
            {
                SetBinaryChunks(e, "Servers", snapshot);
            }

            return e;
        });
        await SubmitAsync(table, entities, TableTransactionActionType.UpsertReplace, cancellationToken).ConfigureAwait(false);
        return batches.Count;
    }

    /// <summary>The server ids of one batch.</summary>
    public async Task<IReadOnlyList<string>> ReadBatchAsync(string region, string partition, int batch, CancellationToken cancellationToken) =>
        (await ReadBatchServersAsync(region, partition, batch, cancellationToken).ConfigureAwait(false)).Ids;

    /// <summary>The server ids of one batch and the servers as resolved when it was written (null when not kept).</summary>
    public async Task<(IReadOnlyList<string> Ids, IReadOnlyList<DiscoveredServer>? Servers)> ReadBatchServersAsync(string region, string partition, int batch, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.BatchesTable, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityAsync<TableEntity>(partition, BatchKey(batch), cancellationToken: cancellationToken).ConfigureAwait(false);
        var e = response.Value;
        var ids = JsonSerializer.Deserialize<List<string>>(GetChunked(e, "Ids") ?? "[]", Json)!;
        if (GetBinaryChunks(e, "Servers") is not { } compressed)
        {
            return (ids, null);
        }

        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        return (ids, JsonSerializer.Deserialize<List<DiscoveredServer>>(gzip, Json));
    }

    /// <summary>Writes assessed machines (upsert: a retried batch rewrites the same rows).</summary>
    public async Task WriteResultsAsync(string region, string partition, IEnumerable<AssessedMachine> machines, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.ResultsTable, cancellationToken).ConfigureAwait(false);
        await SubmitAsync(table, machines.Select(m => ToEntity(partition, m)), TableTransactionActionType.UpsertReplace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of a computation's assessed machines (ordered by server id).</summary>
    public async Task<AssessedMachinePage> PageResultsAsync(string region, string partition, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.ResultsTable, cancellationToken).ConfigureAwait(false);
        var pages = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: top, cancellationToken: cancellationToken)
            .AsPages(continuationToken, top);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new AssessedMachinePage(page.Values.Select(FromEntity).ToList(), page.ContinuationToken);
        }

        return new AssessedMachinePage([], null);
    }

    /// <summary>Every assessed machine of a computation (ordered by server id).</summary>
    public async IAsyncEnumerable<AssessedMachine> ReadResultsAsync(string region, string partition, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, AssessmentKeys.ResultsTable, cancellationToken).ConfigureAwait(false);
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Submits entities in transactions of 100 per partition, a few transactions at a time.</summary>
    public static async Task SubmitAsync(TableClient table, IEnumerable<TableEntity> entities, TableTransactionActionType action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(entities);
        var batches = entities
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(Batch))
            .Select(chunk => chunk.Select(e => new TableTransactionAction(action, e, ETag.All)).ToList())
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, ct) =>
        {
            try
            {
                await table.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (action == TableTransactionActionType.Delete && ex.Status == 404)
            {
                // Already gone (a retried delete): delete the rest one by one.
                foreach (var a in batch)
                {
                    await table.DeleteEntityAsync(a.Entity.PartitionKey, a.Entity.RowKey, ETag.All, ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
    }

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string BatchKey(int batch) => batch.ToString("00000", CultureInfo.InvariantCulture);

    private async Task<TableClient> TableAsync(string region, string name, CancellationToken cancellationToken) =>
        await storage.Region(region).TableAsync(name, cancellationToken).ConfigureAwait(false);

    private static async Task<HashSet<string>> KeysAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(e.RowKey);
        }

        return keys;
    }

    private static Task DeletePartitionAsync(TableClient table, string partition, CancellationToken cancellationToken) =>
        DeleteAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken);

    private static async Task DeleteAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var keys = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new TableEntity(e.PartitionKey, e.RowKey));
        }

        await SubmitAsync(table, keys, TableTransactionActionType.Delete, cancellationToken).ConfigureAwait(false);
    }

    private static Group ToGroup(TableEntity e) => JsonSerializer.Deserialize<Group>(e.GetString("Data"), Json)!;

    private static AssessmentRecord ToAssessment(TableEntity e) => JsonSerializer.Deserialize<AssessmentRecord>(GetChunked(e, "Data")!, Json)!;

    private static TableEntity ToEntity(string partition, AssessedMachine m)
    {
        var e = new TableEntity(partition, DiscoveryTables.Escape(m.ServerId))
        {
            ["Name"] = m.Name,
            ["Readiness"] = m.Readiness.ToString(),
            ["Size"] = m.Compute?.Size.Name,
            ["MonthlyComputeCost"] = m.MonthlyComputeCost,
            ["MonthlyStorageCost"] = m.MonthlyStorageCost,
            ["Confidence"] = m.ConfidenceRating,
        };
        SetBinaryChunks(e, "DataGz", Compress(JsonSerializer.SerializeToUtf8Bytes(m, Json)));
        return e;
    }

    /// <summary>The assessed machine: gzip JSON in binary chunks, or (rows written before) chunked JSON text.</summary>
    private static AssessedMachine FromEntity(TableEntity e)
    {
        if (GetBinaryChunks(e, "DataGz") is { } compressed)
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            return JsonSerializer.Deserialize<AssessedMachine>(gzip, Json)!;
        }

        return JsonSerializer.Deserialize<AssessedMachine>(GetChunked(e, "Data")!, Json)!;
    }

    /// <summary>Stores bytes in binary properties "{prefix}0", "{prefix}1", ... of at most 64 KiB, with "{prefix}Chunks".</summary>
    private static void SetBinaryChunks(TableEntity entity, string prefix, byte[] data)
    {
        var chunks = Math.Max(1, (data.Length + SnapshotChunkBytes - 1) / SnapshotChunkBytes);
        if (chunks > 15)
        {
            throw new InvalidOperationException($"Value of {data.Length} bytes is too large for one entity.");
        }

        entity[prefix + "Chunks"] = chunks;
        for (var c = 0; c < chunks; c++)
        {
            var start = c * SnapshotChunkBytes;
            entity[prefix + c.ToString(CultureInfo.InvariantCulture)] = data.AsSpan(start, Math.Min(SnapshotChunkBytes, data.Length - start)).ToArray();
        }
    }

    private static byte[]? GetBinaryChunks(TableEntity entity, string prefix)
    {
        if (entity.GetInt32(prefix + "Chunks") is not { } chunks)
        {
            return null;
        }

        using var data = new MemoryStream();
        for (var c = 0; c < chunks; c++)
        {
            data.Write(entity.GetBinary(prefix + c.ToString(CultureInfo.InvariantCulture)));
        }

        return data.ToArray();
    }

    private static void SetChunked(TableEntity entity, string prefix, string value)
    {
        var chunks = Math.Max(1, (value.Length + ChunkChars - 1) / ChunkChars);
        if (chunks > 30)
        {
            throw new InvalidOperationException($"Value of {value.Length} characters is too large for one entity.");
        }

        entity[prefix + "Chunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            var start = i * ChunkChars;
            entity[prefix + i.ToString(CultureInfo.InvariantCulture)] = start >= value.Length ? string.Empty : value.Substring(start, Math.Min(ChunkChars, value.Length - start));
        }
    }

    private static string? GetChunked(TableEntity entity, string prefix)
    {
        var chunks = entity.GetInt32(prefix + "Chunks");
        if (chunks is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            sb.Append(entity.GetString(prefix + i.ToString(CultureInfo.InvariantCulture)));
        }

        return sb.ToString();
    }
}
