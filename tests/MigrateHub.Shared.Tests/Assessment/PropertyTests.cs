using CsCheck;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Assessment;

/// <summary>Invariants of the sizing, checked on random servers (CsCheck).</summary>
public class PropertyTests
{
    private static readonly AssessmentEngine Engine = new();
    private static readonly string[][] SeriesChoices = [[], ["Dsv5"], ["Dsv5", "Esv5"], ["Fsv2", "Dasv5"], ["Ev5", "Dv5"], ["BS"]];
    private static readonly string[] Regions = ["westeurope", "eastus", "northeurope", "japaneast"];

    private sealed record Case(
        int Cores, int MemoryGb, double Cpu, double Mem, bool Uefi, (double Gb, double Iops, double MBps)[] Disks,
        int Nics, double NetMBps, double Comfort, int SeriesChoice, int Region, bool AsOnPrem)
    {
        public DiscoveredServer Server() => new()
        {
            Id = "p",
            Name = "p",
            OperatingSystem = new OperatingSystemInfo("Ubuntu 22.04", null, OsArchitecture.X64),
            BootType = Uefi ? BootType.Uefi : BootType.Bios,
            Cores = Cores,
            MemoryMb = MemoryGb * 1024.0,
            Disks = Disks.Select((d, i) => new DiscoveredDisk { Id = "d" + i, SizeGb = d.Gb, ReadIops = d.Iops, ReadMBps = d.MBps }).ToArray(),
            NetworkAdapters = Enumerable.Range(0, Nics).Select(i => new NetworkAdapter { Name = "n" + i }).ToArray(),
            Utilization = new UtilizationSnapshot(Cpu, Mem, 0, NetMBps),
            IsImported = true,
        };

        public AssessmentSettings Settings(double? comfort = null) => new()
        {
            TargetRegion = Regions[Region],
            ComfortFactor = comfort ?? Comfort,
            VmSeries = SeriesChoices[SeriesChoice],
            Sizing = AsOnPrem ? SizingCriterion.AsOnPremises : SizingCriterion.PerformanceBased,
        };
    }

    private static readonly Gen<(double, double, double)> GenDisk =
        Gen.Select(Gen.Double[1, 5000], Gen.Double[0, 12_000], Gen.Double[0, 500], (g, i, m) => (g, i, m));

    private static readonly Gen<Case> GenCase =
        Gen.Select(
            Gen.Select(Gen.Int[1, 96], Gen.Int[1, 768], Gen.Double[0, 100], Gen.Double[0, 100], Gen.Bool),
            Gen.Select(GenDisk.Array[1, 8], Gen.Int[1, 8], Gen.Double[0, 800], Gen.Double[1.0, 3.0]),
            Gen.Select(Gen.Int[0, SeriesChoices.Length - 1], Gen.Int[0, Regions.Length - 1], Gen.Bool),
            (a, b, c) => new Case(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, b.Item1, b.Item2, b.Item3, b.Item4, c.Item1, c.Item2, c.Item3));

    /// <summary>Independent restatement of "size s meets the needs".</summary>
    private static bool Meets(VmSize s, ComputeNeeds n) =>
        s.VCpus >= n.Cores && s.MemoryGib >= n.MemoryGib &&
        (n.Generation == 2 ? s.HyperVGen2 : s.HyperVGen1) &&
        s.MaxDataDisks >= n.DataDisks && (!n.PremiumIO || s.PremiumIO) && (!n.UltraSsd || s.UltraSsd) &&
        (s.UncachedDiskIops is null || s.UncachedDiskIops >= n.DiskIops) &&
        (s.UncachedDiskMBps is null || s.UncachedDiskMBps >= n.DiskMBps) &&
        s.MaxNics >= n.Nics && (s.NetworkMbps is null || s.NetworkMbps / 8.0 >= n.NetworkMBps);

    [Fact]
    public void RecommendedSize_AndDisks_AlwaysSatisfyTheNeedsTheyWereChosenFor()
    {
        GenCase.Sample(c =>
        {
            var m = Engine.Assess(new AssessmentInput(c.Server()), c.Settings());
            if (m.Compute is null)
            {
                return m.Readiness == Readiness.NotSuitable;
            }

            var n = m.Compute.Needs;
            var expectedCores = c.AsOnPrem ? c.Cores : c.Cores * c.Cpu / 100 * c.Comfort;
            var disksOk = m.Disks.All(d => d.TierSizeGib >= d.SizeGb && d.TierIops >= d.NeededIops - 1e-6 && d.TierMBps >= d.NeededMBps - 1e-6);
            var premiumOk = !m.Disks.Any(d => d.Type is DiskType.Premium or DiskType.PremiumV2 or DiskType.Ultra) || m.Compute.Size.PremiumIO;
            var allowed = c.Settings().VmSeries!;
            var seriesOk = allowed.Count == 0 || allowed.Contains(m.Compute.Size.Series, StringComparer.OrdinalIgnoreCase);
            return Meets(m.Compute.Size, n) && Math.Abs(n.Cores - expectedCores) < 1e-9 && n.DataDisks == c.Disks.Length - 1 &&
                   n.Nics == c.Nics && disksOk && premiumOk && seriesOk &&
                   Engine.Catalog.IsOffered(c.Settings().TargetRegion, m.Compute.Size.Index) && !m.Compute.Size.IsArm64;
        }, iter: 300);
    }

    [Fact]
    public void RaisingTheComfortFactor_NeverPicksACheaperOrSmallerSize()
    {
        GenCase.Select(Gen.Double[0, 2.0]).Sample((c, extra) =>
        {
            var low = Engine.Assess(new AssessmentInput(c.Server()), c.Settings());
            var high = Engine.Assess(new AssessmentInput(c.Server()), c.Settings(c.Comfort + extra));
            if (low.Compute is null)
            {
                return high.Compute is null;
            }

            if (high.Compute is null)
            {
                return true;
            }

            // "Smaller" = cheaper: the choice minimises VM + disk price, which must not drop.
            return high.Compute.RankingMonthlyTotalUsd >= low.Compute.RankingMonthlyTotalUsd - 1e-9 &&
                   high.Compute.Needs.Cores >= low.Compute.Needs.Cores &&
                   high.Compute.Needs.MemoryGib >= low.Compute.Needs.MemoryGib;
        }, iter: 300);
    }

    [Fact]
    public void NoCheaperEligibleSizeExists_InTheRegionAndAllowedSeries()
    {
        var catalog = Engine.Catalog;
        GenCase.Sample(c =>
        {
            var settings = c.Settings();
            var m = Engine.Assess(new AssessmentInput(c.Server()), settings);
            if (m.Compute is null)
            {
                return true;
            }

            var allowed = settings.VmSeries!;
            var price = m.Compute.RankingPriceUsdPerHour;
            var cheaperEligible = catalog.Sizes.Where(s =>
                catalog.IsOffered(settings.TargetRegion, s.Index) && !s.IsArm64 &&
                (allowed.Count == 0 || allowed.Contains(s.Series, StringComparer.OrdinalIgnoreCase)) &&
                catalog.GetVmHourlyPriceUsd(settings.TargetRegion, s.Index, VmPriceKind.LinuxPayg) < price &&
                Meets(s, m.Compute.Needs));
            return !cheaperEligible.Any();
        }, iter: 300);
    }
}

/// <summary>"No cheaper eligible size" for every OS licence / savings option combination.</summary>
public class PricedRankingPropertyTests
{
    private static readonly AssessmentEngine Engine = new();

    [Fact]
    public void NoEligibleSizeIsCheaperInThePriceListTheServerIsChargedBy()
    {
        var catalog = Engine.Catalog;
        string[] regions = ["westeurope", "eastus", "northeurope"];
        SavingsOption[] savings = [SavingsOption.None, SavingsOption.Reserved1Year, SavingsOption.Reserved3Year, SavingsOption.SavingsPlan1Year];
        Gen.Select(
            Gen.Select(Gen.Int[1, 32], Gen.Int[1, 256], Gen.Double[1, 100], Gen.Double[1, 100]),
            Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, savings.Length - 1], Gen.Int[0, regions.Length - 1]))
        .Sample(t =>
        {
            var ((cores, memGb, cpu, mem), (windows, ahb, sv, rg)) = t;
            var server = new DiscoveredServer
            {
                Id = "x",
                Name = "x",
                OperatingSystem = new OperatingSystemInfo(windows ? "Microsoft Windows Server 2022" : "Ubuntu 22.04", null, OsArchitecture.X64),
                Cores = cores,
                MemoryMb = memGb * 1024.0,
                Disks = [new DiscoveredDisk { Id = "d0", SizeGb = 64 }],
                Utilization = new UtilizationSnapshot(cpu, mem, null, null),
                IsImported = true,
            };
            var settings = new AssessmentSettings { TargetRegion = regions[rg], AzureHybridBenefit = ahb, Savings = savings[sv] };
            var m = Engine.Assess(new AssessmentInput(server), settings);
            if (m.Compute is null)
            {
                return true;
            }

            var w = windows && !ahb;
            var kind = savings[sv] switch
            {
                SavingsOption.None => w ? VmPriceKind.WindowsPayg : VmPriceKind.LinuxPayg,
                SavingsOption.Reserved1Year => w ? VmPriceKind.WindowsRi1y : VmPriceKind.LinuxRi1y,
                SavingsOption.Reserved3Year => w ? VmPriceKind.WindowsRi3y : VmPriceKind.LinuxRi3y,
                _ => w ? (VmPriceKind?)null : VmPriceKind.LinuxSp1y,
            };
            bool Eligible(VmSize s) => catalog.IsOffered(settings.TargetRegion, s.Index) && !s.IsArm64 &&
                s.VCpus >= m.Compute.Needs.Cores && s.MemoryGib >= m.Compute.Needs.MemoryGib && s.HyperVGen1 &&
                (!m.Compute.Needs.PremiumIO || s.PremiumIO);
            double? Price(VmSize s, VmPriceKind? k) => k is null ? null : catalog.GetVmHourlyPriceUsd(settings.TargetRegion, s.Index, k.Value);
            var chosenPrice = Price(m.Compute.Size, kind);
            if (chosenPrice is not null)
            {
                // Ranked by the charged price: nothing eligible is cheaper in it, and the cost is that price x hours.
                var hours = savings[sv] == SavingsOption.None ? 730 : 744;
                return !catalog.Sizes.Any(s => Eligible(s) && Price(s, kind) < chosenPrice) &&
                       Math.Abs(m.MonthlyComputeCost!.Value - (chosenPrice.Value * hours)) < 1e-6;
            }

            // Fallback: no eligible size has the charged price; nothing eligible is cheaper pay-as-you-go.
            var payg = Price(m.Compute.Size, VmPriceKind.LinuxPayg);
            return m.MonthlyComputeCost is null && !catalog.Sizes.Any(s => Eligible(s) && Price(s, kind) is not null) &&
                   !catalog.Sizes.Any(s => Eligible(s) && Price(s, VmPriceKind.LinuxPayg) < payg);
        }, iter: 300);
    }
}
