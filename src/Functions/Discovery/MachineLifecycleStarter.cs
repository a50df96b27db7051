using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Discovery;

/// <summary>
/// Starts the lifecycle orchestration (<c>{projectId}:{serverId}</c>) of servers that have none yet,
/// idempotently, and marks them in the Servers table. Called by the consumer after an inventory is
/// ingested and by the sweep for starts that were lost. Starts go in batches of
/// <see cref="BatchSize"/>, <see cref="DiscoveryOptions.LifecycleStartsInFlight"/> at a time, each batch
/// marked as soon as it is started (a crash loses at most one batch's marks; the sweep restarts those,
/// and a start of an existing instance is a no-op).
/// </summary>
public sealed class MachineLifecycleStarter(HubStorage storage, IngestionService ingestion, Microsoft.Extensions.Options.IOptions<DiscoveryOptions> options, ILogger<MachineLifecycleStarter> logger)
{
    /// <summary>Servers started, then marked, together.</summary>
    public const int BatchSize = 100;

    /// <summary>Starts the lifecycles of <paramref name="servers"/> and marks them started.</summary>
    public async Task StartAsync(DurableTaskClient durable, string region, string projectId, IReadOnlyList<DiscoveredServer> servers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count == 0)
        {
            return;
        }

        foreach (var batch in servers.Chunk(BatchSize))
        {
            await StartBatchAsync(durable, region, projectId, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StartBatchAsync(DurableTaskClient durable, string region, string projectId, DiscoveredServer[] servers, CancellationToken cancellationToken)
    {
        var started = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            servers,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.LifecycleStartsInFlight), CancellationToken = cancellationToken },
            async (server, ct) =>
            {
                var instanceId = MachineLifecycleOrchestrator.InstanceId(projectId, server.Id);
                try
                {
                    await durable.ScheduleNewOrchestrationInstanceAsync(
                        nameof(MachineLifecycleOrchestrator),
                        new MachineLifecycleRequest(projectId, server.Id, server.Name, MachineStates.Discovered),
                        new StartOrchestrationOptions(instanceId),
                        ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Already started (a redelivery, or the sweep): fine. Anything else is retried later.
                    var existing = await durable.GetInstanceAsync(instanceId, ct).ConfigureAwait(false);
                    if (existing is null || existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
                    {
                        logger.LogWarning(ex, "Could not start the lifecycle of {InstanceId}", instanceId);
                        return;
                    }
                }

                started.Add(server.Id);
            }).ConfigureAwait(false);
        await ingestion.MarkLifecycleStartedAsync(region, projectId, started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the lifecycles that were lost (servers of the region not marked started); returns how many.</summary>
    public async Task<int> StartMissingAsync(DurableTaskClient durable, string region, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Servers, cancellationToken).ConfigureAwait(false);
        var pending = new Dictionary<string, List<DiscoveredServer>>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"LifecycleStarted eq {false}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "ServerId", "Name"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!pending.TryGetValue(e.PartitionKey, out var list))
            {
                pending[e.PartitionKey] = list = [];
            }

            list.Add(new DiscoveredServer { Id = e.GetString("ServerId"), Name = e.GetString("Name") });
        }

        foreach (var (projectId, servers) in pending)
        {
            await StartAsync(durable, region, projectId, servers, cancellationToken).ConfigureAwait(false);
        }

        return pending.Values.Sum(v => v.Count);
    }
}
