namespace MigrateHub.LocalAzure.ServiceBus;

/// <summary>Configuration of a <see cref="LocalServiceBus"/> endpoint.</summary>
public sealed class LocalServiceBusOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Largest message (or batch) accepted on a sender link; advertised as max-message-size on attach.</summary>
    public long MaxMessageSizeBytes { get; set; } = 256 * 1024;

    /// <summary>The queues this endpoint serves. Any other entity name is answered with amqp:not-found.</summary>
    public IList<LocalQueueOptions> Queues { get; } = new List<LocalQueueOptions>();
}

/// <summary>Settings of one queue (a subset of the Azure Service Bus queue properties).</summary>
public sealed class LocalQueueOptions
{
    public required string Name { get; set; }

    public bool RequiresSession { get; set; }

    public bool RequiresDuplicateDetection { get; set; }

    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxDeliveryCount { get; set; } = 10;

    public TimeSpan DefaultTimeToLive { get; set; } = TimeSpan.MaxValue;

    public bool DeadLetterOnMessageExpiration { get; set; } = true;
}
