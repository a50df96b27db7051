using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Assessment;

/// <summary>Builders for test servers and performance histories.</summary>
internal static class Servers
{
    public static DiscoveredServer Make(
        int cores = 4,
        double memoryMb = 8192,
        string os = "Microsoft Windows Server 2019 (64-bit)",
        BootType boot = BootType.Bios,
        double[]? diskGb = null,
        int nics = 1,
        UtilizationSnapshot? utilization = null,
        bool imported = false)
    {
        diskGb ??= [100];
        return new DiscoveredServer
        {
            Id = "srv-1",
            Name = "srv-1",
            SourceType = SourceType.VMware,
            OperatingSystem = new OperatingSystemInfo(os, null, OsArchitecture.X64),
            BootType = boot,
            Cores = cores,
            MemoryMb = memoryMb,
            Disks = diskGb.Select((g, i) => new DiscoveredDisk { Id = "disk" + i, SizeGb = g }).ToArray(),
            NetworkAdapters = Enumerable.Range(0, nics).Select(i => new NetworkAdapter { Name = "nic" + i }).ToArray(),
            Utilization = utilization,
            IsImported = imported,
        };
    }

    public static DiscoveredServer WithDiskRates(this DiscoveredServer s, int disk, double readIops, double writeIops, double readMBps, double writeMBps)
    {
        var disks = s.Disks.ToArray();
        disks[disk] = disks[disk] with { ReadIops = readIops, WriteIops = writeIops, ReadMBps = readMBps, WriteMBps = writeMBps };
        return s with { Disks = disks };
    }

    /// <summary>A 10-minute series ending 2026-01-31 with constant values except where a generator is given.</summary>
    public static PerformanceSeries Series(
        int points,
        Func<int, float> cpu,
        Func<int, float>? mem = null,
        Func<int, float>? diskIops = null,
        Func<int, float>? diskMBps = null,
        Func<int, float>? netOut = null,
        string diskId = "disk0")
    {
        var end = new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        var step = TimeSpan.FromMinutes(10).Ticks;
        var ts = Enumerable.Range(0, points).Select(i => end - ((points - 1 - i) * step)).ToArray();
        float[] Arr(Func<int, float>? f) => Enumerable.Range(0, points).Select(i => f?.Invoke(i) ?? 0f).ToArray();
        var disk = new DiskPerformanceSeries(diskId, Arr(diskIops), new float[points], Arr(diskMBps), new float[points]);
        return new PerformanceSeries(TimeSpan.FromMinutes(10), ts, Arr(cpu), Arr(mem ?? (_ => 50f)), new float[points], Arr(netOut), [disk]);
    }

    public static AssessmentSettings WestEurope(params string[] series) => new()
    {
        TargetRegion = "westeurope",
        VmSeries = series.Length == 0 ? null : series,
    };
}
