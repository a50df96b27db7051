using System.Globalization;
using System.IO.Compression;
using MigrateHub.Shared.Import;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Discovery.Simulation;

/// <summary>One VM's 10-minute peak trace (Bitbrains GWA-T-12, see samples/SOURCES.md).</summary>
/// <param name="Cpu">CPU %.</param>
/// <param name="Memory">Memory %.</param>
/// <param name="DiskReadKBps">Disk read KB/s.</param>
/// <param name="DiskWriteKBps">Disk write KB/s.</param>
/// <param name="NetRxKBps">Network receive KB/s.</param>
/// <param name="NetTxKBps">Network transmit KB/s.</param>
public sealed record UtilizationTrace(float[] Cpu, float[] Memory, float[] DiskReadKBps, float[] DiskWriteKBps, float[] NetRxKBps, float[] NetTxKBps)
{
    /// <summary>Reads the traces of <c>samples/utilization/*_10min_peak.csv.gz</c> (columns vm, point, cpu_pct, mem_pct, disk_read_kBps, disk_write_kBps, net_rx_kBps, net_tx_kBps).</summary>
    public static IReadOnlyList<UtilizationTrace> Load(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var byVm = new SortedDictionary<int, List<float[]>>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            if (f.Length < 8)
            {
                continue;
            }

            var vm = int.Parse(f[0], CultureInfo.InvariantCulture);
            if (!byVm.TryGetValue(vm, out var rows))
            {
                byVm[vm] = rows = [];
            }

            rows.Add([.. f.Skip(2).Take(6).Select(v => float.Parse(v, CultureInfo.InvariantCulture))]);
        }

        return byVm.Values.Select(rows => new UtilizationTrace(
            rows.Select(r => r[0]).ToArray(), rows.Select(r => r[1]).ToArray(), rows.Select(r => r[2]).ToArray(),
            rows.Select(r => r[3]).ToArray(), rows.Select(r => r[4]).ToArray(), rows.Select(r => r[5]).ToArray())).ToList();
    }
}

/// <summary>
/// Builds what a simulated appliance sends: an estate (from an RVTools export, an import CSV or
/// generated), its month of performance drawn from real traces, software inventory and dependencies.
/// Deterministic for a given seed.
/// </summary>
public static class EstateBuilder
{
    private static readonly string[] WindowsOs = ["Microsoft Windows Server 2019 (64-bit)", "Microsoft Windows Server 2016 (64-bit)", "Microsoft Windows Server 2022 (64-bit)", "Microsoft Windows Server 2012 R2 (64-bit)"];
    private static readonly string[] LinuxOs = ["Ubuntu Linux (64-bit)", "Red Hat Enterprise Linux 8 (64-bit)", "CentOS 7 (64-bit)", "SUSE Linux Enterprise 15 (64-bit)"];
    private static readonly string[] WindowsApps = ["Microsoft Edge", "7-Zip", "Notepad++", "Microsoft Visual C++ 2019 Redistributable", "Microsoft Monitoring Agent", "Java 8 Update 361", "Microsoft .NET Framework 4.8"];
    private static readonly string[] LinuxApps = ["openssh-server", "nginx", "postgresql-14", "python3", "docker-ce", "openjdk-17-jre", "rsyslog"];

    /// <summary>The servers of an RVTools export (as an appliance would report them: not imported).</summary>
    public static IReadOnlyList<DiscoveredServer> FromRvTools(string path)
    {
        using var stream = File.OpenRead(path);
        return RvToolsParser.Parse(stream).Servers.Select(s => s with { IsImported = false }).ToList();
    }

    /// <summary>The servers of an Azure Migrate import CSV.</summary>
    public static IReadOnlyList<DiscoveredServer> FromCsv(string path)
    {
        using var stream = File.OpenRead(path);
        return AzureMigrateCsvParser.Parse(stream).Servers.Select(s => s with { IsImported = false, SourceType = SourceType.Physical }).ToList();
    }

    /// <summary>A generated estate of <paramref name="count"/> VMware VMs.</summary>
    public static IReadOnlyList<DiscoveredServer> Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        var servers = new List<DiscoveredServer>(count);
        for (var i = 0; i < count; i++)
        {
            var windows = random.NextDouble() < 0.6;
            var diskCount = 1 + random.Next(3);
            var name = (windows ? "win" : "lnx") + i.ToString("00000", CultureInfo.InvariantCulture);
            var bytes = new byte[16];
            random.NextBytes(bytes);
            servers.Add(new DiscoveredServer
            {
                Id = new Guid(bytes).ToString(),
                Name = name,
                SourceId = "vm-" + (1000 + i).ToString(CultureInfo.InvariantCulture),
                SourceType = SourceType.VMware,
                OperatingSystem = new OperatingSystemInfo(windows ? WindowsOs[random.Next(WindowsOs.Length)] : LinuxOs[random.Next(LinuxOs.Length)], null, OsArchitecture.X64),
                BootType = random.NextDouble() < 0.5 ? BootType.Uefi : BootType.Bios,
                Cores = 1 << random.Next(5),
                MemoryMb = 1024 * (1 << random.Next(1, 7)),
                Disks = Enumerable.Range(0, diskCount).Select(d => new DiscoveredDisk
                {
                    Id = $"scsi0:{d}",
                    Name = $"Hard disk {d + 1}",
                    SizeGb = d == 0 ? 128 : 64 * (1 + random.Next(16)),
                }).ToList(),
                NetworkAdapters =
                [
                    new NetworkAdapter
                    {
                        Name = "Network adapter 1",
                        MacAddress = string.Join(':', new[] { 0x00, 0x50, 0x56, i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff }.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
                        IPv4Addresses = [$"10.{i >> 16 & 0xff}.{i >> 8 & 0xff}.{i & 0xff}"],
                    },
                ],
                PowerState = random.NextDouble() < 0.9 ? PowerState.On : PowerState.Off,
                Host = $"esx{i % 20:00}.lab.local",
                Cluster = $"cluster{i % 4}",
                Datacenter = "dc1",
            });
        }

        return servers;
    }

    /// <summary>
    /// <paramref name="days"/> of 10-minute peak points ending at <paramref name="end"/> for a server,
    /// drawn from trace <c>index % traces.Count</c> at an offset that depends on the index. Disk rates
    /// are the trace's split over the server's disks (IOPS assume 8 KB operations).
    /// </summary>
    public static IReadOnlyList<PerformancePoint> Performance(DiscoveredServer server, int index, IReadOnlyList<UtilizationTrace> traces, DateTimeOffset end, int days)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(traces);
        var trace = traces[index % traces.Count];
        var length = trace.Cpu.Length;
        var offset = index * 97 % length;
        var count = days * 144;
        var last = new DateTimeOffset(end.UtcTicks - end.UtcTicks % TimeSpan.FromMinutes(10).Ticks, TimeSpan.Zero);
        var disks = server.Disks.Count == 0 ? [new DiscoveredDisk { Id = "disk1" }] : server.Disks;
        var points = new PerformancePoint[count];
        for (var k = 0; k < count; k++)
        {
            var t = (offset + k) % length;
            var share = 1.0 / disks.Count;
            var read = trace.DiskReadKBps[t] / 1024.0 * share;
            var write = trace.DiskWriteKBps[t] / 1024.0 * share;
            points[k] = new PerformancePoint(
                last.AddMinutes(-10 * (count - 1 - k)),
                Math.Round(trace.Cpu[t], 3),
                Math.Round(trace.Memory[t], 3),
                disks.Select(d => new DiskPerformance(d.Id, Math.Round(read * 128, 3), Math.Round(write * 128, 3), Math.Round(read, 4), Math.Round(write, 4))).ToArray(),
                Math.Round(trace.NetRxKBps[t] / 1024.0, 4),
                Math.Round(trace.NetTxKBps[t] / 1024.0, 4));
        }

        return points;
    }

    /// <summary>A plausible software inventory for a server (by OS).</summary>
    public static ServerSoftware Software(DiscoveredServer server, int index)
    {
        ArgumentNullException.ThrowIfNull(server);
        var windows = OsFamilies.Of(server.OperatingSystem.Name) == "Windows";
        var apps = (windows ? WindowsApps : LinuxApps).Where((_, k) => (index + k) % 3 != 0)
            .Select((a, k) => new InstalledApplication(a, $"{1 + (index + k) % 9}.{index % 10}.{k}", windows ? "Microsoft Corporation" : "Debian/Upstream")).ToList();
        var features = windows ? new List<WindowsFeature> { new("Web-Server", "Role", null), new("NET-Framework-45-Core", "Feature", "NET-Framework-45-Features") } : [];
        var sql = windows && index % 4 == 0
            ? new List<SqlServerInstance> { new("MSSQLSERVER", "Standard", "15.0.4153.1", [new SqlDatabase("AppDb" + index.ToString(CultureInfo.InvariantCulture), 1024 + index % 500, 150), new SqlDatabase("ReportDb", 256, 140)]) }
            : [];
        var web = windows && index % 3 == 0
            ? new List<DiscoveredWebApp> { new("Default Web Site", "IIS", "ASP.NET 4.8", [$"http://{server.Name}:80"]) }
            : index % 5 == 1 ? [new DiscoveredWebApp("ROOT", "Tomcat", "Java 11", [$"http://{server.Name}:8080"])] : [];
        return new ServerSoftware { ServerId = server.Id, Applications = apps, Features = features, SqlInstances = sql, WebApps = web };
    }

    /// <summary>Connections between servers of the estate, per 6-hour slot, for the last <paramref name="days"/> days before <paramref name="end"/>.</summary>
    public static IReadOnlyList<DependencyConnection> Dependencies(IReadOnlyList<DiscoveredServer> servers, DateTimeOffset end, int days, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var random = new Random(seed);
        var lastSlot = new DateTimeOffset(end.UtcDateTime.Date.AddHours(end.UtcDateTime.Hour / 6 * 6), TimeSpan.Zero);
        var list = new List<DependencyConnection>();
        if (servers.Count < 2)
        {
            return list;
        }

        for (var i = 0; i < servers.Count; i++)
        {
            var source = servers[i];
            var target = servers[(i + 1 + random.Next(servers.Count - 1)) % servers.Count];
            var port = new[] { 443, 1433, 5432, 8080, 445 }[i % 5];
            for (var s = 0; s < days * 4; s++)
            {
                list.Add(new DependencyConnection
                {
                    TimeSlotStart = lastSlot.AddHours(-6 * s),
                    SourceServerId = source.Id,
                    SourceServerName = source.Name,
                    SourceProcess = port == 1433 ? "w3wp.exe" : "java",
                    SourceApplication = port == 1433 ? "IIS" : "App",
                    DestinationServerName = target.Name,
                    DestinationIp = target.NetworkAdapters.SelectMany(n => n.IPv4Addresses).FirstOrDefault() ?? "10.0.0.1",
                    DestinationProcess = port switch { 1433 => "sqlservr.exe", 5432 => "postgres", 445 => "System", _ => "nginx" },
                    DestinationApplication = port switch { 1433 => "SQL Server", 5432 => "PostgreSQL", 445 => "SMB", _ => "Web" },
                    DestinationPort = port,
                    Connections = 1 + random.Next(500),
                });
            }
        }

        return list;
    }

    /// <summary>Finds <c>samples/</c> by walking up from a directory (the repository root holds it).</summary>
    public static string? FindSamples(string? start = null)
    {
        foreach (var origin in new[] { start, Environment.CurrentDirectory, AppContext.BaseDirectory }.OfType<string>())
        {
            if (FindSamplesFrom(origin) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string? FindSamplesFrom(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "utilization");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(dir.FullName, "samples");
            }
        }

        return null;
    }
}
