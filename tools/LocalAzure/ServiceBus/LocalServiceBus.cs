using System.Net;
using System.Net.Sockets;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;

namespace MigrateHub.LocalAzure.ServiceBus;

/// <summary>
/// A small AMQP 1.0 endpoint on 127.0.0.1 that behaves like Azure Service Bus queues for the real
/// Azure.Messaging.ServiceBus client (connection string with UseDevelopmentEmulator=true).
/// Development and test tool: messages live in memory only.
/// </summary>
public sealed class LocalServiceBus : IAsyncDisposable
{
    public const string KeyName = "RootManageSharedAccessKey";
    public const string Key = "SAS_KEY_VALUE";

    private readonly LocalServiceBusOptions options;
    private readonly Dictionary<string, QueueEntity> queues = new(StringComparer.OrdinalIgnoreCase);
    private readonly Broker broker;
    private readonly CancellationTokenSource stopping = new();
    private Task? ticker;
    private int stopped;

    private LocalServiceBus(LocalServiceBusOptions options)
    {
        this.options = options;
        foreach (LocalQueueOptions queue in options.Queues)
        {
            if (string.IsNullOrWhiteSpace(queue.Name) || queue.Name.Contains('/', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Invalid queue name '{queue.Name}'.", nameof(options));
            }

            queues.Add(queue.Name, new QueueEntity(queue, false));
        }

        broker = new Broker(this);
    }

    public int Port { get; private set; }

    public string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName={KeyName};SharedAccessKey={Key};UseDevelopmentEmulator=true;";

    public long MaxMessageSizeBytes => options.MaxMessageSizeBytes;

    public static Task<LocalServiceBus> StartAsync(LocalServiceBusOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var bus = new LocalServiceBus(options);
        for (int attempt = 1; ; attempt++)
        {
            bus.Port = options.Port != 0 ? options.Port : PickFreePort();
            try
            {
                bus.broker.Start(bus.Port);
                break;
            }
            catch (SocketException) when (options.Port == 0 && attempt < 5)
            {
                // Another process took the probed port in between; probe again.
            }
        }

        bus.ticker = bus.RunTickerAsync(bus.stopping.Token);
        return Task.FromResult(bus);
    }

    /// <summary>Active messages (ready or locked; not scheduled, deferred or dead-lettered).</summary>
    public long ActiveMessageCount(string queue) => GetQueue(queue).ActiveMessageCount;

    public long DeadLetterMessageCount(string queue) => GetQueue(queue).DeadLetterQueue!.ActiveMessageCount;

    public long ScheduledMessageCount(string queue) => GetQueue(queue).ScheduledMessageCount;

    public long DeferredMessageCount(string queue) => GetQueue(queue).DeferredMessageCount;

    /// <summary>Fault injection: the next <paramref name="count"/> messages sent to the queue are acknowledged but discarded.</summary>
    public void DropNextMessages(string queue, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        GetQueue(queue).DropNextMessages(count);
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        if (ticker != null)
        {
            await ticker.ConfigureAwait(false);
        }

        foreach (QueueEntity queue in queues.Values)
        {
            queue.CloseAllConsumers();
            queue.DeadLetterQueue?.CloseAllConsumers();
        }

        await broker.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    internal QueueEntity GetQueue(string name) =>
        queues.TryGetValue(name, out QueueEntity? queue) ? queue : throw new ArgumentException($"Unknown queue '{name}'.", nameof(name));

    /// <summary>Resolves "queue" or "queue/$DeadLetterQueue" (case-insensitive), or null.</summary>
    internal QueueEntity? FindEntity(string path)
    {
        path = path.Trim('/');
        if (path.EndsWith(AmqpNames.DeadLetterQueueSuffix, StringComparison.OrdinalIgnoreCase))
        {
            string parent = path[..^AmqpNames.DeadLetterQueueSuffix.Length];
            return queues.TryGetValue(parent, out QueueEntity? q) ? q.DeadLetterQueue : null;
        }

        return queues.TryGetValue(path, out QueueEntity? queue) ? queue : null;
    }

    private async Task RunTickerAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (QueueEntity queue in queues.Values)
                {
                    try
                    {
                        queue.Tick();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Keep ticking: one broken link must not stop lock expiry and scheduling for everyone.
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int PickFreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
