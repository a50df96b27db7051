using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Assessment;

public class SizingTests
{
    private readonly AssessmentEngine _engine = new();

    [Fact]
    public void PerformanceBased_DomainExample_TenCoresAtTwentyPercentWithComfortTwo_NeedsFourCores()
    {
        // DOMAIN.md §3: 10 cores at 20 % = 2 cores, x2.0 comfort = 4 cores.
        var s = Servers.Make(cores: 10, memoryMb: 16384);
        var series = Servers.Series(4464, _ => 20f, _ => 50f);
        var m = _engine.Assess(new AssessmentInput(s, series), Servers.WestEurope("Dsv5") with { ComfortFactor = 2.0 });
        Assert.Equal(4.0, m.Compute!.Needs.Cores, 4);
        Assert.Equal(16.0, m.Compute.Needs.MemoryGib, 4); // 16 GiB x 50 % x 2
        Assert.Equal("Standard_D4s_v5", m.Compute.Size.Name);
    }

    [Fact]
    public void PerformanceBased_ComfortOne_PicksD2sV5_AndComfort13_PicksD4sV5()
    {
        var s = Servers.Make(cores: 4, memoryMb: 8192);
        var series = Servers.Series(4464, _ => 50f, _ => 50f);
        var a = _engine.Assess(new AssessmentInput(s, series), Servers.WestEurope("Dsv5") with { ComfortFactor = 1.0 });
        var b = _engine.Assess(new AssessmentInput(s, series), Servers.WestEurope("Dsv5") with { ComfortFactor = 1.3 });
        Assert.Equal("Standard_D2s_v5", a.Compute!.Size.Name); // 2 vCPUs, 4 GiB
        Assert.Equal("Standard_D4s_v5", b.Compute!.Size.Name); // 2.6 vCPUs
    }

    [Theory]
    [InlineData(95, 95f)]
    [InlineData(50, 50f)]
    [InlineData(99, 99f)]
    public void PerformanceBased_UsesTheChosenPercentileOfTheHistory(int percentile, float expectedCpu)
    {
        // 4,464 points cycling 1..100 %: P95 = 95 (rank 4,241), P50 = 50 (rank 2,232), P99 = 99.
        var s = Servers.Make();
        var series = Servers.Series(4464, i => (i % 100) + 1f);
        var m = _engine.Assess(new AssessmentInput(s, series), Servers.WestEurope() with { Percentile = percentile });
        Assert.Equal(expectedCpu, m.Compute!.Needs.CpuPercent!.Value, 3);
    }

    [Fact]
    public void HistoryWindow_Day_OnlyUsesTheLast144Points()
    {
        // Last day at 80 %, the rest of the month at 10 %.
        var s = Servers.Make();
        var series = Servers.Series(4464, i => i >= 4464 - 144 ? 80f : 10f);
        var day = _engine.Assess(new AssessmentInput(s, series), Servers.WestEurope() with { History = PerformanceHistory.Day });
        var month = _engine.Assess(new AssessmentInput(s, series), Servers.WestEurope());
        Assert.Equal(80.0, day.Compute!.Needs.CpuPercent!.Value, 3);
        Assert.Equal(10.0, month.Compute!.Needs.CpuPercent!.Value, 3);
        Assert.Equal(5, day.ConfidenceRating); // 144 of 144 expected
    }

    [Fact]
    public void Confidence_FullMonth_IsFiveStars_AndThousandPoints_IsTwoStars()
    {
        var s = Servers.Make();
        var full = _engine.Assess(new AssessmentInput(s, Servers.Series(4464, _ => 30f)), Servers.WestEurope());
        var sparse = _engine.Assess(new AssessmentInput(s, Servers.Series(1000, _ => 30f)), Servers.WestEurope());
        Assert.Equal(5, full.ConfidenceRating);
        Assert.Equal(100.0, full.DataPointSharePercent!.Value, 6);
        Assert.Equal(2, sparse.ConfidenceRating); // 1000 / 4464 = 22.4 %
        Assert.Equal(22.4, sparse.DataPointSharePercent!.Value, 1);
    }

    [Fact]
    public void Confidence_ImportedServers_GetNone()
    {
        var s = Servers.Make(imported: true, utilization: new UtilizationSnapshot(30, 40, null, null));
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope());
        Assert.Null(m.ConfidenceRating);
    }

    [Fact]
    public void AsOnPremises_KeepsCoresAndMemory_WithoutComfort()
    {
        var s = Servers.Make(cores: 4, memoryMb: 16384);
        var settings = Servers.WestEurope("Esv5") with { Sizing = SizingCriterion.AsOnPremises, ComfortFactor = 3 };
        var m = _engine.Assess(new AssessmentInput(s, Servers.Series(4464, _ => 5f)), settings);
        Assert.Equal(4, m.Compute!.Needs.Cores);
        Assert.Equal("Standard_E4s_v5", m.Compute.Size.Name); // 4 vCPUs, 32 GiB: the only Esv5 with 4 vCPUs
        Assert.Null(m.ConfidenceRating);
    }

    [Fact]
    public void NoPerformanceData_UsesAllocatedValues_AndTheCheapestSizeInTheRegion()
    {
        // 2 cores / 4 GiB in westeurope, all series: Standard_B2s (0.048 USD/h) is the cheapest size with
        // >= 2 vCPUs and >= 4 GiB (B1ls, B1s, B1ms, A1_v2 are cheaper but have 1 vCPU; the retired A0 is not in the catalog).
        var s = Servers.Make(cores: 2, memoryMb: 4096, os: "Ubuntu 22.04");
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope());
        Assert.Equal("Standard_B2s", m.Compute!.Size.Name);
        Assert.Equal(0.048, m.Compute.RankingPriceUsdPerHour, 6);
        Assert.Contains(m.Compute.NearestRejected, r => r.Reason == "cores");
        Assert.Equal("StandardSSD_E10", m.Disks[0].Tier); // configured size mapped to Standard SSD
    }

    [Fact]
    public void SeriesFilter_OnlyRecommendsAllowedSeries()
    {
        var s = Servers.Make(cores: 2, memoryMb: 4096);
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope("Esv5", "Dsv5"));
        Assert.Contains(m.Compute!.Size.Series, new[] { "Esv5", "Dsv5" });
        Assert.Equal("Standard_D2s_v5", m.Compute.Size.Name); // 0.115 < E2s_v5 0.152
    }

    [Fact]
    public void ManyDataDisks_ForceASizeWithEnoughDiskSlots()
    {
        // 1 OS disk + 8 data disks: D2s_v5 (4 data disks) and D4s_v5 (8) fit 8? D4s_v5 has exactly 8.
        var s = Servers.Make(cores: 2, memoryMb: 4096, diskGb: Enumerable.Repeat(32.0, 9).ToArray());
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope("Dsv5") with { Sizing = SizingCriterion.AsOnPremises });
        Assert.Equal("Standard_D4s_v5", m.Compute!.Size.Name);
        Assert.Equal(1, m.Compute.RejectedCounts["data disk count"]);
    }

    [Fact]
    public void NetworkNeed_AboveDocumentedBandwidth_FindsNoSize()
    {
        // Dv5/Dsv5 sizes offer at most 35,000 Mbps = 4,375 MBps.
        var s = Servers.Make(cores: 2, memoryMb: 4096, utilization: new UtilizationSnapshot(50, 50, 0, 5000));
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope("Dsv5") with { ComfortFactor = 1.0 });
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "NoVmSizeSupportsNetworkPerformance");
    }

    [Fact]
    public void StorageNeed_AboveUncachedLimits_FindsNoSize()
    {
        // 4 data disks x 20,000 IOPS = 80,000: D64s_v5/D96s_v5 offer exactly 80,000; 6 x 20,000 does not fit any Dsv5.
        var s = Servers.Make(cores: 2, memoryMb: 4096, diskGb: [64, 1024, 1024, 1024, 1024, 1024, 1024]);
        for (var d = 1; d <= 6; d++)
        {
            s = s.WithDiskRates(d, 10_000, 10_000, 100, 100);
        }

        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope("Dsv5") with { ComfortFactor = 1.0 });
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "NoVmSizeSupportsStoragePerformance");
    }
}
