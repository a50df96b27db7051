using MigrateHub.Shared.Import;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Import;

public class RvToolsParserTests
{
    [Fact]
    public void BillSample_Has131Vms_129ServersAnd2SkippedTemplates()
    {
        using var s = TestData.Open("inventory", "BillSampleNextRvtoolsFinal.xlsx");
        var r = RvToolsParser.Parse(s);
        Assert.Equal(129, r.Servers.Count);
        Assert.Equal(2, r.Skipped.Count);
        Assert.All(r.Skipped, k => Assert.Contains("template", k.Reason, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(r.Rejected);
        Assert.Equal(131, r.Servers.Count + r.Skipped.Count);
    }

    [Fact]
    public void BillSample_FirstVm_IsReadFromTheOlderMbColumns()
    {
        using var s = TestData.Open("inventory", "BillSampleNextRvtoolsFinal.xlsx");
        var vm = RvToolsParser.Parse(s).Servers.Single(x => x.Name == "ADCSCA01");
        Assert.Equal("vm-15333", vm.Id);
        Assert.Equal(4, vm.Cores);
        Assert.Equal(2048, vm.MemoryMb);
        Assert.Equal(BootType.Uefi, vm.BootType); // Firmware 'efi'
        Assert.Equal(PowerState.On, vm.PowerState);
        Assert.Equal("Microsoft Windows Server 2012 (64-bit)", vm.OperatingSystem.Name);
        Assert.Equal("Production Cluster", vm.Cluster);
        Assert.Equal("NEXT Data Center", vm.Datacenter);
        Assert.Equal("esxhost10.next.local", vm.Host);
        var disk = Assert.Single(vm.Disks);
        Assert.Equal(40901 / 1024.0, disk.SizeGb, 6); // vDisk 'Capacity MB' 40901
    }

    [Fact]
    public void BillSample_EveryDiskOfVDiskIsAttachedToAServer()
    {
        using var s = TestData.Open("inventory", "BillSampleNextRvtoolsFinal.xlsx");
        var r = RvToolsParser.Parse(s);
        // vDisk has 247 rows; the templates' disks are not attached.
        var disks = r.Servers.Sum(x => x.Disks.Count);
        Assert.InRange(disks, 240, 247);
        Assert.All(r.Servers, x => Assert.NotEmpty(x.Disks));
    }

    [Fact]
    public void SmallComplete_ReadsMiBColumns_NetworksAndIpAddresses()
    {
        using var s = TestData.Open("inventory", "rvtools-small-complete.xlsx");
        var r = RvToolsParser.Parse(s);
        Assert.Equal(3, r.Servers.Count);
        var web = r.Servers.Single(x => x.Name == "sample-web-01");
        Assert.Equal(2, web.Cores);
        Assert.Equal(8192, web.MemoryMb);
        Assert.Equal([80.0, 40.0], web.Disks.Select(d => d.SizeGb));
        var nic = Assert.Single(web.NetworkAdapters);
        Assert.Equal("00:50:56:aa:00:01", nic.MacAddress);
        Assert.Equal(["10.10.1.10"], nic.IPv4Addresses);
        var db = r.Servers.Single(x => x.Name == "sample-db-01");
        Assert.Equal(2, db.NetworkAdapters.Count);
    }

    [Fact]
    public void NotAnXlsx_ThrowsImportFormatException()
    {
        using var s = new MemoryStream("Server name,Cores\na,1\n"u8.ToArray());
        Assert.Throws<ImportFormatException>(() => RvToolsParser.Parse(s));
    }
}
