using System.Text.Json;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.LocalAzure.Arm.Tests;

/// <summary>Durable activities pass these records as JSON: they must round-trip.</summary>
public sealed class RecordSerializationTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void TargetSettingsAndDisks_RoundTripThroughJson()
    {
        var target = ArmTestHost.Target("rg", "app01", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v") with
        {
            AvailabilityZone = "3",
            LicenseType = "Windows_Server",
            Firmware = FirmwareType.Bios,
            OsType = TargetOsType.Linux,
        };
        var disks = ArmTestHost.SourceDisks(2) with { };

        var json = JsonSerializer.Serialize(target, Web);
        var back = JsonSerializer.Deserialize<TargetSettings>(json, Web)!;
        var disksBack = JsonSerializer.Deserialize<MachineDisks>(JsonSerializer.Serialize(disks, Web), Web)!;

        Assert.Contains("\"firmware\":\"Bios\"", json, StringComparison.Ordinal);
        Assert.Equal(target with { Tags = back.Tags }, back);
        Assert.Equal(target.Tags, back.Tags);
        Assert.Equal(disks.Disks, disksBack.Disks);
    }

    [Fact]
    public void ProvisionedResources_RoundTripThroughJson()
    {
        var result = new ProvisionedResources("/vm", "vm", "V2", ["/d1", "/d2"], ["/nic"], "/vnet", ["/d1"], ["/d2"]);

        var back = JsonSerializer.Deserialize<ProvisionedResources>(JsonSerializer.Serialize(result, Web), Web)!;

        Assert.Equal(result.VirtualMachineId, back.VirtualMachineId);
        Assert.Equal(result.DiskIds, back.DiskIds);
        Assert.Equal(result.NetworkInterfaceIds, back.NetworkInterfaceIds);
        Assert.Equal(result.CreatedResourceIds, back.CreatedResourceIds);
        Assert.Equal(result.ReusedResourceIds, back.ReusedResourceIds);
        Assert.Equal("V2", back.HyperVGeneration);
    }
}
