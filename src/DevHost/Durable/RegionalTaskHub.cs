using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging;

namespace MigrateHub.DevHost.Durable;

/// <summary>
/// One region's durable task hub: the Durable Task Framework's Azure Storage backend on the
/// region's storage (the same backend Durable Functions uses in Azure by default), a worker that
/// runs the portable orchestrator/activity classes through the SDK's shims, and a client.
/// </summary>
public sealed class RegionalTaskHub : IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService _service;
    private readonly Func<AzureStorageOrchestrationService> _newService;
    private readonly DurableRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TaskHubWorker? _worker;

    /// <summary>Creates the hub (nothing runs until <see cref="StartWorkerAsync"/>).</summary>
    public RegionalTaskHub(string region, string connectionString, string taskHubName, DurableRegistry registry,
        IServiceProvider services, ILoggerFactory loggerFactory, TimeSpan? visibilityTimeout = null)
    {
        var visibility = visibilityTimeout ?? TimeSpan.FromSeconds(30);
        Region = region;
        TaskHubName = taskHubName;
        _registry = registry;
        _services = services;
        _loggerFactory = loggerFactory;
        _newService = () => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = taskHubName,
            // Locally, poll quickly so that steps follow each other without the 30 s idle back-off.
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            PartitionCount = 4,
            LeaseInterval = TimeSpan.FromSeconds(15),
            LeaseRenewInterval = TimeSpan.FromSeconds(5),
            LeaseAcquireInterval = TimeSpan.FromSeconds(2),
            // A dead worker's dequeued messages come back after this (DTFx default: 5 minutes); live work is renewed.
            WorkItemQueueVisibilityTimeout = visibility,
            ControlQueueVisibilityTimeout = visibility,
            WorkerId = $"{region}-{Environment.ProcessId}-{Guid.NewGuid():N}",
            LoggerFactory = loggerFactory,
        });
        _service = _newService();
        Client = new DtfxDurableTaskClient(region, _service, loggerFactory);
    }

    /// <summary>The region.</summary>
    public string Region { get; }

    /// <summary>The task hub name (the same in every region, like one app per stamp).</summary>
    public string TaskHubName { get; }

    /// <summary>The client for this region's hub.</summary>
    public DtfxDurableTaskClient Client { get; }

    /// <summary>True while a worker runs.</summary>
    public bool WorkerRunning => _worker is not null;

    /// <summary>Creates the hub's queues and tables if needed and starts a worker.</summary>
    public async Task StartWorkerAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_worker is not null)
            {
                return;
            }

            // Every start is a new worker with its own service instance (and worker id), as a new
            // Function App instance would be.
            var service = _newService();
            await service.CreateIfNotExistsAsync().ConfigureAwait(false);
            var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), _loggerFactory);
            var worker = new TaskHubWorker(
                service,
                _registry.OrchestrationManager(shims, _services),
                _registry.ActivityManager(shims, _services),
                _loggerFactory)
            {
                ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
            };
            await worker.StartAsync().ConfigureAwait(false);
            _worker = worker;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the worker (in-flight work is picked up by the next worker).</summary>
    public async Task StopWorkerAsync(bool graceful = true)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var worker = _worker;
            _worker = null;
            if (worker is not null)
            {
                await worker.StopAsync(isForced: !graceful).ConfigureAwait(false);
                worker.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopWorkerAsync(graceful: false).ConfigureAwait(false);
        _gate.Dispose();
    }
}
