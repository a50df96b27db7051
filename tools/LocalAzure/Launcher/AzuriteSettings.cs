using System.Globalization;

namespace MigrateHub.LocalAzure;

/// <summary>
/// How an Azurite process runs. The default persists its data to its folder (Loki JSON files and
/// blob extents), so a stopped and restarted region finds its data again, as the regional-outage
/// tests need. For large runs (benches with millions of entities) Azurite's Loki store cannot be
/// saved as one JSON document (Node dies past ~2 GB) and Node's default heap is too small:
/// <see cref="ForLargeRuns"/> keeps everything in memory (<c>--inMemoryPersistence</c>, nothing
/// written to disk, data lost when the process stops) and raises Node's heap limit
/// (<c>--max-old-space-size</c>).
/// </summary>
/// <param name="InMemoryPersistence">Run Azurite with <c>--inMemoryPersistence</c>.</param>
/// <param name="MaxOldSpaceSizeMb">Node's <c>--max-old-space-size</c> in MB; null keeps Node's default.</param>
public sealed record AzuriteSettings(bool InMemoryPersistence = false, int? MaxOldSpaceSizeMb = null)
{
    /// <summary>Environment variable: <c>1</c>/<c>true</c> selects <see cref="ForLargeRuns"/>.</summary>
    public const string LargeVariable = "MIGRATEHUB_AZURITE_LARGE";

    /// <summary>Environment variable: <c>1</c>/<c>true</c> turns on in-memory persistence.</summary>
    public const string InMemoryVariable = "MIGRATEHUB_AZURITE_IN_MEMORY";

    /// <summary>Environment variable: Node heap limit in MB.</summary>
    public const string MaxOldSpaceVariable = "MIGRATEHUB_AZURITE_MAX_OLD_SPACE_MB";

    /// <summary>Node heap limit used by <see cref="ForLargeRuns"/> (an upper bound, not a reservation).</summary>
    public const int LargeRunHeapMb = 16_384;

    /// <summary>Data on disk, Node's default heap (what tests use).</summary>
    public static AzuriteSettings Default { get; } = new();

    /// <summary>In-memory persistence and a 16 GB Node heap limit.</summary>
    public static AzuriteSettings ForLargeRuns { get; } = new(true, LargeRunHeapMb);

    /// <summary>
    /// Settings from the environment: <see cref="LargeVariable"/> selects <see cref="ForLargeRuns"/>;
    /// <see cref="InMemoryVariable"/> and <see cref="MaxOldSpaceVariable"/> set (or override) each part;
    /// nothing set gives <see cref="Default"/>.
    /// </summary>
    public static AzuriteSettings FromEnvironment()
    {
        var settings = IsOn(Environment.GetEnvironmentVariable(LargeVariable)) ? ForLargeRuns : Default;
        var inMemory = Environment.GetEnvironmentVariable(InMemoryVariable);
        if (!string.IsNullOrWhiteSpace(inMemory))
        {
            settings = settings with { InMemoryPersistence = IsOn(inMemory) };
        }

        var heap = Environment.GetEnvironmentVariable(MaxOldSpaceVariable);
        if (!string.IsNullOrWhiteSpace(heap))
        {
            settings = settings with
            {
                MaxOldSpaceSizeMb = int.TryParse(heap, NumberStyles.Integer, CultureInfo.InvariantCulture, out var mb) && mb > 0
                    ? mb
                    : throw new InvalidOperationException($"{MaxOldSpaceVariable} must be a positive number of MB, not '{heap}'."),
            };
        }

        return settings;
    }

    private static bool IsOn(string? value) =>
        value is not null && (value.Trim() == "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));
}
