using System.Globalization;
using System.Runtime.CompilerServices;
using MigrateHub.Shared.Export;

namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Discovery's parts of the project export archive: inventory, software inventory and dependencies
/// (same names, paths and columns as the placeholders they replace), read from the project's region.
/// </summary>
public sealed class DiscoveryExportParts(DiscoveryReader reader, TimeProvider clock)
{
    /// <summary>The three parts.</summary>
    public IEnumerable<IProjectExportPart> All()
    {
        var inventory = EmptyCsvExportPart.Inventory();
        var software = EmptyCsvExportPart.Software();
        var dependencies = EmptyCsvExportPart.Dependencies();
        yield return new Part(inventory.Name, "inventory/servers.csv", "Discovered servers (inventory).", InventoryColumns, InventoryRowsAsync);
        yield return new Part(software.Name, "software/software.csv",
            "Software inventory: applications, Windows features, SQL Server instances and databases, web apps, per server.",
            DiscoveryReader.SoftwareColumns, (ctx, ct) => reader.SoftwareRowsAsync(ctx.Project.Region, ctx.Project.Id, ct));
        yield return new Part(dependencies.Name, "dependencies/dependencies.csv", "Dependency analysis: connections per 6-hour time slot (last 30 days).",
            DiscoveryReader.DependencyColumns, (ctx, ct) => reader.DependencyRowsAsync(ctx.Project.Region, ctx.Project.Id, clock.GetUtcNow(), ct));
    }

    private static readonly string[] InventoryColumns =
    [
        "Server name", "Server id", "Source", "OS name", "OS version", "OS architecture", "Boot type", "Cores", "Memory (MB)", "Disks",
        "Total disk size (GB)", "NICs", "IP addresses", "MAC addresses", "Power state", "Host", "Cluster", "Datacenter", "Appliance id",
        "First discovered (UTC)", "Last discovered (UTC)",
    ];

    private async IAsyncEnumerable<IReadOnlyList<string?>> InventoryRowsAsync(ProjectExportContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await reader.ListServersAsync(context.Project.Region, context.Project.Id, new ServerFilter(null, null, null, null), 1000, token, cancellationToken).ConfigureAwait(false);
            foreach (var view in page.Value)
            {
                var s = view.Server;
                yield return
                [
                    s.Name, s.Id, s.SourceType.ToString(), s.OperatingSystem.Name, s.OperatingSystem.Version, s.OperatingSystem.Architecture.ToString(),
                    s.BootType.ToString(), s.Cores.ToString(CultureInfo.InvariantCulture), s.MemoryMb.ToString(CultureInfo.InvariantCulture),
                    s.Disks.Count.ToString(CultureInfo.InvariantCulture), s.Disks.Sum(d => d.SizeGb).ToString("0.##", CultureInfo.InvariantCulture),
                    s.NetworkAdapters.Count.ToString(CultureInfo.InvariantCulture),
                    string.Join(' ', s.NetworkAdapters.SelectMany(n => n.IPv4Addresses.Concat(n.IPv6Addresses))),
                    string.Join(' ', s.NetworkAdapters.Select(n => n.MacAddress).OfType<string>()),
                    s.PowerState.ToString(), s.Host, s.Cluster, s.Datacenter, view.ApplianceId,
                    ExportFormat.Time(s.FirstDiscoveredAt), ExportFormat.Time(s.LastDiscoveredAt),
                ];
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    private sealed class Part(
        string name, string path, string description, IReadOnlyList<string> columns,
        Func<ProjectExportContext, CancellationToken, IAsyncEnumerable<IReadOnlyList<string?>>> rows) : IProjectExportPart
    {
        public string Name => name;

        public Task WriteAsync(ProjectExportContext context, ExportArchive archive, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(archive);
            return archive.AddCsvAsync(path, description, columns, rows(context, cancellationToken), cancellationToken);
        }
    }
}
