using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Appliances;

/// <summary>
/// Every five minutes, marks appliances silent for longer than <c>MigrateHub:Appliances:UnhealthyAfter</c>
/// (default 30 minutes) as unhealthy, in every region this deployment hosts; the next heartbeat makes them healthy again.
/// </summary>
public sealed class ApplianceHealthTimer(HubStorage storage, ApplianceService appliances, ILogger<ApplianceHealthTimer> logger)
{
    /// <summary>The timer function.</summary>
    [Function(nameof(ApplianceHealthCheck))]
    public async Task ApplianceHealthCheck([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await storage.ForEachHostedRegionAsync(logger, "Appliance health check", async region =>
        {
            var marked = await appliances.MarkSilentAppliancesAsync(region, cancellationToken);
            if (marked.Count > 0)
            {
                logger.LogWarning("{Count} appliances of region {Region} marked unhealthy", marked.Count, region);
            }
        });
    }
}
