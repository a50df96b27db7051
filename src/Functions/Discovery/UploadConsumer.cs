using System.Text.Json;
using Azure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Discovery;

/// <summary>What to do with a queue message after <see cref="UploadConsumer.ConsumeAsync"/>.</summary>
public abstract record ConsumeOutcome
{
    /// <summary>Done (ingested now or before): complete the message.</summary>
    public sealed record Complete : ConsumeOutcome;

    /// <summary>Transient failure: abandon so that the broker redelivers.</summary>
    public sealed record Retry(string Error) : ConsumeOutcome;

    /// <summary>Poison: dead-letter with the reason (the upload's record already says why).</summary>
    public sealed record DeadLetter(string Reason, string Description) : ConsumeOutcome;
}

/// <summary>
/// The one consumer of the upload queue, called by the Azure timer drain
/// (<see cref="UploadQueueDrainTimer"/>) and by the DevHost's Service Bus processor: reads the raw
/// payload from blob storage, ingests it (idempotent), starts the lifecycle of servers new to the
/// project, and records the upload as ingested or, when it can never succeed, as failed with its reason.
/// </summary>
public sealed class UploadConsumer(HubStorage storage, UploadService uploads, IngestionService ingestion, MachineLifecycleStarter lifecycles, ILogger<UploadConsumer> logger)
{
    /// <summary>Deliveries of one message before a non-outage failure makes the upload poison.</summary>
    public const int MaxDeliveries = 5;

    /// <summary>Handles one message body.</summary>
    public async Task<ConsumeOutcome> ConsumeAsync(BinaryData body, int deliveryCount, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(durable);
        UploadMessage? message;
        try
        {
            message = body.ToObjectFromJson<UploadMessage>(DiscoveryJson.Options);
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Dead-lettering a malformed upload message: {Error}", ex.Message);
            return new ConsumeOutcome.DeadLetter("MalformedMessage", "The message is not an upload notification: " + ex.Message);
        }

        if (message is null || string.IsNullOrEmpty(message.ProjectId) || string.IsNullOrEmpty(message.Region)
            || string.IsNullOrEmpty(message.ApplianceId) || string.IsNullOrEmpty(message.UploadId))
        {
            return new ConsumeOutcome.DeadLetter("MalformedMessage", "The message lacks projectId, region, applianceId or uploadId.");
        }

        if (!storage.Hosts(message.Region))
        {
            return new ConsumeOutcome.DeadLetter("UnknownRegion", $"Region '{message.Region}' is not hosted by this deployment.");
        }

        var region = message.Region;
        UploadRecord? upload;
        try
        {
            upload = await uploads.GetAsync(region, message.ProjectId, message.ApplianceId, message.UploadId, cancellationToken).ConfigureAwait(false);
        }
        catch (RegionUnavailableException ex)
        {
            return new ConsumeOutcome.Retry(ex.Message);
        }

        if (upload is null)
        {
            return new ConsumeOutcome.DeadLetter("UnknownUpload", $"No upload '{message.UploadId}' of '{message.ApplianceId}' in project '{message.ProjectId}' (deleted?).");
        }

        if (upload.State != UploadStates.Accepted)
        {
            logger.LogDebug("Upload {UploadId} already {State}; duplicate delivery completed", upload.UploadId, upload.State);
            return new ConsumeOutcome.Complete();
        }

        logger.LogInformation("Consuming {Kind} upload {UploadId} of {ApplianceId} in project {ProjectId} (delivery {Delivery})", upload.Kind, upload.UploadId, upload.ApplianceId, upload.ProjectId, deliveryCount);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            UploadPayload payload;
            try
            {
                payload = await uploads.ReadPayloadObjectAsync(region, upload, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException("The payload is null.");
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return await PoisonAsync(region, upload, "The raw payload is missing from blob storage.", cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                return await PoisonAsync(region, upload, "The stored payload is not valid gzip: " + ex.Message, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                return await PoisonAsync(region, upload, $"The stored payload is not valid JSON at '{ex.Path}': {ex.Message}", cancellationToken).ConfigureAwait(false);
            }

            var readMs = clock.ElapsedMilliseconds;
            var errors = UploadValidator.Validate(payload);
            if (errors.Count > 0)
            {
                var first = errors.First();
                return await PoisonAsync(region, upload, $"The stored payload is not valid: {first.Key}: {first.Value.FirstOrDefault()} ({errors.Count} fields at fault).", cancellationToken).ConfigureAwait(false);
            }

            var source = new UploadSource(region, upload.ProjectId, upload.ApplianceId, upload.UploadId, upload.AcceptedAt);
            var result = await ingestion.IngestAsync(source, payload, cancellationToken).ConfigureAwait(false);
            var ingestMs = clock.ElapsedMilliseconds;
            await uploads.MarkIngestedAsync(region, upload, result, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Upload {UploadId}: read {ReadMs} ms, ingested at {IngestMs} ms, recorded at {TotalMs} ms", upload.UploadId, readMs, ingestMs, clock.ElapsedMilliseconds);

            // The data is readable now; servers new to the project start their lifecycle. A start lost
            // here (crash, outage) is retried by the sweep, which looks for servers not yet started.
            try
            {
                await lifecycles.StartAsync(durable, region, upload.ProjectId, result.NewServers, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Upload {UploadId}: lifecycle starts incomplete; the sweep will finish them", upload.UploadId);
            }

            return new ConsumeOutcome.Complete();
        }
        catch (RegionUnavailableException ex)
        {
            // An outage is not the upload's fault: retry (the sweep re-sends if the broker gives up).
            logger.LogWarning("Upload {UploadId}: region {Region} unavailable; will retry", upload.UploadId, ex.Region);
            return new ConsumeOutcome.Retry(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Upload {UploadId} of project {ProjectId}: ingestion attempt {Delivery} failed", upload.UploadId, upload.ProjectId, deliveryCount);
            if (deliveryCount >= MaxDeliveries)
            {
                return await PoisonAsync(region, upload, $"Ingestion failed {deliveryCount} times: {ex.GetType().Name}: {ex.Message}", cancellationToken).ConfigureAwait(false);
            }

            await uploads.RecordErrorAsync(region, upload, $"Attempt {deliveryCount} failed: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return new ConsumeOutcome.Retry(ex.Message);
        }
    }

    private async Task<ConsumeOutcome> PoisonAsync(string region, UploadRecord upload, string reason, CancellationToken cancellationToken)
    {
        await uploads.MarkFailedAsync(region, upload, reason, cancellationToken).ConfigureAwait(false);
        return new ConsumeOutcome.DeadLetter("PoisonUpload", reason);
    }
}
