using System.Text;
using MigrateHub.Shared.Import;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Import;

public class AzureMigrateCsvParserTests
{
    private static ImportResult Parse(string csv) => AzureMigrateCsvParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(csv)));

    [Fact]
    public void Sample_ParsesEveryServer_WithDisksUtilisationAndNics()
    {
        using var s = TestData.Open("import", "azure-migrate-import-sample.csv");
        var r = AzureMigrateCsvParser.Parse(s);
        Assert.Empty(r.Rejected);
        Assert.Equal(8, r.Servers.Count);
        var web = r.Servers[0];
        Assert.Equal("web01.contoso.local", web.Name);
        Assert.Equal(4, web.Cores);
        Assert.Equal(8192, web.MemoryMb);
        Assert.Equal(BootType.Uefi, web.BootType);
        Assert.Equal(OsArchitecture.X64, web.OperatingSystem.Architecture);
        Assert.Equal(2, web.Disks.Count);
        Assert.Equal(256, web.Disks[1].SizeGb);
        Assert.Equal(120, web.Disks[1].ReadIops);
        Assert.Equal(6, web.Disks[1].WriteMBps);
        Assert.Equal(22, web.Utilization!.CpuPercent);
        Assert.Equal(4.2, web.Utilization.NetworkOutMBps);
        Assert.Equal("00:15:5d:01:02:11", web.NetworkAdapters[0].MacAddress);
        Assert.Equal(["10.0.1.11"], web.NetworkAdapters[0].IPv4Addresses);
        Assert.True(web.IsImported);
    }

    [Fact]
    public void BrokenRow_IsReportedWithItsLine_AndTheOtherRowsAreKept()
    {
        using var s = TestData.Open("import", "azure-migrate-import-broken-row.csv");
        var r = AzureMigrateCsvParser.Parse(s);
        Assert.Equal(["good01.contoso.local", "good03.contoso.local"], r.Servers.Select(x => x.Name));
        var bad = Assert.Single(r.Rejected);
        Assert.Equal(3, bad.RowNumber); // header = line 1
        Assert.Equal("broken02.contoso.local", bad.Name);
        Assert.Contains("four", bad.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RowWithTooManyFields_AndEmptyName_AndDuplicate_AreRejected()
    {
        var r = Parse("""
            Server name,Cores,Memory (In MB),OS name
            a,2,4096,Windows Server 2019
            b,2,4096,Windows Server 2019,extra
            ,2,4096,Windows Server 2019
            a,4,8192,Ubuntu Linux
            c,0,4096,Ubuntu Linux
            d,2,4096,Ubuntu Linux
            """);
        Assert.Equal(["a", "d"], r.Servers.Select(x => x.Name));
        Assert.Equal([3, 4, 5, 6], r.Rejected.Select(x => x.RowNumber));
    }

    [Fact]
    public void HeadersAreMatchedLoosely_MemoryMb_AndMachineName()
    {
        var r = Parse("Machine name,CORES,Memory (MB),Operating system\nx,2,2048,Windows Server 2016\n");
        var s = Assert.Single(r.Servers);
        Assert.Equal(2048, s.MemoryMb);
        Assert.Equal("Windows Server 2016", s.OperatingSystem.Name);
    }

    [Fact]
    public void TotalsWithoutPerDiskRates_AreSpreadOverTheDisks()
    {
        var r = Parse("Server name,Cores,Memory (In MB),OS name,Disk 1 size (In GB),Disk 2 size (In GB),Total disks read ops (operations per second)\nx,2,2048,Windows Server 2016,100,200,300\n");
        Assert.Equal([150.0, 150.0], r.Servers[0].Disks.Select(d => d.ReadIops!.Value));
    }

    [Fact]
    public void MissingMandatoryColumn_ThrowsImportFormatException()
    {
        var ex = Assert.Throws<ImportFormatException>(() => Parse("Server name,Cores\na,1\n"));
        Assert.Contains("Memory (In MB)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OS name", ex.Message, StringComparison.Ordinal);
    }
}
