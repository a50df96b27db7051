using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Discovery;

/// <summary>Tuning of discovery's background work (configuration section <c>MigrateHub:Discovery</c>; defaults suit Azure).</summary>
public sealed class DiscoveryOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "MigrateHub:Discovery";

    /// <summary>An upload accepted but not ingested for this long is re-sent by the sweep.</summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one run of the Azure drain timer may receive before it yields to the next run.</summary>
    public TimeSpan DrainBudget { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>Messages processed concurrently by a consumer.</summary>
    public int MaxConcurrentUploads { get; set; } = 4;

    /// <summary>
    /// Lifecycle starts in flight for one upload's new servers. Each start makes its orchestration run on
    /// the region's task hub storage, which the ingestion shares, so starts are paced rather than flooded.
    /// </summary>
    public int LifecycleStartsInFlight { get; set; } = 8;
}

/// <summary>
/// The consumer route in Azure (no Service Bus trigger package is available to this build): every
/// minute, drain each hosted region's upload queue with a <see cref="ServiceBusReceiver"/> and hand
/// each message to <see cref="UploadConsumer"/>. Timer triggers run on one instance at a time; the
/// budget keeps one run within a minute or so of the next.
/// </summary>
public sealed class UploadQueueDrainTimer(HubStorage storage, UploadBus bus, UploadConsumer consumer, IOptions<DiscoveryOptions> options, TimeProvider clock, ILogger<UploadQueueDrainTimer> logger)
{
    /// <summary>The timer function.</summary>
    [Function(nameof(UploadQueueDrain))]
    public async Task UploadQueueDrain(
        [TimerTrigger("0 * * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var deadline = clock.GetUtcNow() + options.Value.DrainBudget;
        foreach (var region in storage.HostedRegions.Where(bus.IsConfigured))
        {
            try
            {
                var handled = await DrainAsync(region, durable, deadline, cancellationToken);
                if (handled > 0)
                {
                    logger.LogInformation("Upload drain handled {Count} messages in {Region}", handled, region);
                }
            }
            catch (ServiceBusException ex)
            {
                logger.LogWarning(ex, "Upload drain skipped region {Region}: Service Bus unavailable", region);
            }
        }
    }

    /// <summary>Receives and handles messages until the queue is empty or the deadline passes.</summary>
    public async Task<int> DrainAsync(string region, DurableTaskClient durable, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        await using var receiver = bus.Client(region).CreateReceiver(ResourceNames.UploadQueue, new ServiceBusReceiverOptions { PrefetchCount = 0 });
        var handled = 0;
        while (clock.GetUtcNow() < deadline)
        {
            var messages = await receiver.ReceiveMessagesAsync(options.Value.MaxConcurrentUploads, TimeSpan.FromSeconds(2), cancellationToken);
            if (messages.Count == 0)
            {
                break;
            }

            await Task.WhenAll(messages.Select(m => HandleAsync(receiver, m, durable, cancellationToken)));
            handled += messages.Count;
        }

        return handled;
    }

    private async Task HandleAsync(ServiceBusReceiver receiver, ServiceBusReceivedMessage message, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewLockAsync(receiver, message, renewing.Token);
        ConsumeOutcome outcome;
        try
        {
            outcome = await consumer.ConsumeAsync(message.Body, message.DeliveryCount, durable, cancellationToken);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }

        await UploadQueueSettlement.SettleAsync(
            outcome,
            () => receiver.CompleteMessageAsync(message, cancellationToken),
            () => receiver.AbandonMessageAsync(message, cancellationToken: cancellationToken),
            (reason, description) => receiver.DeadLetterMessageAsync(message, reason, description, cancellationToken));
    }

    private static async Task RenewLockAsync(ServiceBusReceiver receiver, ServiceBusReceivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken);
                await receiver.RenewMessageLockAsync(message, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ServiceBusException)
        {
            // The lock is lost: the message comes back and ingestion is idempotent.
        }
    }
}

/// <summary>Settles a message according to the consumer's outcome (shared by the drain timer and the DevHost processor).</summary>
public static class UploadQueueSettlement
{
    /// <summary>Completes, abandons or dead-letters.</summary>
    public static Task SettleAsync(ConsumeOutcome outcome, Func<Task> complete, Func<Task> abandon, Func<string, string, Task> deadLetter)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(complete);
        ArgumentNullException.ThrowIfNull(abandon);
        ArgumentNullException.ThrowIfNull(deadLetter);
        return outcome switch
        {
            ConsumeOutcome.Complete => complete(),
            ConsumeOutcome.DeadLetter d => deadLetter(d.Reason, d.Description.Length > 1000 ? d.Description[..1000] : d.Description),
            _ => abandon(),
        };
    }
}

/// <summary>
/// Every five minutes, re-sends the message of uploads accepted but not ingested for a while (their
/// message was lost, or dead-lettered by the broker during an outage): nothing accepted is lost.
/// </summary>
public sealed class UploadSweepTimer(HubStorage storage, UploadService uploads, MachineLifecycleStarter lifecycles, IOptions<DiscoveryOptions> options, ILogger<UploadSweepTimer> logger)
{
    /// <summary>The timer function: re-sends stale uploads and starts lifecycles whose start was lost.</summary>
    [Function(nameof(UploadSweep))]
    public async Task UploadSweep(
        [TimerTrigger("30 */5 * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        await storage.ForEachHostedRegionAsync(logger, "Upload sweep", async region =>
        {
            var count = await uploads.ResendStaleAsync(region, options.Value.ResendAfter, cancellationToken);
            if (count > 0)
            {
                logger.LogWarning("Upload sweep re-sent {Count} uploads in {Region}", count, region);
            }

            var started = await lifecycles.StartMissingAsync(durable, region, cancellationToken);
            if (started > 0)
            {
                logger.LogWarning("Upload sweep started {Count} lost machine lifecycles in {Region}", started, region);
            }
        });
    }
}

/// <summary>Once a day, deletes performance and dependency data older than the kept month.</summary>
public sealed class DiscoveryRetentionTimer(HubStorage storage, ProjectRepository projects, DiscoveryRetention retention, ILogger<DiscoveryRetentionTimer> logger)
{
    /// <summary>The timer function.</summary>
    [Function(nameof(DiscoveryRetentionPurge))]
    public async Task DiscoveryRetentionPurge([TimerTrigger("0 15 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await storage.ForEachHostedRegionAsync(logger, "Retention", async region =>
        {
            var list = await projects.ListByStateAsync(region, ProvisioningStates.Succeeded, cancellationToken);
            foreach (var project in list)
            {
                var deleted = await retention.PurgeAsync(region, project.Id, cancellationToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Retention removed {Count} old performance/dependency rows of project {ProjectId}", deleted, project.Id);
                }
            }
        });
    }
}
