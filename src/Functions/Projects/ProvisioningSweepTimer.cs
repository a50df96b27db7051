using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Projects;

/// <summary>
/// Every five minutes, restarts the provisioning of projects that have been provisioning for too long
/// (their start was lost, or their orchestration failed): a project accepted is never left half made.
/// </summary>
public sealed class ProvisioningSweepTimer(HubStorage storage, ProjectRepository repository, TimeProvider clock, ILogger<ProvisioningSweepTimer> logger)
{
    /// <summary>How long a project may stay in Provisioning before the sweep restarts it.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(2);

    /// <summary>The timer function.</summary>
    [Function(nameof(ProvisioningSweep))]
    public async Task ProvisioningSweep(
        [TimerTrigger("0 */5 * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        await storage.ForEachHostedRegionAsync(logger, "Provisioning sweep", async region =>
        {
            var stuck = await repository.ListByStateAsync(region, ProvisioningStates.Provisioning, cancellationToken);
            foreach (var project in stuck.Where(p => clock.GetUtcNow() - p.CreatedAt > StuckAfter))
            {
                logger.LogWarning("Restarting provisioning of project {ProjectId} in {Region}", project.Id, region);
                await ProjectsApi.StartProvisioningAsync(durable, project, cancellationToken);
            }
        });
    }
}
