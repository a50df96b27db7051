using System.Text.Json;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Inventory;

public class InventoryModelTests
{
    [Fact]
    public void DiscoveredServer_RoundTripsThroughSystemTextJson_WithEnumsAsStrings()
    {
        var s = new DiscoveredServer
        {
            Id = "5003c2a1-0000-4a1b-9c6e-000000000001",
            Name = "web01",
            SourceId = "vm-1001",
            SourceType = SourceType.HyperV,
            OperatingSystem = new OperatingSystemInfo("Microsoft Windows Server 2022", "10.0.20348", OsArchitecture.X64),
            BootType = BootType.Uefi,
            Cores = 4,
            MemoryMb = 8192,
            Disks = [new DiscoveredDisk { Id = "scsi0:0", SizeGb = 127, ReadIops = 10, WriteIops = 5, ReadMBps = 1.5, WriteMBps = 0.5 }],
            NetworkAdapters = [new NetworkAdapter { Name = "nic0", MacAddress = "00:15:5d:00:00:01", IPv4Addresses = ["10.0.0.4"], IPv6Addresses = ["fe80::1"], TransmitMBps = 2 }],
            PowerState = PowerState.On,
            Host = "hv01",
            Cluster = "c1",
            Datacenter = "dc1",
            HyperVGeneration = 2,
            FirstDiscoveredAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        var json = JsonSerializer.Serialize(s);
        Assert.Contains("\"BootType\":\"Uefi\"", json, StringComparison.Ordinal);
        Assert.Contains("\"SourceType\":\"HyperV\"", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<DiscoveredServer>(json)!;
        Assert.Equal(s with { Disks = back.Disks, NetworkAdapters = back.NetworkAdapters }, back);
        Assert.Equal(s.Disks[0], back.Disks[0]);
        Assert.Equal(s.NetworkAdapters[0].IPv6Addresses, back.NetworkAdapters[0].IPv6Addresses);
    }

    [Fact]
    public void PerformancePoints_RoundTripThroughJson_AndBuildTheColumnarSeries()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        PerformancePoint[] points =
        [
            new(t0.AddMinutes(20), 30, 40, [new DiskPerformance("d0", 100, 50, 2, 1)], 0.5, 0.25),
            new(t0.AddMinutes(10), 10, 20, [new DiskPerformance("d0", 10, 5, 1, 0.5), new DiskPerformance("d1", 1, 1, 0.1, 0.1)], 0.1, 0.2),
        ];
        var back = JsonSerializer.Deserialize<PerformancePoint[]>(JsonSerializer.Serialize(points))!;
        var series = PerformanceSeries.FromPoints(back, TimeSpan.FromMinutes(10));
        Assert.Equal(2, series.Count);
        Assert.Equal([10f, 30f], series.Cpu.ToArray()); // sorted by time
        Assert.Equal(["d0", "d1"], series.Disks.Select(d => d.DiskId));
        Assert.Equal([0f, 0f], series.Disks[1].ReadIops.Skip(1).Concat(series.Disks[1].WriteIops.Skip(1))); // missing in a point = 0
        Assert.Equal([0.2f, 0.25f], series.NetworkOut.ToArray());
    }

    [Fact]
    public void PerformanceSeries_RejectsMisalignedArrays()
    {
        Assert.Throws<ArgumentException>(() => new PerformanceSeries(TimeSpan.FromMinutes(10), [1, 2], [1f], [1f, 2f], [0f, 0f], [0f, 0f], []));
        Assert.Throws<ArgumentException>(() => new PerformanceSeries(TimeSpan.FromMinutes(10), [2, 1], [1f, 1f], [1f, 2f], [0f, 0f], [0f, 0f], []));
    }

    [Fact]
    public void AssessedMachine_SerializesToJson_ForTheHubApi()
    {
        var m = new AssessmentEngine().Assess(new AssessmentInput(Assessment.Servers.Make()), Assessment.Servers.WestEurope());
        var json = JsonSerializer.Serialize(m);
        Assert.Contains("\"Readiness\":\"Suitable\"", json, StringComparison.Ordinal);
        Assert.Contains(m.Compute!.Size.Name, json, StringComparison.Ordinal);
    }
}
