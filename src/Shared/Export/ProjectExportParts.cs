using System.Globalization;
using System.Text.Json;
using MigrateHub.Shared.Appliances;

namespace MigrateHub.Shared.Export;

/// <summary>The project's facts: <c>project.json</c> and <c>project.csv</c>.</summary>
public sealed class ProjectExportPart : IProjectExportPart
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <inheritdoc />
    public string Name => "project";

    /// <inheritdoc />
    public async Task WriteAsync(ProjectExportContext context, ExportArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(archive);
        var p = context.Project;
        await archive.AddTextAsync("project.json", "The project (id, name, geography, region, state, times) as JSON.", JsonSerializer.Serialize(p, Json), cancellationToken).ConfigureAwait(false);
        await archive.AddCsvAsync(
            "project.csv",
            "The project as one CSV row.",
            ["Project id", "Name", "Geography", "Region", "Provisioning state", "Created (UTC)", "Provisioned (UTC)"],
            [[p.Id, p.Name, p.Geography, p.Region, p.ProvisioningState, ExportFormat.Time(p.CreatedAt), ExportFormat.Time(p.ProvisionedAt)]],
            cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The project's appliances: <c>appliances.csv</c> (no credential material).</summary>
public sealed class ApplianceExportPart(ApplianceRepository appliances) : IProjectExportPart
{
    /// <summary>Columns of appliances.csv.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["Appliance name", "Appliance id", "Source type", "Health", "Last seen (UTC)", "Registered (UTC)", "Credential state", "Credential issued (UTC)", "Max servers", "Discovered servers", "Agent version"];

    /// <inheritdoc />
    public string Name => "appliances";

    /// <inheritdoc />
    public async Task WriteAsync(ProjectExportContext context, ExportArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(archive);
        var list = await appliances.ListAsync(context.Project.Region, context.Project.Id, cancellationToken).ConfigureAwait(false);
        await archive.AddCsvAsync(
            "appliances.csv",
            "Appliances registered to the project, with health and last heartbeat.",
            Columns,
            list.Select(a => (IReadOnlyList<string?>)
            [
                a.Name, a.Id, a.SourceType, a.Health, ExportFormat.Time(a.LastSeen), ExportFormat.Time(a.RegisteredAt),
                a.Revoked ? "Revoked" : "Active", ExportFormat.Time(a.CredentialIssuedAt),
                ApplianceLimits.MaxServers(a.SourceType).ToString(CultureInfo.InvariantCulture),
                a.DiscoveredServers?.ToString(CultureInfo.InvariantCulture), a.AgentVersion,
            ]),
            cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// A CSV with its header and no rows yet: the placeholder for data a later feature fills (discovery
/// registers a part of the same name to replace it).
/// </summary>
public sealed class EmptyCsvExportPart(string name, string path, string description, IReadOnlyList<string> columns) : IProjectExportPart
{
    /// <summary>Discovered servers (DOMAIN.md §2).</summary>
    public static EmptyCsvExportPart Inventory() => new(
        "inventory",
        "inventory/servers.csv",
        "Discovered servers (inventory).",
        ["Server name", "Server id", "Source", "OS name", "OS version", "OS architecture", "Boot type", "Cores", "Memory (MB)", "Disks",
         "Total disk size (GB)", "NICs", "IP addresses", "MAC addresses", "Power state", "Host", "Cluster", "Datacenter", "Appliance id",
         "First discovered (UTC)", "Last discovered (UTC)"]);

    /// <summary>Software inventory (DOMAIN.md §2).</summary>
    public static EmptyCsvExportPart Software() => new(
        "software",
        "software/software.csv",
        "Software inventory: applications, Windows features, SQL Server instances and databases, web apps, per server.",
        ["Server name", "Server id", "Category", "Name", "Version", "Publisher", "Details"]);

    /// <summary>Dependencies, in the columns of Azure Migrate's dependency export (DOMAIN.md §4).</summary>
    public static EmptyCsvExportPart Dependencies() => new(
        "dependencies",
        "dependencies/dependencies.csv",
        "Dependency analysis: connections per 6-hour time slot (last 30 days).",
        ["Timeslot", "Source server name", "Source application", "Source process", "Destination server name", "Destination IP",
         "Destination application", "Destination process", "Destination port"]);

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public Task WriteAsync(ProjectExportContext context, ExportArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return archive.AddCsvAsync(path, description, columns, Array.Empty<IReadOnlyList<string?>>(), cancellationToken);
    }
}

/// <summary>How values are written in export files.</summary>
public static class ExportFormat
{
    /// <summary>An instant as <c>yyyy-MM-dd HH:mm:ss</c> UTC (what spreadsheets parse), empty when null.</summary>
    public static string? Time(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
