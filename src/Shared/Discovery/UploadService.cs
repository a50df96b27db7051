using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Discovery;

/// <summary>The outcome of accepting an upload.</summary>
public abstract record AcceptOutcome
{
    /// <summary>Stored and queued (or the same upload repeated: <paramref name="IsNew"/> false).</summary>
    public sealed record Accepted(UploadRecord Upload, bool IsNew) : AcceptOutcome;

    /// <summary>The upload id was used before with other content.</summary>
    public sealed record Conflict(UploadRecord Existing) : AcceptOutcome;
}

/// <summary>
/// Accepts uploads (raw payload in the region's blob container, a record in the Uploads table, a
/// message on the region's queue) and keeps their status. Nothing accepted is lost: the record is
/// written before the 202, and <see cref="ResendStaleAsync"/> re-sends what was not ingested.
/// </summary>
public sealed class UploadService(HubStorage storage, UploadBus bus, TimeProvider clock, ILogger<UploadService> logger)
{
    /// <summary>After this many sends without ingestion an upload is recorded as failed.</summary>
    public const int MaxSends = 10;

    /// <summary>Accepts a validated payload (<paramref name="json"/> is its uncompressed JSON).</summary>
    public Task<AcceptOutcome> AcceptAsync(
        string region, string projectId, string applianceId, string uploadId, string kind, int itemCount, ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        AcceptAsync(region, projectId, applianceId, uploadId, kind, itemCount, json, null, cancellationToken);

    /// <summary>
    /// Accepts a validated payload: <paramref name="json"/> is its uncompressed JSON (hashed, so that the
    /// same content compressed differently is the same upload), <paramref name="gzip"/> the body as sent
    /// when it was gzip (stored as is); when null the JSON is compressed here.
    /// </summary>
    public async Task<AcceptOutcome> AcceptAsync(
        string region, string projectId, string applianceId, string uploadId, string kind, int itemCount, ReadOnlyMemory<byte> json, byte[]? gzip, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexString(SHA256.HashData(json.Span));
        var existing = await GetAsync(region, projectId, applianceId, uploadId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing.ContentSha256 == hash ? new AcceptOutcome.Accepted(existing, false) : new AcceptOutcome.Conflict(existing);
        }

        var now = clock.GetUtcNow();
        var blobName = $"{projectId}/{DiscoveryTables.Escape(applianceId)}/{DiscoveryTables.Escape(uploadId)}.json.gz";
        var container = await storage.Region(region).ContainerAsync(ResourceNames.UploadContainer, cancellationToken).ConfigureAwait(false);
        if (gzip is not null)
        {
            await container.GetBlobClient(blobName).UploadAsync(new BinaryData(gzip), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var compressed = new MemoryStream();
            using (var compressor = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                compressor.Write(json.Span);
            }

            compressed.Position = 0;
            await container.GetBlobClient(blobName).UploadAsync(compressed, overwrite: true, cancellationToken).ConfigureAwait(false);
        }

        var record = new UploadRecord
        {
            ProjectId = projectId,
            ApplianceId = applianceId,
            UploadId = uploadId,
            Kind = kind,
            State = UploadStates.Accepted,
            ContentSha256 = hash,
            BlobName = blobName,
            ItemCount = itemCount,
            AcceptedAt = now,
            LastSentAt = now,
            SendCount = 0,
        };
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Uploads, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(ToEntity(record), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // A concurrent request with the same upload id won.
            var winner = await GetAsync(region, projectId, applianceId, uploadId, cancellationToken).ConfigureAwait(false);
            return winner!.ContentSha256 == hash ? new AcceptOutcome.Accepted(winner, false) : new AcceptOutcome.Conflict(winner);
        }

        record = await SendAsync(region, record, cancellationToken).ConfigureAwait(false);
        return new AcceptOutcome.Accepted(record, true);
    }

    /// <summary>An upload's record, or null.</summary>
    public async Task<UploadRecord?> GetAsync(string region, string projectId, string applianceId, string uploadId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Uploads, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(projectId, RowKey(applianceId, uploadId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>The uncompressed JSON of an upload.</summary>
    public async Task<byte[]> ReadPayloadAsync(string region, UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var container = await storage.Region(region).ContainerAsync(ResourceNames.UploadContainer, cancellationToken).ConfigureAwait(false);
        var content = await container.GetBlobClient(upload.BlobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        using var gzip = new GZipStream(content.Value.Content.ToStream(), CompressionMode.Decompress);
        using var output = new MemoryStream();
        await gzip.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
        return output.ToArray();
    }

    /// <summary>
    /// The payload of an upload, deserialised while it is decompressed (the JSON is never held whole).
    /// Throws <see cref="InvalidDataException"/> for bad gzip and <see cref="JsonException"/> for bad JSON.
    /// </summary>
    public async Task<UploadPayload?> ReadPayloadObjectAsync(string region, UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var container = await storage.Region(region).ContainerAsync(ResourceNames.UploadContainer, cancellationToken).ConfigureAwait(false);
        var content = await container.GetBlobClient(upload.BlobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        using var gzip = new GZipStream(content.Value.Content.ToStream(), CompressionMode.Decompress);
        return await JsonSerializer.DeserializeAsync<UploadPayload>(gzip, DiscoveryJson.Options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the upload as ingested (a merge of the state fields only, so a concurrent re-send does not undo it).</summary>
    public Task MarkIngestedAsync(string region, UploadRecord upload, IngestionResult result, CancellationToken cancellationToken) =>
        MergeAsync(region, upload, new Dictionary<string, object?>
        {
            ["State"] = UploadStates.Ingested,
            ["IngestedAt"] = clock.GetUtcNow(),
            ["NewServers"] = result.NewServers.Count,
            ["MissingServers"] = result.MissingServers,
            ["Reason"] = string.Empty,
        }, cancellationToken);

    /// <summary>Records the upload as poison with its reason.</summary>
    public Task MarkFailedAsync(string region, UploadRecord upload, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        logger.LogWarning("Upload {UploadId} of {ApplianceId} in project {ProjectId} failed: {Reason}", upload.UploadId, upload.ApplianceId, upload.ProjectId, reason);
        return MergeAsync(region, upload, new Dictionary<string, object?> { ["State"] = UploadStates.Failed, ["Reason"] = Truncate(reason) }, cancellationToken);
    }

    /// <summary>Keeps the last transient error on a still-accepted upload.</summary>
    public Task RecordErrorAsync(string region, UploadRecord upload, string reason, CancellationToken cancellationToken) =>
        MergeAsync(region, upload, new Dictionary<string, object?> { ["Reason"] = Truncate(reason) }, cancellationToken);

    /// <summary>
    /// Re-sends the message of every upload of the region accepted but not ingested whose last send is
    /// older than <paramref name="after"/>; after <see cref="MaxSends"/> sends it is recorded as failed.
    /// </summary>
    public async Task<int> ResendStaleAsync(string region, TimeSpan after, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Uploads, cancellationToken).ConfigureAwait(false);
        var cutoff = clock.GetUtcNow() - after;
        var stale = new List<UploadRecord>();
        var filter = TableClient.CreateQueryFilter($"State eq {UploadStates.Accepted} and LastSentAt le {cutoff}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            stale.Add(FromEntity(e));
        }

        foreach (var upload in stale)
        {
            if (upload.SendCount >= MaxSends)
            {
                await MarkFailedAsync(region, upload, $"Not ingested after {upload.SendCount} sends. Last error: {upload.Reason ?? "none recorded"}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            logger.LogWarning("Re-sending upload {UploadId} of {ApplianceId} in project {ProjectId} (accepted {AcceptedAt}, not ingested)", upload.UploadId, upload.ApplianceId, upload.ProjectId, upload.AcceptedAt);
            await SendAsync(region, upload, cancellationToken).ConfigureAwait(false);
        }

        return stale.Count;
    }

    /// <summary>Every upload record of a project (newest first is not guaranteed).</summary>
    public async Task<IReadOnlyList<UploadRecord>> ListAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Uploads, cancellationToken).ConfigureAwait(false);
        var list = new List<UploadRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(e));
        }

        return list;
    }

    private async Task<UploadRecord> SendAsync(string region, UploadRecord record, CancellationToken cancellationToken)
    {
        // Recorded before the send: a consumer that finishes first then merges its state over it.
        var sent = record with { SendCount = record.SendCount + 1, LastSentAt = clock.GetUtcNow() };
        await MergeAsync(region, record, new Dictionary<string, object?> { ["SendCount"] = sent.SendCount, ["LastSentAt"] = sent.LastSentAt }, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new UploadMessage(record.ProjectId, region, record.ApplianceId, record.UploadId), DiscoveryJson.Options);
            var message = new ServiceBusMessage(body)
            {
                // Unique per send: duplicate detection must not swallow a re-send; ingestion is idempotent.
                MessageId = $"{record.ProjectId}:{record.ApplianceId}:{record.UploadId}:{sent.SendCount}",
                ContentType = "application/json",
                Subject = record.Kind,
            };
            await bus.Sender(region).SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ServiceBusException or UnauthorizedAccessException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            // The upload is stored; the sweep sends it later.
            logger.LogWarning(ex, "Could not queue upload {UploadId} of project {ProjectId}; the sweep will re-send it", record.UploadId, record.ProjectId);
            await RecordErrorAsync(region, record, "Queueing failed: " + ex.Message, cancellationToken).ConfigureAwait(false);
        }

        return sent;
    }

    private async Task MergeAsync(string region, UploadRecord record, Dictionary<string, object?> fields, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Uploads, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(record.ProjectId, RowKey(record.ApplianceId, record.UploadId));
        foreach (var (key, value) in fields)
        {
            entity[key] = value;
        }

        try
        {
            await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The project (and its uploads) was deleted meanwhile.
        }
    }

    private static string Truncate(string reason) => reason.Length > 8000 ? reason[..8000] : reason;

    private static string RowKey(string applianceId, string uploadId) => DiscoveryTables.Escape(applianceId) + "|" + DiscoveryTables.Escape(uploadId);

    private static TableEntity ToEntity(UploadRecord r) => new(r.ProjectId, RowKey(r.ApplianceId, r.UploadId))
    {
        ["ApplianceId"] = r.ApplianceId,
        ["UploadId"] = r.UploadId,
        ["Kind"] = r.Kind,
        ["State"] = r.State,
        ["ContentSha256"] = r.ContentSha256,
        ["BlobName"] = r.BlobName,
        ["ItemCount"] = r.ItemCount,
        ["AcceptedAt"] = r.AcceptedAt,
        ["LastSentAt"] = r.LastSentAt,
        ["SendCount"] = r.SendCount,
        ["IngestedAt"] = r.IngestedAt,
        ["NewServers"] = r.NewServers,
        ["MissingServers"] = r.MissingServers,
        ["Reason"] = r.Reason is { Length: > 8000 } text ? text[..8000] : r.Reason,
    };

    private static UploadRecord FromEntity(TableEntity e) => new()
    {
        ProjectId = e.PartitionKey,
        ApplianceId = e.GetString("ApplianceId"),
        UploadId = e.GetString("UploadId"),
        Kind = e.GetString("Kind"),
        State = e.GetString("State"),
        ContentSha256 = e.GetString("ContentSha256"),
        BlobName = e.GetString("BlobName"),
        ItemCount = e.GetInt32("ItemCount") ?? 0,
        AcceptedAt = e.GetDateTimeOffset("AcceptedAt") ?? default,
        LastSentAt = e.GetDateTimeOffset("LastSentAt") ?? default,
        SendCount = e.GetInt32("SendCount") ?? 0,
        IngestedAt = e.GetDateTimeOffset("IngestedAt"),
        NewServers = e.GetInt32("NewServers") ?? 0,
        MissingServers = e.GetInt32("MissingServers") ?? 0,
        Reason = string.IsNullOrEmpty(e.GetString("Reason")) ? null : e.GetString("Reason"),
    };
}
