using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using CsvHelper;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Discovery;

/// <summary>A discovered server as the API shows it: what was reported plus the hub's own facts.</summary>
/// <param name="Server">The server as last reported (disks, NICs, OS, ...).</param>
/// <param name="ApplianceId">Appliance that reported it (or <c>import</c>).</param>
/// <param name="OsFamily">Windows, Linux, Other or Unknown.</param>
/// <param name="Missing">True when the appliance's last complete inventory no longer had it (kept, not deleted).</param>
/// <param name="MissingSince">Since when it is missing.</param>
public sealed record ServerView(DiscoveredServer Server, string? ApplianceId, string OsFamily, bool Missing, DateTimeOffset? MissingSince);

/// <summary>A server with its software and performance summary.</summary>
public sealed record ServerDetailView(ServerView Server, ServerSoftware? Software, PerformanceSummary Performance);

/// <summary>Filters of the server list.</summary>
public sealed record ServerFilter(SourceType? Source, string? OsFamily, PowerState? PowerState, string? ApplianceId);

/// <summary>One page of results with the token of the next.</summary>
public sealed record ResultPage<T>(IReadOnlyList<T> Value, string? ContinuationToken);

/// <summary>Percentiles of a metric over a period (nearest rank).</summary>
public sealed record MetricSummary(double P50, double P95, double P99, double Max);

/// <summary>Performance summary of a server over a period.</summary>
public sealed record PerformanceSummary(
    DateTimeOffset From, DateTimeOffset To, int Points, MetricSummary? Cpu, MetricSummary? Memory, MetricSummary? DiskIops, MetricSummary? DiskMBps, MetricSummary? NetworkOutMBps)
{
    /// <summary>Summarises points (percentiles by nearest rank on the sorted values).</summary>
    public static PerformanceSummary From_(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<PerformancePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return new PerformanceSummary(from, to, 0, null, null, null, null, null);
        }

        return new PerformanceSummary(
            from, to, points.Count,
            Summarise(points.Select(p => p.CpuPercent)),
            Summarise(points.Select(p => p.MemoryPercent)),
            Summarise(points.Select(p => p.Disks.Sum(d => d.ReadIops + d.WriteIops))),
            Summarise(points.Select(p => p.Disks.Sum(d => d.ReadMBps + d.WriteMBps))),
            Summarise(points.Select(p => p.NetworkOutMBps)));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static MetricSummary Summarise(IEnumerable<double> values)
    {
        var sorted = values.ToList();
        sorted.Sort();
        return new MetricSummary(NearestRank(sorted, 50), NearestRank(sorted, 95), NearestRank(sorted, 99), sorted[^1]);
    }
}

/// <summary>Reads what discovery stored: servers, software, dependencies, performance; CSV exports.</summary>
public sealed class DiscoveryReader(HubStorage storage, TimeProvider clock)
{
    /// <summary>Days of performance and dependency data kept.</summary>
    public const int RetentionDays = 31;

    /// <summary>Column headers of the dependency export (DOMAIN.md §4).</summary>
    public static IReadOnlyList<string> DependencyColumns { get; } =
        ["Timeslot", "Source server name", "Source application", "Source process", "Destination server name", "Destination IP", "Destination application", "Destination process", "Destination port"];

    /// <summary>Column headers of the software inventory export.</summary>
    public static IReadOnlyList<string> SoftwareColumns { get; } =
        ["Server name", "Server id", "Category", "Name", "Version", "Publisher", "Details"];

    /// <summary>A page of servers.</summary>
    public async Task<ResultPage<ServerView>> ListServersAsync(
        string region, string projectId, ServerFilter filter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Servers, cancellationToken).ConfigureAwait(false);
        var clauses = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {projectId}") };
        if (filter.Source is { } source)
        {
            clauses.Add(TableClient.CreateQueryFilter($"SourceType eq {source.ToString()}"));
        }

        if (filter.OsFamily is { } os)
        {
            clauses.Add(TableClient.CreateQueryFilter($"OsFamily eq {os}"));
        }

        if (filter.PowerState is { } power)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PowerState eq {power.ToString()}"));
        }

        if (filter.ApplianceId is { } appliance)
        {
            clauses.Add(TableClient.CreateQueryFilter($"ApplianceId eq {appliance}"));
        }

        var pages = table.QueryAsync<TableEntity>(string.Join(" and ", clauses), maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(continuationToken, pageSize);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new ResultPage<ServerView>(page.Values.Select(ToView).ToList(), page.ContinuationToken);
        }

        return new ResultPage<ServerView>([], null);
    }

    /// <summary>One server, or null.</summary>
    public async Task<ServerView?> GetServerAsync(string region, string projectId, string serverId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Servers, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(projectId, DiscoveryTables.Escape(serverId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToView(response.Value!) : null;
    }

    /// <summary>A server's software inventory, or null.</summary>
    public async Task<ServerSoftware?> GetSoftwareAsync(string region, string projectId, string serverId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Software, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(projectId, DiscoveryTables.Escape(serverId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToSoftware(response.Value!) : null;
    }

    /// <summary>Every server's software inventory.</summary>
    public async IAsyncEnumerable<ServerSoftware> ListSoftwareAsync(string region, string projectId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Software, cancellationToken).ConfigureAwait(false);
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return ToSoftware(e);
        }
    }

    /// <summary>Dependencies of the project in [from, to) (time slot start), optionally of one source server.</summary>
    public async IAsyncEnumerable<DependencyConnection> ListDependenciesAsync(
        string region, string projectId, DateTimeOffset from, DateTimeOffset to, string? serverId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Dependencies, cancellationToken).ConfigureAwait(false);
        var low = SlotKey(from);
        var high = SlotKey(to);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {projectId} and RowKey ge {low} and RowKey lt {high}");
        if (serverId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"SourceServerId eq {serverId}");
        }

        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new DependencyConnection
            {
                TimeSlotStart = e.GetDateTimeOffset("TimeSlotStart") ?? default,
                SourceServerId = e.GetString("SourceServerId"),
                SourceServerName = e.GetString("SourceServerName"),
                SourceProcess = e.GetString("SourceProcess"),
                SourceApplication = e.GetString("SourceApplication"),
                DestinationServerName = e.GetString("DestinationServerName"),
                DestinationIp = e.GetString("DestinationIp"),
                DestinationProcess = e.GetString("DestinationProcess"),
                DestinationApplication = e.GetString("DestinationApplication"),
                DestinationPort = e.GetInt32("DestinationPort") ?? 0,
                Connections = e.GetInt64("Connections") ?? 0,
            };
        }
    }

    /// <summary>A server's performance points in [from, to], in time order.</summary>
    public async Task<IReadOnlyList<PerformancePoint>> GetPerformanceAsync(
        string region, string projectId, string serverId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Performance, cancellationToken).ConfigureAwait(false);
        var days = new List<DateOnly>();
        for (var day = DateOnly.FromDateTime(from.UtcDateTime); day <= DateOnly.FromDateTime(to.UtcDateTime); day = day.AddDays(1))
        {
            days.Add(day);
        }

        var row = DiscoveryTables.Escape(serverId);
        var perDay = new List<PerformancePoint>[days.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, days.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var response = await table.GetEntityIfExistsAsync<TableEntity>(DiscoveryTables.PerformancePartition(projectId, days[i]), row, cancellationToken: ct).ConfigureAwait(false);
                perDay[i] = response.HasValue
                    ? PerformanceCodec.DecodeEntity(days[i], response.Value!).Where(p => p.Timestamp >= from && p.Timestamp <= to).ToList()
                    : [];
            }).ConfigureAwait(false);
        return perDay.SelectMany(d => d).ToList();
    }

    /// <summary>A server with software and the performance summary of the kept month.</summary>
    public async Task<ServerDetailView?> GetServerDetailAsync(string region, string projectId, string serverId, CancellationToken cancellationToken)
    {
        var server = await GetServerAsync(region, projectId, serverId, cancellationToken).ConfigureAwait(false);
        if (server is null)
        {
            return null;
        }

        var to = clock.GetUtcNow();
        var from = to.AddDays(-RetentionDays);
        var software = await GetSoftwareAsync(region, projectId, serverId, cancellationToken).ConfigureAwait(false);
        var points = await GetPerformanceAsync(region, projectId, serverId, from, to, cancellationToken).ConfigureAwait(false);
        return new ServerDetailView(server, software, PerformanceSummary.From_(from, to, points));
    }

    /// <summary>Writes the software inventory export (CSV) of a project.</summary>
    public async Task WriteSoftwareCsvAsync(string region, string projectId, Stream output, CancellationToken cancellationToken)
    {
        var names = await ServerNamesAsync(region, projectId, cancellationToken).ConfigureAwait(false);
        using var csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteHeader([.. SoftwareColumns]);
        await foreach (var s in ListSoftwareAsync(region, projectId, cancellationToken).ConfigureAwait(false))
        {
            var name = names.GetValueOrDefault(s.ServerId!, s.ServerId!);
            foreach (var a in s.Applications)
            {
                Row(csv, name, s.ServerId!, "Application", a.Name, a.Version, a.Publisher, null);
            }

            foreach (var f in s.Features)
            {
                Row(csv, name, s.ServerId!, "Windows feature", f.Name, null, null, f.FeatureType);
            }

            foreach (var i in s.SqlInstances)
            {
                Row(csv, name, s.ServerId!, "SQL Server instance", i.Name, i.Version, "Microsoft", i.Edition);
                foreach (var d in i.Databases ?? [])
                {
                    Row(csv, name, s.ServerId!, "SQL Server database", $"{i.Name}/{d.Name}", d.CompatibilityLevel?.ToString(CultureInfo.InvariantCulture), null, d.SizeMb.ToString("0.##", CultureInfo.InvariantCulture) + " MB");
                }
            }

            foreach (var w in s.WebApps)
            {
                Row(csv, name, s.ServerId!, "Web app", w.Name, w.Framework, w.WebServer, string.Join(' ', w.Bindings ?? []));
            }
        }

        csv.Flush();
    }

    /// <summary>Writes the dependency export (CSV, DOMAIN.md §4 columns) of the last 30 days.</summary>
    public async Task WriteDependenciesCsvAsync(string region, string projectId, Stream output, CancellationToken cancellationToken)
    {
        var to = clock.GetUtcNow();
        var from = to.AddDays(-30);
        using var csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteHeader([.. DependencyColumns]);
        await foreach (var c in ListDependenciesAsync(region, projectId, from, to.AddHours(6), null, cancellationToken).ConfigureAwait(false))
        {
            var start = c.TimeSlotStart.UtcDateTime;
            csv.WriteRecord(
            [
                FormattableString.Invariant($"{start:yyyy-MM-dd HH:mm}-{start.AddHours(6):HH:mm} UTC"),
                c.SourceServerName ?? string.Empty, c.SourceApplication ?? string.Empty, c.SourceProcess ?? string.Empty,
                c.DestinationServerName ?? string.Empty, c.DestinationIp ?? string.Empty, c.DestinationApplication ?? string.Empty,
                c.DestinationProcess ?? string.Empty, c.DestinationPort.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        csv.Flush();
    }

    /// <summary>Rows of the software inventory export (<see cref="SoftwareColumns"/>).</summary>
    public async IAsyncEnumerable<IReadOnlyList<string?>> SoftwareRowsAsync(string region, string projectId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = await ServerNamesAsync(region, projectId, cancellationToken).ConfigureAwait(false);
        await foreach (var s in ListSoftwareAsync(region, projectId, cancellationToken).ConfigureAwait(false))
        {
            var name = names.GetValueOrDefault(s.ServerId!, s.ServerId!);
            foreach (var a in s.Applications)
            {
                yield return [name, s.ServerId, "Application", a.Name, a.Version, a.Publisher, null];
            }

            foreach (var f in s.Features)
            {
                yield return [name, s.ServerId, "Windows feature", f.Name, null, null, f.FeatureType];
            }

            foreach (var i in s.SqlInstances)
            {
                yield return [name, s.ServerId, "SQL Server instance", i.Name, i.Version, "Microsoft", i.Edition];
                foreach (var d in i.Databases ?? [])
                {
                    yield return [name, s.ServerId, "SQL Server database", $"{i.Name}/{d.Name}", d.CompatibilityLevel?.ToString(CultureInfo.InvariantCulture), null, d.SizeMb.ToString("0.##", CultureInfo.InvariantCulture) + " MB"];
                }
            }

            foreach (var w in s.WebApps)
            {
                yield return [name, s.ServerId, "Web app", w.Name, w.Framework, w.WebServer, string.Join(' ', w.Bindings ?? [])];
            }
        }
    }

    /// <summary>Rows of the dependency export (<see cref="DependencyColumns"/>) for the 30 days before <paramref name="now"/>.</summary>
    public async IAsyncEnumerable<IReadOnlyList<string?>> DependencyRowsAsync(string region, string projectId, DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var c in ListDependenciesAsync(region, projectId, now.AddDays(-30), now.AddHours(6), null, cancellationToken).ConfigureAwait(false))
        {
            var start = c.TimeSlotStart.UtcDateTime;
            yield return
            [
                FormattableString.Invariant($"{start:yyyy-MM-dd HH:mm}-{start.AddHours(6):HH:mm} UTC"),
                c.SourceServerName, c.SourceApplication, c.SourceProcess, c.DestinationServerName, c.DestinationIp,
                c.DestinationApplication, c.DestinationProcess, c.DestinationPort.ToString(CultureInfo.InvariantCulture),
            ];
        }
    }

    /// <summary>Row key lower bound of the slot containing a time.</summary>
    internal static string SlotKey(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, string>> ServerNamesAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(DiscoveryTables.Servers, cancellationToken).ConfigureAwait(false);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId}"), select: ["ServerId", "Name"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            names[e.GetString("ServerId")] = e.GetString("Name");
        }

        return names;
    }

    private static void Row(CsvWriter csv, string server, string serverId, string category, string? name, string? version, string? publisher, string? details) =>
        csv.WriteRecord([server, serverId, category, name ?? string.Empty, version ?? string.Empty, publisher ?? string.Empty, details ?? string.Empty]);

    private static ServerView ToView(TableEntity e)
    {
        var server = JsonSerializer.Deserialize<DiscoveredServer>(DiscoveryTables.GetChunked(e, "Detail") ?? "{}", DiscoveryJson.Options)!;
        return new ServerView(server, e.GetString("ApplianceId"), e.GetString("OsFamily") ?? "Unknown", e.GetBoolean("Missing") == true, e.GetDateTimeOffset("MissingSince"));
    }

    private static ServerSoftware ToSoftware(TableEntity e) =>
        JsonSerializer.Deserialize<ServerSoftware>(DiscoveryTables.GetChunked(e, "Data") ?? "{}", DiscoveryJson.Options)!;
}

/// <summary>Purges performance and dependency data older than the kept month.</summary>
public sealed class DiscoveryRetention(HubStorage storage, TimeProvider clock)
{
    /// <summary>Deletes the project's performance days and dependency slots older than <see cref="DiscoveryReader.RetentionDays"/>.</summary>
    public async Task<int> PurgeAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().AddDays(-DiscoveryReader.RetentionDays);
        var regionStorage = storage.Region(region);
        var deleted = 0;

        var perf = await regionStorage.TableAsync(DiscoveryTables.Performance, cancellationToken).ConfigureAwait(false);
        var low = projectId + "_";
        var high = DiscoveryTables.PerformancePartition(projectId, DateOnly.FromDateTime(cutoff.UtcDateTime));
        deleted += await DeleteAsync(perf, TableClient.CreateQueryFilter($"PartitionKey gt {low} and PartitionKey lt {high}"), cancellationToken).ConfigureAwait(false);

        var deps = await regionStorage.TableAsync(DiscoveryTables.Dependencies, cancellationToken).ConfigureAwait(false);
        var slot = DiscoveryReader.SlotKey(cutoff);
        deleted += await DeleteAsync(deps, TableClient.CreateQueryFilter($"PartitionKey eq {projectId} and RowKey lt {slot}"), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private static async Task<int> DeleteAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var keys = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new TableEntity(e.PartitionKey, e.RowKey) { ETag = Azure.ETag.All });
        }

        await IngestionService.SubmitAsync(table, keys, TableTransactionActionType.Delete, cancellationToken).ConfigureAwait(false);
        return keys.Count;
    }
}
