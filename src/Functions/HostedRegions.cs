using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions;

/// <summary>The loop of every timer that works region by region.</summary>
internal static class HostedRegions
{
    /// <summary>
    /// Runs <paramref name="work"/> for every region this deployment hosts; a region whose storage is unavailable is
    /// skipped with a warning naming <paramref name="job"/>, and does not stop the others.
    /// </summary>
    public static async Task ForEachHostedRegionAsync(this HubStorage storage, ILogger logger, string job, Func<string, Task> work)
    {
        foreach (var region in storage.HostedRegions)
        {
            try
            {
                await work(region);
            }
            catch (RegionUnavailableException ex)
            {
                logger.LogWarning(ex, "{Job} skipped region {Region}: storage unavailable", job, region);
            }
        }
    }
}
