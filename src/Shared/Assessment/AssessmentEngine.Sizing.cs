using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Assessment;

public sealed partial class AssessmentEngine
{
    private const double HoursPerMonth = 730;

    // Ultra Disk rules (azure_disk_type_limits.csv): <= 1000 IOPS per GiB, 0.25 MBps per provisioned IOPS,
    // min 100 IOPS, 64 TiB, 400,000 IOPS, 10,000 MBps.
    private const double UltraIopsPerGib = 1000;
    private const double UltraMaxIops = 400_000;
    private const double UltraMaxMBps = 10_000;

    // Premium SSD v2: 3,000 IOPS and 125 MBps free; +500 IOPS per GiB above 6 GiB; 0.25 MBps per IOPS;
    // 64 TiB, 80,000 IOPS, 2,000 MBps.
    private const double V2BaseIops = 3000;
    private const double V2BaseMBps = 125;
    private const double V2MaxIops = 80_000;
    private const double V2MaxMBps = 2000;
    private const double MBpsPerIops = 0.25;
    private const double MaxFixedTierGb = 32767;

    private static readonly string[] RejectionNames =
    [
        "cores", "memory", "Hyper-V generation", "data disk count", "disk types (premium storage / Ultra support)",
        "uncached disk IOPS", "uncached disk MBps", "NIC count", "network bandwidth",
    ];

    private readonly record struct DiskNeed(double Iops, double MBps, bool HasPerf);

    private ComputeNeeds ComputeUsage(
        AssessmentInput input,
        AssessmentContext ctx,
        out DiskNeed[] diskNeeds,
        out int? confidence,
        out double? share,
        out SizingCriterion sizing)
    {
        var server = input.Server;
        var settings = ctx.Settings;
        var disks = server.Disks;
        diskNeeds = new DiskNeed[disks.Count];
        confidence = null;
        share = null;
        sizing = settings.Sizing;
        var memGib = server.MemoryMb / 1024.0;
        if (settings.Sizing == SizingCriterion.AsOnPremises)
        {
            return new ComputeNeeds
            {
                Cores = server.Cores,
                MemoryGib = memGib,
                Basis = string.Create(Inv, $"As on premises: allocated {server.Cores} cores and {memGib:0.##} GiB memory (no comfort factor); disks as {settings.AsOnPremisesStorage} by configured size."),
            };
        }

        var comfort = settings.ComfortFactor;
        var p = settings.Percentile;
        var series = input.Performance;
        if (series is not null && series.Count > 0)
        {
            var ts = series.TimestampsUtcTicks;
            var end = settings.HistoryEnd?.UtcTicks ?? ts[^1];
            var start = end - settings.HistoryWindow.Ticks;
            var i0 = LowerBoundExclusive(ts, start);
            var i1 = UpperBoundInclusive(ts, end);
            var n = i1 - i0;
            var expected = settings.HistoryWindow.Ticks / (double)series.Interval.Ticks;
            var sharePct = Math.Min(100.0, n / expected * 100.0);
            if (!server.IsImported)
            {
                share = sharePct;
                confidence = Percentiles.ConfidenceStars(sharePct);
            }

            if (n > 0)
            {
                var buf = Scratch(n).AsSpan(0, n);
                var cpu = Percentiles.NearestRank(series.CpuPercent.AsSpan(i0, n), default, p, buf);
                var mem = Percentiles.NearestRank(series.MemoryPercent.AsSpan(i0, n), default, p, buf);
                var net = Percentiles.NearestRank(series.NetworkOutMBps.AsSpan(i0, n), default, p, buf);
                for (var d = 0; d < disks.Count; d++)
                {
                    var ds = FindDiskSeries(series, disks[d].Id);
                    if (ds is null)
                    {
                        continue;
                    }

                    var iops = Percentiles.NearestRank(ds.ReadIops.AsSpan(i0, n), ds.WriteIops.AsSpan(i0, n), p, buf);
                    var mbps = Percentiles.NearestRank(ds.ReadMBps.AsSpan(i0, n), ds.WriteMBps.AsSpan(i0, n), p, buf);
                    diskNeeds[d] = new DiskNeed(iops * comfort, mbps * comfort, true);
                }

                return new ComputeNeeds
                {
                    Cores = server.Cores * cpu / 100.0 * comfort,
                    MemoryGib = memGib * mem / 100.0 * comfort,
                    NetworkMBps = net * comfort,
                    CpuPercent = cpu,
                    MemoryPercent = mem,
                    Basis = string.Create(Inv,
                        $"Performance-based: P{p} of {n} data points in the {settings.HistoryWindow.TotalDays:0.#}-day window ({sharePct:0.#} % of expected); CPU {cpu:0.##} % of {server.Cores} cores x comfort {comfort} = {server.Cores * cpu / 100.0 * comfort:0.##} vCPUs; memory {mem:0.##} % of {memGib:0.##} GiB x {comfort} = {memGib * mem / 100.0 * comfort:0.##} GiB; network out {net:0.##} MBps x {comfort}."),
                };
            }
        }

        // Single utilisation values (imports) or nothing: allocated values for what is missing.
        var u = server.Utilization;
        var anyDiskPerf = false;
        for (var d = 0; d < disks.Count; d++)
        {
            var k = disks[d];
            if (k.ReadIops is not null || k.WriteIops is not null || k.ReadMBps is not null || k.WriteMBps is not null)
            {
                anyDiskPerf = true;
                diskNeeds[d] = new DiskNeed(
                    ((k.ReadIops ?? 0) + (k.WriteIops ?? 0)) * comfort,
                    ((k.ReadMBps ?? 0) + (k.WriteMBps ?? 0)) * comfort,
                    true);
            }
        }

        double netOut = 0;
        var hasNet = u?.NetworkOutMBps is not null;
        if (hasNet)
        {
            netOut = u!.NetworkOutMBps!.Value;
        }
        else
        {
            foreach (var nic in server.NetworkAdapters)
            {
                if (nic.TransmitMBps is { } t)
                {
                    netOut += t;
                    hasNet = true;
                }
            }
        }

        var cpuPct = u?.CpuPercent;
        var memPct = u?.MemoryPercent;
        var cores = cpuPct is { } c ? server.Cores * c / 100.0 * comfort : server.Cores;
        var memory = memPct is { } m ? memGib * m / 100.0 * comfort : memGib;
        string basis;
        if (cpuPct is null && memPct is null && !anyDiskPerf && !hasNet)
        {
            basis = string.Create(Inv, $"Performance-based without performance data: allocated {server.Cores} cores and {memGib:0.##} GiB; disks mapped to Standard SSD by configured size.");
        }
        else
        {
            basis = string.Create(Inv,
                $"Performance-based on the imported utilisation values (one value each, no percentile): CPU {(cpuPct is null ? "not reported -> allocated" : $"{cpuPct:0.##} % x comfort {comfort}")} = {cores:0.##} vCPUs; memory {(memPct is null ? "not reported -> allocated" : $"{memPct:0.##} % x comfort {comfort}")} = {memory:0.##} GiB.");
        }

        return new ComputeNeeds
        {
            Cores = cores,
            MemoryGib = memory,
            NetworkMBps = netOut * comfort,
            CpuPercent = cpuPct,
            MemoryPercent = memPct,
            Basis = basis,
        };
    }

    private static DiskPerformanceSeries? FindDiskSeries(PerformanceSeries series, string diskId)
    {
        var list = series.Disks;
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i].DiskId, diskId, StringComparison.Ordinal))
            {
                return list[i];
            }
        }

        return null;
    }

    /// <summary>First index with ts[i] &gt; value.</summary>
    private static int LowerBoundExclusive(long[] ts, long value)
    {
        int lo = 0, hi = ts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ts[mid] > value)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>One past the last index with ts[i] &lt;= value.</summary>
    private static int UpperBoundInclusive(long[] ts, long value) => LowerBoundExclusive(ts, value);

    private static DiskRecommendation? ChooseDisk(
        DiscoveredDisk disk,
        bool isOsDisk,
        DiskNeed need,
        AssessmentContext ctx,
        SizingCriterion sizing,
        DiskClass cls,
        out ReadinessIssue? failure)
    {
        failure = null;
        var settings = ctx.Settings;
        var size = disk.SizeGb;
        var v2Allowed = cls >= DiskClass.Premium && settings.AllowPremiumV2AndUltra && !isOsDisk;
        var ultraAllowed = cls == DiskClass.Ultra && settings.AllowPremiumV2AndUltra && !isOsDisk;
        if (sizing == SizingCriterion.AsOnPremises || !need.HasPerf)
        {
            var type = sizing == SizingCriterion.AsOnPremises
                ? settings.AsOnPremisesStorage switch
                {
                    AsOnPremisesStorage.StandardHDD => DiskType.StandardHDD,
                    AsOnPremisesStorage.StandardSSD => DiskType.StandardSSD,
                    AsOnPremisesStorage.Ultra => isOsDisk ? DiskType.Premium : DiskType.Ultra,
                    _ => DiskType.Premium,
                }
                : DiskType.StandardSSD;
            var why = sizing == SizingCriterion.AsOnPremises
                ? $"As on premises: smallest {type} disk holding the configured size"
                : "No performance data: configured size mapped to Standard SSD";
            if ((type == DiskType.Premium && cls == DiskClass.Standard) || (type == DiskType.Ultra && cls != DiskClass.Ultra))
            {
                failure = new ReadinessIssue("NoVmSizeSupportsStoragePerformance", Readiness.NotSuitable, $"Disk '{disk.Id}' must be {type}, which needs a size with {type} support.");
                return null;
            }

            if (type == DiskType.Ultra)
            {
                // Provision the IOPS/MBps a Premium tier of the same capacity has (the documented baseline).
                var p = SmallestTier(ctx, DiskType.Premium, size);
                var iops = p?.Tier.Iops ?? (int)V2BaseIops;
                var mbps = p?.Tier.MBps ?? (int)V2BaseMBps;
                return UltraDisk(disk, isOsDisk, size, iops, mbps, ctx, new DiskNeed(iops, mbps, false),
                    "As on premises (Ultra): capacity of the configured size, IOPS/MBps of the Premium tier of that capacity");
            }

            var t = SmallestTier(ctx, type, size);
            if (t is not null)
            {
                return FixedDisk(disk, isOsDisk, t, need, ctx, $"{why} ({size:0.#} GB)");
            }

            if (v2Allowed && size <= MaxDiskGb)
            {
                return PremiumV2Disk(disk, isOsDisk, size, 0, 0, ctx, need, $"{why}: larger than any fixed tier, Premium SSD v2 by capacity");
            }

            failure = new ReadinessIssue("DiskSizeGreaterThanSupported", Readiness.NotSuitable,
                string.Create(Inv, $"Disk '{disk.Id}' ({size:0.#} GB) is larger than the largest {type} tier{(isOsDisk ? " (OS disk)" : string.Empty)}."));
            return null;
        }

        // Performance-based with data: the cheapest disk meeting size, IOPS and MBps among the fixed tiers
        // and, for data disks, Premium SSD v2 and Ultra (provisioned to the needs).
        var tiers = ctx.TiersByPrice;
        var sizeAndIops = false;
        var fixedIndex = -1;
        for (var i = 0; i < tiers.Length; i++)
        {
            var t = tiers[i].Tier;
            if ((t.Type == DiskType.Premium && cls == DiskClass.Standard) || t.SizeGib < size || t.Iops < need.Iops)
            {
                continue;
            }

            sizeAndIops = true;
            if (t.MBps >= need.MBps)
            {
                fixedIndex = i;
                break;
            }
        }

        // Rank the alternatives first and build only the winner's record (explanations cost time).
        var bestRank = fixedIndex >= 0 ? tiers[fixedIndex].RankPrice : double.PositiveInfinity;
        var choice = fixedIndex >= 0 ? 0 : -1;
        if ((v2Allowed || ultraAllowed) && size <= MaxDiskGb)
        {
            if (v2Allowed && need.Iops <= V2MaxIops && need.MBps <= V2MaxMBps)
            {
                var (gib, pi, pm) = V2Provision(size, need.Iops, need.MBps);
                var rank = ctx.PremiumV2RankPrices is { } rp ? V2Monthly(rp, gib, pi, pm) : double.MaxValue / 4;
                if (choice < 0 || rank < bestRank)
                {
                    bestRank = rank;
                    choice = 1;
                }
            }

            if (ultraAllowed && need.Iops <= UltraMaxIops && need.MBps <= UltraMaxMBps)
            {
                var (gib, pi, pm, _, _, _) = UltraProvision(size, need.Iops, need.MBps);
                var rank = ctx.UltraRankPrices is { } rp ? UltraMonthly(rp, gib, pi, pm) : double.MaxValue / 4;
                if (choice < 0 || rank < bestRank)
                {
                    bestRank = rank;
                    choice = 2;
                }
            }
        }

        DiskRecommendation? best = choice switch
        {
            0 => FixedDisk(disk, isOsDisk, tiers[fixedIndex], need, ctx, string.Create(Inv,
                $"Cheapest disk {(ctx.DiskRankedByRegionPrices ? $"in {ctx.Region}" : $"(ranked by {AssessmentContext.DiskRankingProxyRegion} prices)")} with >= {size:0.#} GB, >= {need.Iops:0.#} IOPS and >= {need.MBps:0.##} MBps (P{settings.Percentile} read+write x comfort {settings.ComfortFactor})")),
            1 => PremiumV2Disk(disk, isOsDisk, size, need.Iops, need.MBps, ctx, need, "Cheapest disk: Premium SSD v2 provisioned to the needs"),
            2 => UltraDisk(disk, isOsDisk, size, need.Iops, need.MBps, ctx, need, "Cheapest disk: Ultra (three candidates: capacity, IOPS, throughput; largest, rounded up)"),
            _ => null,
        };

        if (best is not null)
        {
            return best;
        }

        string code;
        if (size > MaxFixedTierGb && !v2Allowed && !ultraAllowed)
        {
            code = "DiskSizeGreaterThanSupported";
        }
        else if (!sizeAndIops && need.Iops > (ultraAllowed ? UltraMaxIops : v2Allowed ? V2MaxIops : cls == DiskClass.Standard ? 6000 : 20000))
        {
            code = "NoSuitableDiskSizeForIops";
        }
        else
        {
            code = "NoSuitableDiskSizeForThroughput";
        }

        failure = new ReadinessIssue(code, Readiness.NotSuitable, string.Create(Inv,
            $"Disk '{disk.Id}'{(isOsDisk ? " (OS disk)" : string.Empty)} needs {size:0.#} GB, {need.Iops:0.#} IOPS and {need.MBps:0.##} MBps: no disk type offers that."));
        return null;
    }

    private static AssessmentContext.RankedTier? SmallestTier(AssessmentContext ctx, DiskType type, double sizeGb)
    {
        foreach (var t in ctx.TiersBySize)
        {
            if (t.Tier.Type == type && t.Tier.SizeGib >= sizeGb)
            {
                return t;
            }
        }

        return null;
    }

    private static DiskRecommendation FixedDisk(DiscoveredDisk disk, bool isOsDisk, AssessmentContext.RankedTier t, DiskNeed need, AssessmentContext ctx, string why) => new()
    {
        DiskId = disk.Id,
        IsOsDisk = isOsDisk,
        SizeGb = disk.SizeGb,
        NeededIops = need.Iops,
        NeededMBps = need.MBps,
        Type = t.Tier.Type,
        Tier = t.Tier.DisplayName,
        TierSizeGib = t.Tier.SizeGib,
        TierIops = t.Tier.Iops,
        TierMBps = t.Tier.MBps,
        MonthlyCost = t.MonthlyUsd * ctx.Rate,
        RankCostUsd = t.RankPrice,
        Explanation = why + (t.MonthlyUsd is null ? $"; no {t.Tier.Name} price for {ctx.Region} in the catalog" : string.Empty) + ".",
    };

    private static (double Gib, double Iops, double MBps) V2Provision(double size, double iops, double mbps)
    {
        var provIops = Math.Max(V2BaseIops, Math.Ceiling(Math.Max(iops, mbps > V2BaseMBps ? mbps / MBpsPerIops : 0)));
        provIops = Math.Min(provIops, V2MaxIops);
        var provMBps = Math.Max(V2BaseMBps, Math.Ceiling(mbps));
        var gib = Math.Max(1, Math.Ceiling(size));
        if (provIops > V2BaseIops)
        {
            gib = Math.Max(gib, Math.Ceiling(6 + ((provIops - V2BaseIops) / 500.0)));
        }

        return (gib, provIops, provMBps);
    }

    private static DiskRecommendation PremiumV2Disk(DiscoveredDisk disk, bool isOsDisk, double size, double iops, double mbps, AssessmentContext ctx, DiskNeed need, string why)
    {
        var (gib, provIops, provMBps) = V2Provision(size, iops, mbps);
        var prices = ctx.PremiumV2Prices;
        double? monthly = prices is null ? null : V2Monthly(prices, gib, provIops, provMBps) * ctx.Rate;
        return new DiskRecommendation
        {
            DiskId = disk.Id,
            IsOsDisk = isOsDisk,
            SizeGb = disk.SizeGb,
            NeededIops = need.Iops,
            NeededMBps = need.MBps,
            Type = DiskType.PremiumV2,
            Tier = "PremiumV2",
            RankCostUsd = ctx.PremiumV2RankPrices is { } rp ? V2Monthly(rp, gib, provIops, provMBps) : double.MaxValue / 4,
            TierSizeGib = (int)gib,
            TierIops = (int)provIops,
            TierMBps = (int)provMBps,
            MonthlyCost = monthly,
            Explanation = string.Create(Inv, $"{why}: {gib} GiB, {provIops} IOPS, {provMBps} MBps provisioned") + (prices is null ? $"; no Premium SSD v2 price for {ctx.Region} in the catalog." : "."),
        };
    }

    private static double V2Monthly(DiskUnitPrices p, double gib, double iops, double mbps) =>
        ((gib * p.PerGibHour) + (Math.Max(0, iops - V2BaseIops) * p.PerIopsHour) + (Math.Max(0, mbps - V2BaseMBps) * p.PerMBpsHour)) * HoursPerMonth;

    private static (int Gib, double Iops, double MBps, double ByCapacity, double ByIops, double ByThroughput) UltraProvision(double size, double iops, double mbps)
    {
        var provIops = Math.Max(100, Math.Ceiling(Math.Max(iops, mbps / MBpsPerIops)));
        provIops = Math.Min(provIops, UltraMaxIops);
        var provMBps = Math.Max(1, Math.Ceiling(mbps));
        var byIops = provIops / UltraIopsPerGib;
        var byThroughput = mbps / MBpsPerIops / UltraIopsPerGib;
        var gib = UltraSizeRoundUp(Math.Max(size, Math.Max(byIops, byThroughput)));
        return (gib, provIops, provMBps, size, byIops, byThroughput);
    }

    private static DiskRecommendation UltraDisk(DiscoveredDisk disk, bool isOsDisk, double size, double iops, double mbps, AssessmentContext ctx, DiskNeed need, string why)
    {
        var (gib, provIops, provMBps, byCapacity, byIops, byThroughput) = UltraProvision(size, iops, mbps);
        var prices = ctx.UltraPrices;
        double? monthly = prices is null ? null : UltraMonthly(prices, gib, provIops, provMBps) * ctx.Rate;
        return new DiskRecommendation
        {
            DiskId = disk.Id,
            IsOsDisk = isOsDisk,
            SizeGb = disk.SizeGb,
            NeededIops = need.Iops,
            NeededMBps = need.MBps,
            Type = DiskType.Ultra,
            Tier = "Ultra",
            RankCostUsd = ctx.UltraRankPrices is { } rp ? UltraMonthly(rp, gib, provIops, provMBps) : double.MaxValue / 4,
            TierSizeGib = gib,
            TierIops = (int)provIops,
            TierMBps = (int)provMBps,
            MonthlyCost = monthly,
            Explanation = string.Create(Inv, $"{why}: candidates {byCapacity:0.#} GiB (capacity), {byIops:0.#} GiB (IOPS), {byThroughput:0.#} GiB (throughput) -> {gib} GiB, {provIops} IOPS, {provMBps} MBps") + (prices is null ? $"; no Ultra price for {ctx.Region} in the catalog." : "."),
        };
    }

    private static double UltraMonthly(DiskUnitPrices p, double gib, double iops, double mbps) =>
        ((gib * p.PerGibHour) + (iops * p.PerIopsHour) + (mbps * p.PerMBpsHour)) * HoursPerMonth;

    /// <summary>Ultra sizes: 4, 8, 16, 32, 64, 128, 256, 512 GiB, then 1 TiB steps up to 64 TiB.</summary>
    internal static int UltraSizeRoundUp(double gib)
    {
        int[] small = [4, 8, 16, 32, 64, 128, 256, 512, 1024];
        foreach (var s in small)
        {
            if (gib <= s)
            {
                return s;
            }
        }

        return (int)Math.Min(65536, Math.Ceiling(gib / 1024.0) * 1024);
    }

    /// <summary>Which disk types a size class can attach.</summary>
    private enum DiskClass
    {
        Standard = 0,
        Premium = 1,
        Ultra = 2,
    }

    /// <summary>The disks chosen for one size class, or why none fits.</summary>
    private sealed record DiskPlan(DiskRecommendation[]? Disks, ReadinessIssue? Failure, double Iops, double MBps, bool Premium, bool Ultra, double RankCost);

    private static DiskPlan PlanDisks(IReadOnlyList<DiscoveredDisk> disks, DiskNeed[] needs, AssessmentContext ctx, SizingCriterion sizing, DiskClass cls)
    {
        var recs = new DiskRecommendation[disks.Count];
        double iops = 0, mbps = 0, rank = 0;
        bool premium = false, ultra = false;
        for (var i = 0; i < disks.Count; i++)
        {
            var rec = ChooseDisk(disks[i], i == 0, needs[i], ctx, sizing, cls, out var failure);
            if (rec is null)
            {
                return new DiskPlan(null, failure, 0, 0, false, false, double.PositiveInfinity);
            }

            recs[i] = rec;
            iops += rec.NeededIops;
            mbps += rec.NeededMBps;
            premium |= rec.Type is DiskType.Premium or DiskType.PremiumV2 or DiskType.Ultra;
            ultra |= rec.Type == DiskType.Ultra;
            rank += rec.RankCostUsd;
        }

        return new DiskPlan(recs, null, iops, mbps, premium, ultra, rank);
    }

    private ComputeRecommendation? ChooseSize(
        ComputeNeeds needs,
        AssessmentContext ctx,
        int[] candidates,
        double[] price,
        string rankedBy,
        DiskPlan standard,
        DiskPlan premium,
        DiskPlan ultra,
        out DiskPlan? plan,
        out ReadinessIssue? failure)
    {
        failure = null;
        plan = null;
        var sizes = Catalog.Sizes;
        Span<byte> reasons = candidates.Length <= 4096 ? stackalloc byte[candidates.Length] : new byte[candidates.Length];
        var minPlan = Math.Min(standard.RankCost, Math.Min(premium.RankCost, ultra.RankCost));
        var best = double.PositiveInfinity;
        var bestPos = -1;
        DiskPlan? bestPlan = null;
        var stage = -1; // 0 compute ok, 1 storage ok
        var scanned = 0;
        for (var c = 0; c < candidates.Length; c++)
        {
            var s = sizes[candidates[c]];
            var vmMonthly = price[s.Index] * HoursPerMonth;
            if (vmMonthly + minPlan >= best)
            {
                break; // sorted by VM price: nothing further can be cheaper in total
            }

            scanned = c + 1;
            var p = s.UltraSsd && s.PremiumIO ? ultra : s.PremiumIO ? premium : standard;
            byte reason;
            if (s.VCpus < needs.Cores)
            {
                reason = 0;
            }
            else if (s.MemoryGib < needs.MemoryGib)
            {
                reason = 1;
            }
            else if (needs.Generation == 2 ? !s.HyperVGen2 : !s.HyperVGen1)
            {
                reason = 2;
            }
            else if (s.MaxDataDisks < needs.DataDisks)
            {
                reason = 3;
            }
            else if (p.Disks is null)
            {
                reason = 4;
            }
            else if (s.UncachedDiskIops is { } ui && ui < p.Iops)
            {
                reason = 5;
            }
            else if (s.UncachedDiskMBps is { } um && um < p.MBps)
            {
                reason = 6;
            }
            else if (s.MaxNics < needs.Nics)
            {
                reason = 7;
            }
            else if (s.NetworkMbps is { } nm && nm / 8.0 < needs.NetworkMBps)
            {
                reason = 8;
            }
            else
            {
                reason = byte.MaxValue;
                var total = vmMonthly + p.RankCost;
                if (total < best)
                {
                    best = total;
                    bestPos = c;
                    bestPlan = p;
                }
            }

            reasons[c] = reason;
            if (reason != byte.MaxValue)
            {
                stage = Math.Max(stage, reason >= 7 ? 1 : reason >= 3 ? 0 : -1);
            }
        }

        if (bestPlan is not null)
        {
            plan = bestPlan;
            var s = sizes[candidates[bestPos]];
            var final = needs with { PremiumIO = bestPlan.Premium, UltraSsd = bestPlan.Ultra, DiskIops = bestPlan.Iops, DiskMBps = bestPlan.MBps };
            return Recommendation(s, final, ctx, reasons[..bestPos], candidates, price, rankedBy, bestPlan.RankCost, scanned);
        }

        var (code, what) = stage switch
        {
            1 => ("NoVmSizeSupportsNetworkPerformance", "the NIC count or network bandwidth"),
            0 => ("NoVmSizeSupportsStoragePerformance", "the disks (count, premium/Ultra support, uncached IOPS/MBps)"),
            _ => ("NoSuitableVmSizeFound", "the cores, memory and Hyper-V generation"),
        };
        failure = new ReadinessIssue(code, Readiness.NotSuitable, string.Create(Inv,
            $"None of the {candidates.Length} sizes offered in {ctx.Region}{(ctx.Settings.VmSeries is { Count: > 0 } ? " in the selected series" : string.Empty)} supports {what}: needs {needs.Cores:0.##} vCPUs, {needs.MemoryGib:0.##} GiB, gen {needs.Generation}, {needs.DataDisks} data disks, {needs.DiskIops:0} IOPS, {needs.DiskMBps:0.#} MBps, {needs.Nics} NICs, {needs.NetworkMBps:0.##} MBps network."));
        return null;
    }

    private ComputeRecommendation Recommendation(VmSize s, ComputeNeeds needs, AssessmentContext ctx, ReadOnlySpan<byte> cheaper, int[] candidates, double[] price, string rankedBy, double diskRank, int scanned)
    {
        Span<int> counts = stackalloc int[RejectionNames.Length];
        var nearest = new List<RejectedCandidate>(5);
        for (var k = cheaper.Length - 1; k >= 0; k--)
        {
            var r = cheaper[k];
            if (r == byte.MaxValue)
            {
                continue; // eligible but dearer in total (VM + disks)
            }

            counts[r]++;
            if (nearest.Count < 5)
            {
                nearest.Add(new RejectedCandidate(Catalog.Sizes[candidates[k]].Name, RejectionNames[r]));
            }
        }

        var dict = new Dictionary<string, int>();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                dict[RejectionNames[i]] = counts[i];
            }
        }

        return new ComputeRecommendation
        {
            Size = s,
            Needs = needs,
            RankingPriceUsdPerHour = price[s.Index],
            RankedBy = rankedBy,
            RankingMonthlyTotalUsd = (price[s.Index] * HoursPerMonth) + diskRank,
            CandidatesConsidered = candidates.Length,
            CandidatesScanned = scanned,
            RejectedCounts = dict,
            NearestRejected = nearest,
        };
    }

    private static (double? Compute, double? Storage, string Note) Cost(VmSize size, OsFamily family, DiskRecommendation[] disks, AssessmentContext ctx)
    {
        var settings = ctx.Settings;
        var windowsLicence = family == OsFamily.Windows && !settings.AzureHybridBenefit;
        var column = windowsLicence ? ctx.WindowsPrice : ctx.LinuxPrice;
        var hourly = column is null ? double.NaN : column[size.Index];
        double? compute = double.IsNaN(hourly) ? null : hourly * ctx.Hours * ctx.DiscountFactor * ctx.Rate;
        var licence = family switch
        {
            OsFamily.Windows when settings.AzureHybridBenefit => "Windows with Azure Hybrid Benefit (licence removed: Linux rate)",
            OsFamily.Windows => "Windows (licence included)",
            OsFamily.Linux => "Linux",
            _ => "OS not identified (Linux rate)",
        };
        var note = compute is null
            ? $"Compute cost unknown: the catalog has no {ctx.PriceLabel} {(windowsLicence ? "Windows" : "Linux")} price for {size.Name} in {ctx.Region}."
            : string.Create(Inv, $"{size.Name} {ctx.PriceLabel} {licence}: {hourly:0.#####} USD/h x {ctx.Hours:0.##} h{(ctx.DiscountFactor < 1 ? $" x (1 - {settings.DiscountPercent} % discount)" : string.Empty)}{(ctx.Currency != "USD" ? $" x {ctx.Rate} {ctx.Currency}/USD" : string.Empty)}.");
        double storage = 0;
        var storageKnown = true;
        foreach (var d in disks)
        {
            if (d.MonthlyCost is { } m)
            {
                storage += m;
            }
            else
            {
                storageKnown = false;
            }
        }

        if (!storageKnown)
        {
            note += $" Storage cost unknown: the catalog has no disk prices for {ctx.Region} (disk prices cover EU regions only).";
        }

        return (compute, storageKnown ? storage : null, note);
    }
}
