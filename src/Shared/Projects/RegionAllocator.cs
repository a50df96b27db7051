using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MigrateHub.Shared.Projects;

/// <summary>
/// Chooses the region that will hold a project's metadata: the preferred region if given (it must
/// belong to the geography), otherwise one of the geography's regions that has a deployed stamp,
/// spread by a stable hash of the project id (the same project always gets the same region).
/// </summary>
public static class RegionAllocator
{
    /// <summary>Allocates a region, or explains why none can be.</summary>
    public static RegionAllocation Allocate(
        string projectId, Geography geography, IReadOnlyCollection<string> deployedRegions, string? preferredRegion)
    {
        ArgumentNullException.ThrowIfNull(geography);
        ArgumentNullException.ThrowIfNull(deployedRegions);
        var hosted = geography.Regions.Where(r => deployedRegions.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        if (!string.IsNullOrWhiteSpace(preferredRegion))
        {
            var preferred = preferredRegion.Trim().ToLowerInvariant();
            if (!geography.Regions.Contains(preferred, StringComparer.OrdinalIgnoreCase))
            {
                return RegionAllocation.Fail(
                    $"Region '{preferredRegion}' is not in geography '{geography.Name}'. Valid regions: {string.Join(", ", geography.Regions)}.");
            }

            return hosted.Contains(preferred, StringComparer.OrdinalIgnoreCase)
                ? RegionAllocation.Ok(preferred)
                : RegionAllocation.Fail($"Region '{preferred}' has no MigrateHub stamp deployed. Deployed regions in '{geography.Name}': {Describe(hosted)}.");
        }

        if (hosted.Count == 0)
        {
            return RegionAllocation.Fail($"Geography '{geography.Name}' has no MigrateHub stamp deployed.");
        }

        var hash = BinaryPrimitives.ReadUInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(projectId)));
        return RegionAllocation.Ok(hosted[(int)(hash % (uint)hosted.Count)]);
    }

    private static string Describe(List<string> regions) => regions.Count == 0 ? "none" : string.Join(", ", regions);
}

/// <summary>The outcome of <see cref="RegionAllocator.Allocate"/>.</summary>
public sealed record RegionAllocation(string? Region, string? Error)
{
    internal static RegionAllocation Ok(string region) => new(region, null);

    internal static RegionAllocation Fail(string error) => new(null, error);
}
