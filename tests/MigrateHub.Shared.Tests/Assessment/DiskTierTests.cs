using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Assessment;

public class DiskTierTests
{
    private readonly AssessmentEngine _engine = new();

    private AssessedMachine WithDisk(double sizeGb, double iops, double mbps, bool asDataDisk = false, AssessmentSettings? settings = null)
    {
        var s = asDataDisk ? Servers.Make(diskGb: [64, sizeGb]) : Servers.Make(diskGb: [sizeGb]);
        s = s.WithDiskRates(asDataDisk ? 1 : 0, iops, 0, mbps, 0) with { Utilization = new UtilizationSnapshot(50, 50, null, null) };
        return _engine.Assess(new AssessmentInput(s), settings ?? Servers.WestEurope() with { ComfortFactor = 1.0 });
    }

    [Theory]
    // westeurope monthly prices: S10 5.888 (500 IOPS, 60 MBps), E10 9.6 (500, 60), P10 21.68 (500, 100),
    // P15 41.81 (1,100, 125), P30 148.68 (5,000, 200), S60 327.68 (1,300, 300).
    [InlineData(100, 400, 20, "Standard_S10")]
    [InlineData(100, 400, 80, "Premium_P10")]
    [InlineData(100, 1000, 20, "Premium_P15")]
    [InlineData(100, 5000, 150, "Premium_P30")]
    [InlineData(3, 50, 5, "StandardSSD_E1")]
    public void PerformanceBased_PicksTheCheapestTierMeetingSizeIopsAndMBps(double gb, double iops, double mbps, string tier)
    {
        var m = WithDisk(gb, iops, mbps);
        var d = m.Disks[0];
        Assert.Equal(tier, d.Tier);
        Assert.True(d.TierSizeGib >= gb && d.TierIops >= iops && d.TierMBps >= mbps);
    }

    [Fact]
    public void PerformanceBased_ComfortFactorMultipliesDiskNeeds()
    {
        // 400 IOPS x 1.3 = 520 > 500: S10/E10/P10 no longer fit; P15 (1,100 IOPS) is the cheapest that does.
        var m = WithDisk(100, 400, 20, settings: Servers.WestEurope() with { ComfortFactor = 1.3 });
        Assert.Equal(520, m.Disks[0].NeededIops, 6);
        Assert.Equal("Premium_P15", m.Disks[0].Tier);
    }

    [Fact]
    public void DataDiskBeyondFixedTiers_GetsPremiumV2_WithHandCheckedCost()
    {
        // 25,000 IOPS: no P/E/S tier. Premium SSD v2: 100 GiB, 25,000 IOPS, 125 MBps (free baseline).
        // westeurope: 100 x 0.00013 x 730 + (25,000 - 3,000) x 0.000008 x 730 = 9.49 + 128.48 = 137.97 USD.
        var m = WithDisk(100, 25_000, 100, asDataDisk: true);
        var d = m.Disks[1];
        Assert.Equal(DiskType.PremiumV2, d.Type);
        Assert.Equal(100, d.TierSizeGib);
        Assert.Equal(25_000, d.TierIops);
        Assert.Equal(137.97, d.MonthlyCost!.Value, 2);
        Assert.True(m.Compute!.Size.PremiumIO);
    }

    [Fact]
    public void DataDiskBeyondPremiumV2_GetsUltra_SizedByTheLargestOfThreeCandidates()
    {
        // 100,000 IOPS (> 80,000 of Premium SSD v2), 3,000 MBps: candidates capacity 50 GiB,
        // IOPS 100,000 / 1,000 = 100 GiB, throughput 3,000 / 0.25 / 1,000 = 12 GiB -> 100 -> 128 GiB.
        var m = WithDisk(50, 100_000, 3000, asDataDisk: true);
        var d = m.Disks[1];
        Assert.Equal(DiskType.Ultra, d.Type);
        Assert.Equal(128, d.TierSizeGib);
        Assert.Equal(100_000, d.TierIops);
        Assert.Equal(3000, d.TierMBps);
        Assert.True(m.Compute!.Size.UltraSsd);
        Assert.True(m.Compute.Size.UncachedDiskIops >= 100_000);
    }

    [Fact]
    public void DiskNeedBeyondEveryVmsUncachedIops_IsNotSuitable_NoVmSizeSupportsStoragePerformance()
    {
        // An Ultra disk can serve 300,000 IOPS, but no size in the catalog offers that much uncached IOPS.
        var m = WithDisk(300, 300_000, 1000, asDataDisk: true);
        Assert.Equal(DiskType.Ultra, m.Disks[1].Type);
        Assert.Null(m.Compute);
        Assert.Contains(m.Issues, i => i.Code == "NoVmSizeSupportsStoragePerformance");
    }

    [Fact]
    public void OsDiskBeyondFixedTierIops_IsNotSuitable_NoSuitableDiskSizeForIops()
    {
        var m = WithDisk(100, 25_000, 100);
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "NoSuitableDiskSizeForIops");
    }

    [Fact]
    public void OsDiskBeyondFixedTierThroughput_IsNotSuitable_NoSuitableDiskSizeForThroughput()
    {
        // P80 offers 900 MBps at most.
        var m = WithDisk(100, 1000, 950);
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "NoSuitableDiskSizeForThroughput");
    }

    [Theory]
    [InlineData(AsOnPremisesStorage.Premium, "Premium_P10")]
    [InlineData(AsOnPremisesStorage.StandardSSD, "StandardSSD_E10")]
    [InlineData(AsOnPremisesStorage.StandardHDD, "Standard_S10")]
    public void AsOnPremises_UsesTheStorageTypeSetting_SmallestTierHoldingTheSize(AsOnPremisesStorage type, string tier)
    {
        var s = Servers.Make(diskGb: [100]);
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope() with { Sizing = SizingCriterion.AsOnPremises, AsOnPremisesStorage = type });
        Assert.Equal(tier, m.Disks[0].Tier);
    }

    [Fact]
    public void AsOnPremises_Ultra_KeepsTheOsDiskOnPremium()
    {
        var s = Servers.Make(diskGb: [100, 500]);
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope() with { Sizing = SizingCriterion.AsOnPremises, AsOnPremisesStorage = AsOnPremisesStorage.Ultra });
        Assert.Equal("Premium_P10", m.Disks[0].Tier);
        Assert.Equal(DiskType.Ultra, m.Disks[1].Type);
        Assert.Equal(512, m.Disks[1].TierSizeGib);
    }
}
