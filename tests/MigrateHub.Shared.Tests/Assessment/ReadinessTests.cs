using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Assessment;

public class ReadinessTests
{
    private readonly AssessmentEngine _engine = new();

    private AssessedMachine Assess(DiscoveredServer s, AssessmentSettings? settings = null) =>
        _engine.Assess(new AssessmentInput(s), settings ?? Servers.WestEurope() with { Sizing = SizingCriterion.AsOnPremises });

    [Theory]
    [InlineData("Microsoft Windows Server 2008 R2 (64-bit)")]
    [InlineData("Microsoft Windows Server 2003 Standard (32-bit)")]
    [InlineData("Microsoft Windows Server 2008 (64-bit)")]
    public void UefiOnOldWindowsServer_IsNotSuitable_BootTypeNotSupported(string os)
    {
        var m = Assess(Servers.Make(os: os, boot: BootType.Uefi));
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "BootTypeNotSupported");
        Assert.Null(m.Compute);
    }

    [Fact]
    public void UefiOnWindowsServer2019_IsSuitable_AndGetsAGeneration2Size()
    {
        var m = Assess(Servers.Make(os: "Microsoft Windows Server 2019 (64-bit)", boot: BootType.Uefi));
        Assert.Equal(Readiness.Suitable, m.Readiness);
        Assert.Empty(m.Issues);
        Assert.Equal(2, m.Compute!.Needs.Generation);
        Assert.True(m.Compute.Size.HyperVGen2);
    }

    [Fact]
    public void SixtySixDisks_IsNotSuitable_MoreDisksThanSupported()
    {
        var m = Assess(Servers.Make(diskGb: Enumerable.Repeat(10.0, 66).ToArray()));
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "MoreDisksThanSupported");
    }

    [Fact]
    public void SixtyFiveDisks_AreWithinTheLimit_ButNeedASizeWith64DataDisks()
    {
        var m = Assess(Servers.Make(cores: 2, memoryMb: 4096, diskGb: Enumerable.Repeat(10.0, 65).ToArray()));
        Assert.DoesNotContain(m.Issues, i => i.Code == "MoreDisksThanSupported");
        Assert.NotNull(m.Compute);
        Assert.True(m.Compute!.Size.MaxDataDisks >= 64);
    }

    [Fact]
    public void DiskLargerThan64TB_IsNotSuitable_DiskSizeGreaterThanSupported()
    {
        var m = Assess(Servers.Make(diskGb: [100, 70_000]));
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "DiskSizeGreaterThanSupported");
    }

    [Fact]
    public void ThirtyThreeNics_IsNotSuitable()
    {
        var m = Assess(Servers.Make(nics: 33));
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "MoreNicsThanSupported");
    }

    [Fact]
    public void TwoHundredCores_AsOnPremises_IsNotSuitable_NoSuitableVmSizeFound()
    {
        var m = Assess(Servers.Make(cores: 200, memoryMb: 65536));
        Assert.Equal(Readiness.NotSuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "NoSuitableVmSizeFound");
    }

    [Fact]
    public void TwoHundredCoresAtTenPercent_PerformanceBased_FitsUnder128()
    {
        // 200 x 10 % x 1.3 = 26 cores needed: within the 128-core limit.
        var m = Assess(Servers.Make(cores: 200, memoryMb: 65536, utilization: new UtilizationSnapshot(10, 50, null, null)), Servers.WestEurope());
        Assert.NotEqual(Readiness.NotSuitable, m.Readiness);
        Assert.Equal(26, m.Compute!.Needs.Cores, 6);
    }

    [Theory]
    [InlineData("CentOS 6 (64-bit)", "UnendorsedLinuxDistributions")]
    [InlineData("Microsoft Windows Server 2003 (32-bit)", "WindowsOSNoLongerUnderMSSupport")]
    [InlineData("Microsoft Windows 10 (64-bit)", "WindowsClientOS")]
    [InlineData("FreeBSD 12", "OSNotEndorsed")]
    public void OutOfSupportOrUnendorsedOs_IsConditionallySuitable(string os, string code)
    {
        var m = Assess(Servers.Make(os: os));
        Assert.Equal(Readiness.ConditionallySuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == code);
        Assert.NotNull(m.Compute);
    }

    [Theory]
    [InlineData("Microsoft Windows Server 2022 (64-bit)")]
    [InlineData("Microsoft Windows Server 2025 Datacenter")]
    [InlineData("Microsoft Windows Server 2012 R2 (64-bit)")]
    [InlineData("Ubuntu 22.04 LTS")]
    [InlineData("Red Hat Enterprise Linux 9 (64-bit)")]
    [InlineData("Debian GNU/Linux 12 (64-bit)")]
    public void SupportedOs_IsSuitable(string os)
    {
        var m = Assess(Servers.Make(os: os));
        Assert.Equal(Readiness.Suitable, m.Readiness);
    }

    [Fact]
    public void OsReportedAsOther_IsReadinessUnknown_ButStillSized()
    {
        var m = Assess(Servers.Make(os: "Other (64-bit)"));
        Assert.Equal(Readiness.ReadinessUnknown, m.Readiness);
        Assert.NotNull(m.Compute);
    }

    [Fact]
    public void ThirtyTwoBitArchitecture_IsConditionallySuitable()
    {
        var s = Servers.Make(os: "Microsoft Windows Server 2008 (32-bit)") with
        {
            OperatingSystem = new OperatingSystemInfo("Microsoft Windows Server 2008 (32-bit)", null, OsArchitecture.X86),
        };
        var m = Assess(s);
        Assert.Equal(Readiness.ConditionallySuitable, m.Readiness);
        Assert.Contains(m.Issues, i => i.Code == "OS32Bit");
    }
}
