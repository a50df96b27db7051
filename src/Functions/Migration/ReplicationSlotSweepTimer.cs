using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Migration;

/// <summary>
/// Every 15 minutes: gives back the replication slots and queue places of servers whose lifecycle no longer runs
/// (terminated or failed by hand or by a fault, or gone), which would otherwise keep a slot of their appliance forever;
/// a freed slot wakes the first waiter, as a release by the lifecycle itself does. A running lifecycle is never touched.
/// </summary>
public sealed class ReplicationSlotSweepTimer(HubStorage storage, ReplicationSlots slots, ILogger<ReplicationSlotSweepTimer> logger)
{
    /// <summary>The timer function.</summary>
    [Function(nameof(ReplicationSlotSweep))]
    public async Task ReplicationSlotSweep(
        [TimerTrigger("15 */15 * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        await storage.ForEachHostedRegionAsync(logger, "Replication slot sweep", async region =>
        {
            var dropped = await SweepAsync(region, durable, cancellationToken);
            if (dropped > 0)
            {
                logger.LogWarning("Replication slot sweep: dropped {Rows} slot or queue rows of lifecycles no longer running in region {Region}", dropped, region);
            }
        });
    }

    /// <summary>Sweeps one region; answers the rows dropped.</summary>
    public async Task<int> SweepAsync(string region, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var dropped = 0;
        foreach (var server in (await slots.RowsAsync(region, cancellationToken)).GroupBy(r => (r.ProjectId, r.ServerId)))
        {
            var lifecycle = await durable.GetInstanceAsync(MachineLifecycleOrchestrator.InstanceId(server.Key.ProjectId, server.Key.ServerId), getInputsAndOutputs: false, cancellationToken);
            if (lifecycle?.RuntimeStatus is not (null or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Completed))
            {
                continue;
            }

            foreach (var row in server)
            {
                foreach (var next in await slots.DropAsync(region, row, cancellationToken))
                {
                    await durable.RaiseEventAsync(MachineLifecycleOrchestrator.InstanceId(row.ProjectId, next), MachineLifecycleOrchestrator.EventName,
                        new MachineEvent(MachineEventNames.SlotFreed), cancellationToken);
                }

                dropped++;
                logger.LogInformation("Dropped {Kind} row of server {ServerId} (project {ProjectId}): its lifecycle is {Status}",
                    row.Waiting ? "queue" : "slot", row.ServerId, row.ProjectId, lifecycle?.RuntimeStatus.ToString() ?? "gone");
            }
        }

        return dropped;
    }
}
