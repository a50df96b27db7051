using Azure.Messaging.ServiceBus;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrateHub.Functions.Discovery;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Storage;

namespace MigrateHub.DevHost.Discovery;

/// <summary>
/// Locally, feeds the upload queue of each region's Service Bus-compatible endpoint to the Function
/// App's <see cref="UploadConsumer"/> through a <see cref="ServiceBusProcessor"/> (continuous receive,
/// lock renewal), where Azure runs the same consumer from the <see cref="UploadQueueDrainTimer"/>.
/// </summary>
public sealed class UploadQueueListener(
    HubStorage storage, UploadBus bus, UploadConsumer consumer, IServiceProvider services, IOptions<DiscoveryOptions> options, ILogger<UploadQueueListener> logger)
    : IHostedService, IAsyncDisposable
{
    private readonly List<ServiceBusProcessor> _processors = [];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var durable = services.GetRequiredService<DurableTaskClient>();
        foreach (var region in storage.HostedRegions.Where(bus.IsConfigured))
        {
            var processor = bus.Client(region).CreateProcessor(ResourceNames.UploadQueue, new ServiceBusProcessorOptions
            {
                AutoCompleteMessages = false,
                MaxConcurrentCalls = options.Value.MaxConcurrentUploads,
                MaxAutoLockRenewalDuration = TimeSpan.FromMinutes(30),
                PrefetchCount = 0,
            });
            processor.ProcessMessageAsync += async args =>
            {
                var outcome = await consumer.ConsumeAsync(args.Message.Body, args.Message.DeliveryCount, durable, args.CancellationToken).ConfigureAwait(false);
                await UploadQueueSettlement.SettleAsync(
                    outcome,
                    () => args.CompleteMessageAsync(args.Message, args.CancellationToken),
                    () => args.AbandonMessageAsync(args.Message, cancellationToken: args.CancellationToken),
                    (reason, description) => args.DeadLetterMessageAsync(args.Message, reason, description, args.CancellationToken)).ConfigureAwait(false);
            };
            processor.ProcessErrorAsync += args =>
            {
                logger.LogWarning(args.Exception, "Upload queue processor in {Region}: {Source}", region, args.ErrorSource);
                return Task.CompletedTask;
            };
            await processor.StartProcessingAsync(cancellationToken).ConfigureAwait(false);
            _processors.Add(processor);
        }

        logger.LogInformation("Upload queue listener started for {Count} regions", _processors.Count);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var processor in _processors)
        {
            try
            {
                await processor.StopProcessingAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ServiceBusException or OperationCanceledException or ObjectDisposedException)
            {
                logger.LogDebug(ex, "Upload queue processor did not stop cleanly");
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var processor in _processors)
        {
            await processor.DisposeAsync().ConfigureAwait(false);
        }
    }
}
