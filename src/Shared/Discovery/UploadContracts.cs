using System.Text.Json;
using System.Text.Json.Serialization;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Discovery;

/// <summary>What an appliance upload carries (DOMAIN.md §2).</summary>
public static class UploadKinds
{
    /// <summary>Servers with their configuration.</summary>
    public const string Inventory = "inventory";

    /// <summary>10-minute peak performance points per server.</summary>
    public const string Performance = "performance";

    /// <summary>Applications, Windows features, SQL Server instances and databases, web apps.</summary>
    public const string Software = "software";

    /// <summary>Connections per 6-hour time slot.</summary>
    public const string Dependencies = "dependencies";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Inventory, Performance, Software, Dependencies];

    /// <summary>The canonical kind for a case-insensitive name, or null.</summary>
    public static string? Normalize(string? kind) => All.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The JSON body of an upload (sent gzip-compressed). <see cref="Kind"/> says which one of the lists is
/// filled; the others are ignored.
/// </summary>
public sealed record UploadPayload
{
    /// <summary>One of <see cref="UploadKinds"/>.</summary>
    public string? Kind { get; init; }

    /// <summary>
    /// Inventory only: true when <see cref="Servers"/> is everything the appliance sees now, so that its
    /// servers missing from the list are marked as no longer discovered (never deleted).
    /// </summary>
    public bool Complete { get; init; }

    /// <summary>Inventory: the servers.</summary>
    public IReadOnlyList<DiscoveredServer>? Servers { get; init; }

    /// <summary>Performance: points per server.</summary>
    public IReadOnlyList<ServerPerformance>? Performance { get; init; }

    /// <summary>Software inventory per server.</summary>
    public IReadOnlyList<ServerSoftware>? Software { get; init; }

    /// <summary>Dependencies: connection counts per 6-hour time slot.</summary>
    public IReadOnlyList<DependencyConnection>? Connections { get; init; }

    /// <summary>Number of items of the payload's kind.</summary>
    [JsonIgnore]
    public int ItemCount => Kind switch
    {
        UploadKinds.Inventory => Servers?.Count ?? 0,
        UploadKinds.Performance => Performance?.Sum(p => p?.PointCount ?? 0) ?? 0,
        UploadKinds.Software => Software?.Count ?? 0,
        UploadKinds.Dependencies => Connections?.Count ?? 0,
        _ => 0,
    };
}

/// <summary>
/// Performance points of one server: either <see cref="Points"/> (one object per point) or the same
/// data as <see cref="Columns"/> (one array per metric, several times smaller and cheaper to read).
/// </summary>
/// <param name="ServerId">The server's <see cref="DiscoveredServer.Id"/>.</param>
/// <param name="Points">Data points (10-minute peaks; 5 minutes for physical servers).</param>
public sealed record ServerPerformance(string? ServerId, IReadOnlyList<PerformancePoint>? Points)
{
    /// <summary>The points in columnar form, instead of <see cref="Points"/>.</summary>
    public PerformanceColumns? Columns { get; init; }

    /// <summary>Number of points, in either form.</summary>
    [JsonIgnore]
    public int PointCount => Points?.Count ?? Columns?.Timestamps?.Length ?? 0;

    /// <summary>The points, in either form (a validated entry).</summary>
    public IReadOnlyList<PerformancePoint> AllPoints() => Points ?? Columns?.ToPoints() ?? [];

    /// <summary>The same data in columnar form (every point must list the same disks in the same order).</summary>
    public static ServerPerformance Columnar(string serverId, IReadOnlyList<PerformancePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var disks = points.Count > 0 ? points[0].Disks : [];
        double[] Column(Func<PerformancePoint, double> f) => points.Select(f).ToArray();
        return new ServerPerformance(serverId, null)
        {
            Columns = new PerformanceColumns
            {
                Timestamps = points.Select(p => p.Timestamp.ToUnixTimeSeconds()).ToArray(),
                CpuPercent = Column(p => p.CpuPercent),
                MemoryPercent = Column(p => p.MemoryPercent),
                NetworkInMBps = Column(p => p.NetworkInMBps),
                NetworkOutMBps = Column(p => p.NetworkOutMBps),
                Disks = disks.Select((d, k) => new DiskColumns
                {
                    DiskId = d.DiskId,
                    ReadIops = Column(p => p.Disks[k].ReadIops),
                    WriteIops = Column(p => p.Disks[k].WriteIops),
                    ReadMBps = Column(p => p.Disks[k].ReadMBps),
                    WriteMBps = Column(p => p.Disks[k].WriteMBps),
                }).ToList(),
            },
        };
    }
}

/// <summary>
/// A server's points in columnar form: every array has one value per point, in the same order as
/// <see cref="Timestamps"/> (Unix seconds, UTC, end of each interval).
/// </summary>
public sealed record PerformanceColumns
{
    /// <summary>End of each interval, Unix time in seconds.</summary>
    public long[]? Timestamps { get; init; }

    /// <summary>CPU utilisation percentage per point.</summary>
    public double[]? CpuPercent { get; init; }

    /// <summary>Memory utilisation percentage per point.</summary>
    public double[]? MemoryPercent { get; init; }

    /// <summary>Network in, MB per second, per point.</summary>
    public double[]? NetworkInMBps { get; init; }

    /// <summary>Network out, MB per second, per point.</summary>
    public double[]? NetworkOutMBps { get; init; }

    /// <summary>Per-disk rates, one entry per disk (empty when none).</summary>
    public IReadOnlyList<DiskColumns>? Disks { get; init; }

    /// <summary>The points (a validated entry).</summary>
    public IReadOnlyList<PerformancePoint> ToPoints() => ToPoints(0, Timestamps!.Length);

    /// <summary>The points <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> (a validated entry).</summary>
    public IReadOnlyList<PerformancePoint> ToPoints(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Timestamps!.Length - start);
        var disks = Disks ?? [];
        var points = new PerformancePoint[count];
        for (var k = 0; k < count; k++)
        {
            var i = start + k;
            var rates = new DiskPerformance[disks.Count];
            for (var d = 0; d < rates.Length; d++)
            {
                var disk = disks[d];
                rates[d] = new DiskPerformance(disk.DiskId!, disk.ReadIops![i], disk.WriteIops![i], disk.ReadMBps![i], disk.WriteMBps![i]);
            }

            points[k] = new PerformancePoint(DateTimeOffset.FromUnixTimeSeconds(Timestamps[i]), CpuPercent![i], MemoryPercent![i], rates, NetworkInMBps![i], NetworkOutMBps![i]);
        }

        return points;
    }
}

/// <summary>One disk's rates in columnar form (one value per point).</summary>
public sealed record DiskColumns
{
    /// <summary>Matches <see cref="DiscoveredDisk.Id"/>.</summary>
    public string? DiskId { get; init; }

    /// <summary>Read operations per second.</summary>
    public double[]? ReadIops { get; init; }

    /// <summary>Write operations per second.</summary>
    public double[]? WriteIops { get; init; }

    /// <summary>Read MB per second.</summary>
    public double[]? ReadMBps { get; init; }

    /// <summary>Write MB per second.</summary>
    public double[]? WriteMBps { get; init; }
}

/// <summary>Software inventory of one server.</summary>
public sealed record ServerSoftware
{
    /// <summary>The server's id.</summary>
    public string? ServerId { get; init; }

    /// <summary>Installed applications.</summary>
    public IReadOnlyList<InstalledApplication> Applications { get; init; } = [];

    /// <summary>Windows features (roles and features) enabled.</summary>
    public IReadOnlyList<WindowsFeature> Features { get; init; } = [];

    /// <summary>SQL Server instances with their databases.</summary>
    public IReadOnlyList<SqlServerInstance> SqlInstances { get; init; } = [];

    /// <summary>Web apps (IIS, Tomcat).</summary>
    public IReadOnlyList<DiscoveredWebApp> WebApps { get; init; } = [];
}

/// <summary>An installed application.</summary>
public sealed record InstalledApplication(string? Name, string? Version, string? Publisher);

/// <summary>A Windows role or feature.</summary>
public sealed record WindowsFeature(string? Name, string? FeatureType, string? Parent);

/// <summary>A SQL Server instance.</summary>
public sealed record SqlServerInstance(string? Name, string? Edition, string? Version, IReadOnlyList<SqlDatabase>? Databases);

/// <summary>A database of a SQL Server instance.</summary>
public sealed record SqlDatabase(string? Name, double SizeMb, int? CompatibilityLevel);

/// <summary>A web application.</summary>
/// <param name="Name">Site or application name.</param>
/// <param name="WebServer">IIS or Tomcat.</param>
/// <param name="Framework">Runtime (ASP.NET version, Java version).</param>
/// <param name="Bindings">Host bindings / URLs.</param>
public sealed record DiscoveredWebApp(string? Name, string? WebServer, string? Framework, IReadOnlyList<string>? Bindings);

/// <summary>
/// One dependency in one 6-hour time slot: same source server and process, same destination server,
/// process and port (DOMAIN.md §4).
/// </summary>
public sealed record DependencyConnection
{
    /// <summary>Start of the 6-hour slot (UTC; 00, 06, 12 or 18 h).</summary>
    public DateTimeOffset TimeSlotStart { get; init; }

    /// <summary>Source server id (a discovered server).</summary>
    public string? SourceServerId { get; init; }

    /// <summary>Source server name.</summary>
    public string? SourceServerName { get; init; }

    /// <summary>Source process.</summary>
    public string? SourceProcess { get; init; }

    /// <summary>Source application.</summary>
    public string? SourceApplication { get; init; }

    /// <summary>Destination server name (may be unknown to the hub).</summary>
    public string? DestinationServerName { get; init; }

    /// <summary>Destination IP address.</summary>
    public string? DestinationIp { get; init; }

    /// <summary>Destination process.</summary>
    public string? DestinationProcess { get; init; }

    /// <summary>Destination application.</summary>
    public string? DestinationApplication { get; init; }

    /// <summary>Destination port.</summary>
    public int DestinationPort { get; init; }

    /// <summary>Connections seen in the slot.</summary>
    public long Connections { get; init; }
}

/// <summary>The Service Bus message that tells the consumer an upload waits in blob storage.</summary>
/// <param name="ProjectId">Project id.</param>
/// <param name="Region">The project's region (whose storage holds the upload).</param>
/// <param name="ApplianceId">Appliance name (or <c>import</c>).</param>
/// <param name="UploadId">The appliance's upload id.</param>
public sealed record UploadMessage(string ProjectId, string Region, string ApplianceId, string UploadId);

/// <summary>States of an upload.</summary>
public static class UploadStates
{
    /// <summary>Stored and queued; not ingested yet.</summary>
    public const string Accepted = "Accepted";

    /// <summary>In the tables.</summary>
    public const string Ingested = "Ingested";

    /// <summary>Poison: could not be ingested; <see cref="UploadRecord.Reason"/> says why.</summary>
    public const string Failed = "Failed";
}

/// <summary>The status of an upload as stored and as returned by its status URL.</summary>
public sealed record UploadRecord
{
    /// <summary>Project id.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Appliance name (or <c>import</c>).</summary>
    public required string ApplianceId { get; init; }

    /// <summary>The appliance's upload id.</summary>
    public required string UploadId { get; init; }

    /// <summary>Kind of the upload.</summary>
    public required string Kind { get; init; }

    /// <summary>See <see cref="UploadStates"/>.</summary>
    public required string State { get; init; }

    /// <summary>SHA-256 of the uncompressed JSON (hex): an upload id re-used with other content is refused.</summary>
    public required string ContentSha256 { get; init; }

    /// <summary>Blob holding the raw (gzip) payload in the region's upload container.</summary>
    public required string BlobName { get; init; }

    /// <summary>Items in the payload (servers, points, software entries, connections).</summary>
    public int ItemCount { get; init; }

    /// <summary>When the hub accepted it.</summary>
    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When its message was last sent (the sweep re-sends after a while).</summary>
    public DateTimeOffset LastSentAt { get; init; }

    /// <summary>How many times its message was sent.</summary>
    public int SendCount { get; init; }

    /// <summary>When it was ingested.</summary>
    public DateTimeOffset? IngestedAt { get; init; }

    /// <summary>Servers new to the project (inventory).</summary>
    public int NewServers { get; init; }

    /// <summary>Servers marked as no longer discovered (complete inventory).</summary>
    public int MissingServers { get; init; }

    /// <summary>Why it failed (poison), or the last transient error.</summary>
    public string? Reason { get; init; }
}

/// <summary>JSON settings for upload payloads and messages.</summary>
public static class DiscoveryJson
{
    /// <summary>camelCase, case-insensitive, numbers strictly typed, enums as strings.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new DoubleArrayConverter(), new Int64ArrayConverter() },
    };
}
