namespace MigrateHub.Shared.Inventory;

/// <summary>
/// One performance data point: the peak of the samples in its interval (VMware: 20 s samples -> 10-minute
/// peak; Hyper-V 30 s -> 10 min; physical 5 min -> 5 min). This is the exchange shape (JSON, queues);
/// the assessment engine works on the columnar <see cref="PerformanceSeries"/>.
/// </summary>
/// <param name="Timestamp">End of the interval.</param>
/// <param name="CpuPercent">CPU utilisation percentage.</param>
/// <param name="MemoryPercent">Memory utilisation percentage (Hyper-V: pressure x visible memory / 100).</param>
/// <param name="Disks">Per-disk rates.</param>
/// <param name="NetworkInMBps">Network in, MB per second, summed over all adapters.</param>
/// <param name="NetworkOutMBps">Network out, MB per second, summed over all adapters.</param>
public sealed record PerformancePoint(
    DateTimeOffset Timestamp,
    double CpuPercent,
    double MemoryPercent,
    IReadOnlyList<DiskPerformance> Disks,
    double NetworkInMBps,
    double NetworkOutMBps);

/// <summary>Rates of one disk in one data point.</summary>
/// <param name="DiskId">Matches <see cref="DiscoveredDisk.Id"/>.</param>
/// <param name="ReadIops">Read operations per second.</param>
/// <param name="WriteIops">Write operations per second.</param>
/// <param name="ReadMBps">Read MB per second.</param>
/// <param name="WriteMBps">Write MB per second.</param>
public readonly record struct DiskPerformance(string DiskId, double ReadIops, double WriteIops, double ReadMBps, double WriteMBps);

/// <summary>
/// A server's performance history in columnar form (one array per metric, all of length
/// <see cref="Count"/>, ordered by time). Float precision keeps a month of 10-minute points for 10,000
/// servers in memory. Build it with <see cref="FromPoints"/> or directly from arrays.
/// </summary>
public sealed class PerformanceSeries
{
    /// <summary>Creates a series; every array must have the same length as <paramref name="timestampsUtcTicks"/>.</summary>
    public PerformanceSeries(
        TimeSpan interval,
        long[] timestampsUtcTicks,
        float[] cpuPercent,
        float[] memoryPercent,
        float[] networkInMBps,
        float[] networkOutMBps,
        IReadOnlyList<DiskPerformanceSeries> disks)
    {
        ArgumentNullException.ThrowIfNull(timestampsUtcTicks);
        ArgumentNullException.ThrowIfNull(cpuPercent);
        ArgumentNullException.ThrowIfNull(memoryPercent);
        ArgumentNullException.ThrowIfNull(networkInMBps);
        ArgumentNullException.ThrowIfNull(networkOutMBps);
        ArgumentNullException.ThrowIfNull(disks);
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), "The interval must be positive.");
        }

        var n = timestampsUtcTicks.Length;
        if (cpuPercent.Length != n || memoryPercent.Length != n || networkInMBps.Length != n || networkOutMBps.Length != n)
        {
            throw new ArgumentException("All metric arrays must have one value per timestamp.");
        }

        foreach (var d in disks)
        {
            if (d.ReadIops.Length != n || d.WriteIops.Length != n || d.ReadMBps.Length != n || d.WriteMBps.Length != n)
            {
                throw new ArgumentException($"Disk '{d.DiskId}' must have one value per timestamp.");
            }
        }

        for (var i = 1; i < n; i++)
        {
            if (timestampsUtcTicks[i] < timestampsUtcTicks[i - 1])
            {
                throw new ArgumentException("Timestamps must be in ascending order.");
            }
        }

        Interval = interval;
        TimestampsUtcTicks = timestampsUtcTicks;
        CpuPercent = cpuPercent;
        MemoryPercent = memoryPercent;
        NetworkInMBps = networkInMBps;
        NetworkOutMBps = networkOutMBps;
        Disks = disks;
    }

    /// <summary>Length of one data point's interval (10 minutes for VMware and Hyper-V, 5 for physical).</summary>
    public TimeSpan Interval { get; }

    /// <summary>End of each data point's interval, UTC ticks, ascending.</summary>
    public IReadOnlyList<long> Timestamps => TimestampsUtcTicks;

    /// <summary>Number of data points.</summary>
    public int Count => TimestampsUtcTicks.Length;

    /// <summary>Network adapters are summed per point; disks are kept per disk.</summary>
    public IReadOnlyList<DiskPerformanceSeries> Disks { get; }

    internal long[] TimestampsUtcTicks { get; }

    internal float[] CpuPercent { get; }

    internal float[] MemoryPercent { get; }

    internal float[] NetworkInMBps { get; }

    internal float[] NetworkOutMBps { get; }

    /// <summary>CPU % per point.</summary>
    public ReadOnlySpan<float> Cpu => CpuPercent;

    /// <summary>Memory % per point.</summary>
    public ReadOnlySpan<float> Memory => MemoryPercent;

    /// <summary>Network in MBps per point.</summary>
    public ReadOnlySpan<float> NetworkIn => NetworkInMBps;

    /// <summary>Network out MBps per point.</summary>
    public ReadOnlySpan<float> NetworkOut => NetworkOutMBps;

    /// <summary>
    /// Builds the columnar series from data points (sorted by time here). A disk missing from a point
    /// counts as zero activity in that point.
    /// </summary>
    public static PerformanceSeries FromPoints(IEnumerable<PerformancePoint> points, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.OrderBy(p => p.Timestamp).ToList();
        var n = list.Count;
        var ts = new long[n];
        var cpu = new float[n];
        var mem = new float[n];
        var netIn = new float[n];
        var netOut = new float[n];
        var diskIds = new List<string>();
        var diskIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in list)
        {
            foreach (var d in p.Disks)
            {
                if (diskIndex.TryAdd(d.DiskId, diskIds.Count))
                {
                    diskIds.Add(d.DiskId);
                }
            }
        }

        var disks = diskIds.Select(id => new DiskPerformanceSeries(id, new float[n], new float[n], new float[n], new float[n])).ToArray();
        for (var i = 0; i < n; i++)
        {
            var p = list[i];
            ts[i] = p.Timestamp.UtcTicks;
            cpu[i] = (float)p.CpuPercent;
            mem[i] = (float)p.MemoryPercent;
            netIn[i] = (float)p.NetworkInMBps;
            netOut[i] = (float)p.NetworkOutMBps;
            foreach (var d in p.Disks)
            {
                var s = disks[diskIndex[d.DiskId]];
                s.ReadIops[i] = (float)d.ReadIops;
                s.WriteIops[i] = (float)d.WriteIops;
                s.ReadMBps[i] = (float)d.ReadMBps;
                s.WriteMBps[i] = (float)d.WriteMBps;
            }
        }

        return new PerformanceSeries(interval, ts, cpu, mem, netIn, netOut, disks);
    }
}

/// <summary>Per-point rates of one disk (arrays aligned with the owning <see cref="PerformanceSeries"/>).</summary>
/// <param name="DiskId">Matches <see cref="DiscoveredDisk.Id"/>.</param>
/// <param name="ReadIops">Read IOPS per point.</param>
/// <param name="WriteIops">Write IOPS per point.</param>
/// <param name="ReadMBps">Read MBps per point.</param>
/// <param name="WriteMBps">Write MBps per point.</param>
#pragma warning disable CA1819 // columnar arrays are the point of this type
public sealed record DiskPerformanceSeries(string DiskId, float[] ReadIops, float[] WriteIops, float[] ReadMBps, float[] WriteMBps);
#pragma warning restore CA1819
