using MigrateHub.Shared.Catalog;

namespace MigrateHub.Shared.Tests.Catalog;

public class AzureCatalogTests
{
    private static readonly AzureCatalog C = AzureCatalog.Default;

    [Fact]
    public void D2sV5_HasTheDocumentedCapabilities()
    {
        var s = C.FindSize("Standard_D2s_v5")!;
        Assert.Equal("Dsv5", s.Series);
        Assert.Equal(2, s.VCpus);
        Assert.Equal(8, s.MemoryGib);
        Assert.Equal(4, s.MaxDataDisks);
        Assert.Equal(LimitSource.Documented, s.MaxDataDisksSource);
        Assert.Equal(2, s.MaxNics);
        Assert.Equal(3750, s.UncachedDiskIops);
        Assert.Equal(85, s.UncachedDiskMBps);
        Assert.True(s.PremiumIO);
        Assert.True(s.HyperVGen1 && s.HyperVGen2);
    }

    [Fact]
    public void SizesWithoutDocumentedLimits_UseThePerVcpuRule()
    {
        var s = C.FindSize("Standard_D8as_v5")!;
        Assert.Equal(LimitSource.Rule, s.MaxDataDisksSource);
        Assert.Equal(16, s.MaxDataDisks); // 2 x 8 vCPUs
        Assert.Equal(4, s.MaxNics);       // 8 vCPUs -> 4
    }

    [Fact]
    public void Prices_WestEurope_D2sV5_AllColumns()
    {
        var i = C.FindSize("Standard_D2s_v5")!.Index;
        Assert.Equal(0.115, C.GetVmHourlyPriceUsd("westeurope", i, VmPriceKind.LinuxPayg));
        Assert.Equal(0.207, C.GetVmHourlyPriceUsd("westeurope", i, VmPriceKind.WindowsPayg));
        Assert.Equal(0.071005, C.GetVmHourlyPriceUsd("westeurope", i, VmPriceKind.LinuxRi1y));
        Assert.Equal(0.0874, C.GetVmHourlyPriceUsd("westeurope", i, VmPriceKind.LinuxSp1y));
        Assert.True(C.IsOffered("eastus", i));
        Assert.Null(C.GetVmHourlyPriceUsd("nowhere", i, VmPriceKind.LinuxPayg));
    }

    [Fact]
    public void RegionsAndCurrencies_AreLoaded()
    {
        Assert.Equal(57, C.Regions.Count);
        Assert.Equal(["DKK", "EUR", "GBP", "NOK", "SEK", "USD"], C.CurrencyPerUsd.Keys.Order());
        Assert.Equal(1.0, C.CurrencyPerUsd["USD"]);
        Assert.Equal(39, C.DiskTiers.Count);
        Assert.Equal(21.68, C.GetDiskMonthlyPriceUsd("westeurope", "P10"));
        Assert.Null(C.GetDiskMonthlyPriceUsd("eastus", "P10"));
    }

    [Theory]
    [InlineData("Microsoft Windows Server 2019 (64-bit)", OsFamily.Windows, OsReadiness.Ready)]
    [InlineData("Microsoft Windows Server 2003 Standard (32-bit)", OsFamily.Windows, OsReadiness.ConditionallyReady)]
    [InlineData("Ubuntu 24.04 LTS", OsFamily.Linux, OsReadiness.Ready)]
    [InlineData("CentOS 7 (64-bit)", OsFamily.Linux, OsReadiness.ConditionallyReady)]
    [InlineData("Oracle Solaris 11", OsFamily.Other, OsReadiness.ConditionallyReady)]
    [InlineData("Other (32-bit)", OsFamily.Unknown, OsReadiness.Unknown)]
    [InlineData("", OsFamily.Unknown, OsReadiness.Unknown)]
    public void OsSupportTable_ClassifiesOperatingSystems(string os, OsFamily family, OsReadiness readiness)
    {
        var m = C.MatchOperatingSystem(os);
        Assert.Equal(family, m.Family);
        Assert.Equal(readiness, m.Readiness);
    }
}

public class RetiredSizeTests
{
    [Theory]
    [InlineData("Standard_A0")]
    [InlineData("Standard_A7")]
    [InlineData("Basic_A1")]
    public void RetiredSizes_AreNotInTheCatalog(string name) => Assert.Null(AzureCatalog.Default.FindSize(name));
}
