using Azure.Data.Tables;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Assessments;

/// <summary>
/// Reads the performance history of a batch of servers at once: per UTC day of the window, one range
/// query over the day's partition (<see cref="DiscoveryTables.Performance"/>, row keys between the
/// batch's lowest and highest server key) instead of one point read per server and day. Entities are
/// decoded with <see cref="PerformanceCodec.DecodeEntity"/> (whatever layout discovery wrote) and kept
/// per server in columnar blocks (a day of 10-minute points with two disks is ~8 KB), so a batch never
/// holds the points as objects. The series of a server is the one
/// <see cref="PerformanceSeries.FromPoints"/> would build from <see cref="DiscoveryReader.GetPerformanceAsync"/>.
/// </summary>
public sealed class BatchPerformanceReader(HubStorage storage)
{
    /// <summary>Day partitions queried at the same time by one batch read.</summary>
    public const int DaysInFlight = 2;

    /// <summary>Entities per page of a day query (Table Storage returns at most 1,000).</summary>
    public const int PageSize = 1000;

    /// <summary>
    /// The points in [<paramref name="from"/>, <paramref name="to"/>] of each server (by server id; a
    /// server with no point in the window is absent).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PerformanceSeries>> ReadAsync(
        string region, string projectId, IReadOnlyCollection<DiscoveredServer> servers, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var result = new Dictionary<string, PerformanceSeries>(StringComparer.Ordinal);
        if (servers.Count == 0 || to < from)
        {
            return result;
        }

        var byKey = new Dictionary<string, DiscoveredServer>(StringComparer.Ordinal);
        foreach (var s in servers)
        {
            byKey[DiscoveryTables.Escape(s.Id)] = s;
        }

        var low = byKey.Keys.Min(StringComparer.Ordinal)!;
        var high = byKey.Keys.Max(StringComparer.Ordinal)!;
        var days = new List<DateOnly>();
        for (var day = DateOnly.FromDateTime(from.UtcDateTime); day <= DateOnly.FromDateTime(to.UtcDateTime); day = day.AddDays(1))
        {
            days.Add(day);
        }

        var table = await storage.Region(region).TableAsync(DiscoveryTables.Performance, cancellationToken).ConfigureAwait(false);
        var perDay = new Dictionary<string, Block>[days.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, days.Count),
            new ParallelOptions { MaxDegreeOfParallelism = DaysInFlight, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var blocks = new Dictionary<string, Block>(StringComparer.Ordinal);
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {DiscoveryTables.PerformancePartition(projectId, days[i])} and RowKey ge {low} and RowKey le {high}");
                await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, cancellationToken: ct).ConfigureAwait(false))
                {
                    if (byKey.ContainsKey(entity.RowKey) && Block.Of(PerformanceCodec.DecodeEntity(days[i], entity), from, to) is { } block)
                    {
                        blocks[entity.RowKey] = block;
                    }
                }

                perDay[i] = blocks;
            }).ConfigureAwait(false);

        foreach (var (key, server) in byKey)
        {
            var blocks = new List<Block>(days.Count);
            foreach (var day in perDay)
            {
                if (day.TryGetValue(key, out var block))
                {
                    blocks.Add(block);
                }
            }

            if (blocks.Count > 0)
            {
                result[server.Id] = Block.Join(blocks, AssessmentRunner.IntervalOf(server.SourceType));
            }
        }

        return result;
    }

    /// <summary>One day of one server's points in the window, columnar, in time order.</summary>
    private sealed class Block
    {
        private Block(int n, string[] diskIds)
        {
            Timestamps = new long[n];
            Cpu = new float[n];
            Memory = new float[n];
            NetIn = new float[n];
            NetOut = new float[n];
            DiskIds = diskIds;
            Disks = new float[diskIds.Length * 4][];
            for (var d = 0; d < Disks.Length; d++)
            {
                Disks[d] = new float[n];
            }
        }

        public long[] Timestamps { get; }

        public float[] Cpu { get; }

        public float[] Memory { get; }

        public float[] NetIn { get; }

        public float[] NetOut { get; }

        public string[] DiskIds { get; }

        /// <summary>Per disk (in <see cref="DiskIds"/> order): read IOPS, write IOPS, read MBps, write MBps.</summary>
        public float[][] Disks { get; }

        public static Block? Of(IEnumerable<PerformancePoint> decoded, DateTimeOffset from, DateTimeOffset to)
        {
            var points = decoded.Where(p => p.Timestamp >= from && p.Timestamp <= to).ToList();
            if (points.Count == 0)
            {
                return null;
            }

            // Stable, as FromPoints orders; disks in order of first appearance.
            if (!IsSorted(points))
            {
                points = points.OrderBy(p => p.Timestamp).ToList();
            }

            var ids = new List<string>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in points)
            {
                foreach (var d in p.Disks)
                {
                    if (index.TryAdd(d.DiskId, ids.Count))
                    {
                        ids.Add(d.DiskId);
                    }
                }
            }

            var block = new Block(points.Count, [.. ids]);
            for (var i = 0; i < points.Count; i++)
            {
                var p = points[i];
                block.Timestamps[i] = p.Timestamp.UtcTicks;
                block.Cpu[i] = (float)p.CpuPercent;
                block.Memory[i] = (float)p.MemoryPercent;
                block.NetIn[i] = (float)p.NetworkInMBps;
                block.NetOut[i] = (float)p.NetworkOutMBps;
                foreach (var d in p.Disks)
                {
                    var k = index[d.DiskId] * 4;
                    block.Disks[k][i] = (float)d.ReadIops;
                    block.Disks[k + 1][i] = (float)d.WriteIops;
                    block.Disks[k + 2][i] = (float)d.ReadMBps;
                    block.Disks[k + 3][i] = (float)d.WriteMBps;
                }
            }

            return block;
        }

        /// <summary>Days in order, joined into one series (a disk missing from a day counts as zero activity there).</summary>
        public static PerformanceSeries Join(IReadOnlyList<Block> blocks, TimeSpan interval)
        {
            var n = blocks.Sum(b => b.Timestamps.Length);
            var ids = new List<string>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var id in blocks.SelectMany(b => b.DiskIds))
            {
                if (index.TryAdd(id, ids.Count))
                {
                    ids.Add(id);
                }
            }

            var ts = new long[n];
            var cpu = new float[n];
            var mem = new float[n];
            var netIn = new float[n];
            var netOut = new float[n];
            var disks = ids.Select(id => new DiskPerformanceSeries(id, new float[n], new float[n], new float[n], new float[n])).ToArray();
            var at = 0;
            foreach (var b in blocks)
            {
                var len = b.Timestamps.Length;
                b.Timestamps.CopyTo(ts, at);
                b.Cpu.CopyTo(cpu, at);
                b.Memory.CopyTo(mem, at);
                b.NetIn.CopyTo(netIn, at);
                b.NetOut.CopyTo(netOut, at);
                for (var d = 0; d < b.DiskIds.Length; d++)
                {
                    var s = disks[index[b.DiskIds[d]]];
                    b.Disks[d * 4].CopyTo(s.ReadIops, at);
                    b.Disks[(d * 4) + 1].CopyTo(s.WriteIops, at);
                    b.Disks[(d * 4) + 2].CopyTo(s.ReadMBps, at);
                    b.Disks[(d * 4) + 3].CopyTo(s.WriteMBps, at);
                }

                at += len;
            }

            return new PerformanceSeries(interval, ts, cpu, mem, netIn, netOut, disks);
        }

        private static bool IsSorted(List<PerformancePoint> points)
        {
            for (var i = 1; i < points.Count; i++)
            {
                if (points[i].Timestamp < points[i - 1].Timestamp)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
