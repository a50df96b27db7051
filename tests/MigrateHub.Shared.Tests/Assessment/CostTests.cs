using MigrateHub.Shared.Assessment;

namespace MigrateHub.Shared.Tests.Assessment;

public class CostTests
{
    private readonly AssessmentEngine _engine = new();

    // westeurope Standard_D2s_v5 (catalog data): Linux 0.115, Windows 0.207, Linux RI 1y 0.071005 USD/h.
    private AssessedMachine D2sV5(string os, AssessmentSettings settings) =>
        _engine.Assess(
            new AssessmentInput(Servers.Make(cores: 2, memoryMb: 8192, os: os, diskGb: [100])),
            settings with { Sizing = SizingCriterion.AsOnPremises, VmSeries = ["Dsv5"] });

    [Fact]
    public void Linux_PayAsYouGo_Is730Hours()
    {
        var m = D2sV5("Ubuntu 22.04", Servers.WestEurope());
        Assert.Equal("Standard_D2s_v5", m.Compute!.Size.Name);
        Assert.Equal(0.115 * 730, m.MonthlyComputeCost!.Value, 6);
        Assert.Equal(21.68, m.MonthlyStorageCost!.Value, 6); // Premium_P10
    }

    [Fact]
    public void Windows_WithoutHybridBenefit_PaysTheLicence_WithHybridBenefit_PaysTheLinuxRate()
    {
        var noAhb = D2sV5("Microsoft Windows Server 2019 (64-bit)", Servers.WestEurope() with { AzureHybridBenefit = false });
        var ahb = D2sV5("Microsoft Windows Server 2019 (64-bit)", Servers.WestEurope());
        Assert.Equal(0.207 * 730, noAhb.MonthlyComputeCost!.Value, 6);
        Assert.Equal(0.115 * 730, ahb.MonthlyComputeCost!.Value, 6);
    }

    [Fact]
    public void Reserved1Year_Uses744Hours_AndIgnoresUptimeAndDiscount()
    {
        var m = D2sV5("Ubuntu 22.04", Servers.WestEurope() with
        {
            Savings = SavingsOption.Reserved1Year,
            UptimeDaysPerMonth = 10,
            DiscountPercent = 50,
        });
        Assert.Equal(0.071005 * 744, m.MonthlyComputeCost!.Value, 6);
    }

    [Fact]
    public void PayAsYouGo_AppliesUptimeAndDiscount()
    {
        var m = D2sV5("Ubuntu 22.04", Servers.WestEurope() with
        {
            UptimeDaysPerMonth = 15,
            UptimeHoursPerDay = 12,
            DiscountPercent = 10,
        });
        Assert.Equal(0.115 * 730 * (15.0 / 31) * (12.0 / 24) * 0.9, m.MonthlyComputeCost!.Value, 6);
    }

    [Fact]
    public void Currency_EUR_ConvertsWithTheCatalogRate()
    {
        var m = D2sV5("Ubuntu 22.04", Servers.WestEurope() with { Currency = "EUR" });
        Assert.Equal("EUR", m.Currency);
        Assert.Equal(0.115 * 730 * 0.877578, m.MonthlyComputeCost!.Value, 6);
        Assert.Equal(21.68 * 0.877578, m.MonthlyStorageCost!.Value, 6);
    }

    [Fact]
    public void UnsupportedCurrency_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => D2sV5("Ubuntu 22.04", Servers.WestEurope() with { Currency = "JPY" }));
        Assert.Contains("not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SavingsPlan3Year_HasNoPriceInTheData_SoTheCostIsUnknown_NotInvented()
    {
        var m = D2sV5("Ubuntu 22.04", Servers.WestEurope() with { Savings = SavingsOption.SavingsPlan3Year });
        Assert.NotNull(m.Compute);
        Assert.Null(m.MonthlyComputeCost);
        Assert.Contains("unknown", m.CostExplanation, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RegionWithoutDiskPrices_HasUnknownStorageCost()
    {
        var m = D2sV5("Ubuntu 22.04", new AssessmentSettings { TargetRegion = "eastus" });
        Assert.Equal(0.096 * 730, m.MonthlyComputeCost!.Value, 6);
        Assert.Null(m.MonthlyStorageCost);
        Assert.Equal("Premium_P10", m.Disks[0].Tier);
    }

    [Fact]
    public void Batch_TotalsKnownCosts_AndCountsReadiness()
    {
        var a = new AssessmentInput(Servers.Make(cores: 2, memoryMb: 8192, os: "Ubuntu 22.04") with { Id = "a", Name = "a" });
        var b = new AssessmentInput(Servers.Make(cores: 2, memoryMb: 8192, os: "Ubuntu 22.04", diskGb: [100, 70_000]) with { Id = "b", Name = "b" });
        var r = _engine.Assess([a, b], Servers.WestEurope("Dsv5") with { Sizing = SizingCriterion.AsOnPremises });
        Assert.Equal(1, r.ReadinessCounts[Readiness.Suitable]);
        Assert.Equal(1, r.ReadinessCounts[Readiness.NotSuitable]);
        Assert.Equal(0.115 * 730, r.TotalMonthlyComputeCost, 6);
        Assert.Equal("a", r.Machines[0].ServerId);
    }
}

public class PricedRankingTests
{
    private readonly AssessmentEngine _engine = new();

    [Fact]
    public void WindowsWithoutHybridBenefit_InARegionWithFewWindowsPrices_PicksAPricedSize()
    {
        // eastus has Windows prices only for Dsv5/Esv5 (catalog data): 2 cores / 8 GiB -> Standard_D2s_v5 at 0.188 USD/h.
        var s = Servers.Make(cores: 2, memoryMb: 8192, os: "Microsoft Windows Server 2022");
        var m = _engine.Assess(new AssessmentInput(s), new AssessmentSettings { TargetRegion = "eastus", Sizing = SizingCriterion.AsOnPremises, AzureHybridBenefit = false });
        Assert.Equal("Standard_D2s_v5", m.Compute!.Size.Name);
        Assert.Equal(0.188 * 730, m.MonthlyComputeCost!.Value, 6);
        Assert.Contains("Windows", m.Compute.RankedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void Reserved3Year_RanksByTheReservedPrice()
    {
        // westeurope RI 3y: D2s_v5 0.045434 < E2s_v5 0.060046 USD/h; the cheaper PAYG B-series have no RI price in the catalog.
        var s = Servers.Make(cores: 2, memoryMb: 4096, os: "Ubuntu 22.04");
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope() with { Sizing = SizingCriterion.AsOnPremises, Savings = SavingsOption.Reserved3Year });
        Assert.Equal("Standard_D2s_v5", m.Compute!.Size.Name);
        Assert.Equal(0.045434 * 744, m.MonthlyComputeCost!.Value, 6);
    }

    [Fact]
    public void SavingsOptionWithoutAnyPrice_FallsBackToPayAsYouGoRanking_WithUnknownCost()
    {
        var s = Servers.Make(cores: 2, memoryMb: 4096, os: "Ubuntu 22.04");
        var m = _engine.Assess(new AssessmentInput(s), Servers.WestEurope() with { Sizing = SizingCriterion.AsOnPremises, Savings = SavingsOption.SavingsPlan3Year });
        Assert.Equal("Standard_B2s", m.Compute!.Size.Name);
        Assert.Null(m.MonthlyComputeCost);
        Assert.Contains("no size with", m.Compute.RankedBy, StringComparison.Ordinal);
    }
}
