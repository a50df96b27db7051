using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

/// <summary>Starts one endpoint with a queue per scenario; tests use the real ServiceBusClient against it.</summary>
public sealed class BusFixture : IAsyncLifetime
{
    public LocalServiceBus Bus { get; private set; } = null!;

    public ServiceBusClient Client { get; private set; } = null!;

    public static readonly TimeSpan ShortLock = TimeSpan.FromSeconds(2);

    public async Task InitializeAsync()
    {
        var options = new LocalServiceBusOptions();
        foreach (string name in new[] { "basic", "batch", "rnd", "settle", "defer", "dlq", "peek", "schedule", "fields", "big", "ttl", "ttl-drop", "unsupported", "renew", "session-guard", "maxdelivery-abandon", "nodedup", "drain" })
        {
            options.Queues.Add(new LocalQueueOptions { Name = name, LockDuration = ShortLock });
        }

        options.Queues.Add(new LocalQueueOptions { Name = "expiry", LockDuration = TimeSpan.FromSeconds(1), MaxDeliveryCount = 3 });
        options.Queues.Add(new LocalQueueOptions { Name = "maxdelivery", LockDuration = ShortLock, MaxDeliveryCount = 3 });
        options.Queues.Add(new LocalQueueOptions { Name = "ttl-default", LockDuration = ShortLock, DefaultTimeToLive = TimeSpan.FromMilliseconds(300) });
        options.Queues.Add(new LocalQueueOptions { Name = "ttl-drop-default", LockDuration = ShortLock, DefaultTimeToLive = TimeSpan.FromMilliseconds(300), DeadLetterOnMessageExpiration = false });
        options.Queues.Add(new LocalQueueOptions { Name = "dedup", RequiresDuplicateDetection = true, DuplicateDetectionWindow = TimeSpan.FromSeconds(2), LockDuration = ShortLock });
        options.Queues.Add(new LocalQueueOptions { Name = "sessions", RequiresSession = true, LockDuration = ShortLock });
        options.Queues.Add(new LocalQueueOptions { Name = "sessions2", RequiresSession = true, LockDuration = ShortLock });
        // Long locks where a slow CI machine must not cause lock-expiry redeliveries.
        options.Queues.Add(new LocalQueueOptions { Name = "processor", LockDuration = TimeSpan.FromSeconds(30) });
        options.Queues.Add(new LocalQueueOptions { Name = "session-processor", RequiresSession = true, LockDuration = TimeSpan.FromSeconds(10) });
        options.Queues.Add(new LocalQueueOptions { Name = "session-expiry", RequiresSession = true, LockDuration = TimeSpan.FromSeconds(1) });
        options.Queues.Add(new LocalQueueOptions { Name = "drop", LockDuration = ShortLock });
        Bus = await LocalServiceBus.StartAsync(options);
        Client = CreateClient();
    }

    public ServiceBusClient CreateClient() => new(Bus.ConnectionString, new ServiceBusClientOptions
    {
        RetryOptions = new ServiceBusRetryOptions { MaxRetries = 1, TryTimeout = TimeSpan.FromSeconds(10), Delay = TimeSpan.FromMilliseconds(100) },
    });

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Bus.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BusCollection : ICollectionFixture<BusFixture>
{
    public const string Name = "bus";
}
