namespace MigrateHub.Shared.Projects;

/// <summary>A geography a project can be created in, and the regions that can host its metadata.</summary>
/// <param name="Name">Display name, as users type it (for example <c>Europe</c>).</param>
/// <param name="Cloud">Public or Government.</param>
/// <param name="Regions">Regions (programmatic names) that host project metadata in this geography.</param>
public sealed record Geography(string Name, string Cloud, IReadOnlyList<string> Regions);

/// <summary>
/// The geographies of the hub and the regions that hold project metadata in each. Mirrors the
/// geographies Azure Migrate offers for project metadata (public and Government clouds).
/// </summary>
public static class Geographies
{
    /// <summary>Every geography, in display order.</summary>
    public static IReadOnlyList<Geography> All { get; } =
    [
        new("Asia Pacific", "Public", ["eastasia", "southeastasia"]),
        new("Australia", "Public", ["australiaeast", "australiasoutheast"]),
        new("Brazil", "Public", ["brazilsouth"]),
        new("Canada", "Public", ["canadacentral", "canadaeast"]),
        new("Europe", "Public", ["northeurope", "westeurope"]),
        new("France", "Public", ["francecentral"]),
        new("Germany", "Public", ["germanywestcentral"]),
        new("India", "Public", ["centralindia", "southindia"]),
        new("Japan", "Public", ["japaneast", "japanwest"]),
        new("Korea", "Public", ["koreacentral"]),
        new("Norway", "Public", ["norwayeast"]),
        new("Sweden", "Public", ["swedencentral"]),
        new("Switzerland", "Public", ["switzerlandnorth"]),
        new("United Arab Emirates", "Public", ["uaenorth"]),
        new("United Kingdom", "Public", ["uksouth", "ukwest"]),
        new("United States", "Public", ["centralus", "westus2"]),
        new("Azure Government", "Government", ["usgovvirginia", "usgovarizona"]),
    ];

    /// <summary>Finds a geography by name, ignoring case and surrounding spaces.</summary>
    public static Geography? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(g => string.Equals(g.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The geography that contains a region, if any.</summary>
    public static Geography? OfRegion(string region) =>
        All.FirstOrDefault(g => g.Regions.Contains(region, StringComparer.OrdinalIgnoreCase));
}
