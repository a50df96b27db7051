using System.Globalization;

namespace MigrateHub.Shared.Provisioning;

/// <summary>Deterministic names of what the hub creates, so retries find what exists.</summary>
public static class ProvisioningNames
{
    /// <summary>Tag with the hub machine id.</summary>
    public const string MachineTag = "migratehub-machine";

    /// <summary>Tag with the purpose: seed, test-migration, migration.</summary>
    public const string PurposeTag = "migratehub-purpose";

    /// <summary>Purpose of seed disks.</summary>
    public const string SeedPurpose = "seed";

    /// <summary>Purpose of test-migration resources.</summary>
    public const string TestPurpose = "test-migration";

    /// <summary>Purpose of cutover resources.</summary>
    public const string MigrationPurpose = "migration";

    /// <summary>Subnet of the isolated test network.</summary>
    public const string TestSubnetName = "default";

    /// <summary>The test VM: <c>&lt;vm&gt;-test</c>.</summary>
    public static string TestVm(TargetSettings target) => $"{Vm(target)}-test";

    /// <summary>The isolated test network.</summary>
    public static string TestVirtualNetwork(TargetSettings target) => $"{TestVm(target)}-vnet";

    /// <summary>The test VM's NIC.</summary>
    public static string TestNic(TargetSettings target) => $"{TestVm(target)}-nic";

    /// <summary>A test VM disk.</summary>
    public static string TestDisk(TargetSettings target, MachineDisk disk) => $"{TestVm(target)}-{DiskSuffix(disk)}";

    /// <summary>The cutover VM.</summary>
    public static string Vm(TargetSettings target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.VmName;
    }

    /// <summary>The cutover VM's NIC.</summary>
    public static string Nic(TargetSettings target) => $"{Vm(target)}-nic";

    /// <summary>A cutover VM disk.</summary>
    public static string Disk(TargetSettings target, MachineDisk disk) => $"{Vm(target)}-{DiskSuffix(disk)}";

    /// <summary>A seed disk replication writes into.</summary>
    public static string SeedDisk(TargetSettings target, MachineDisk disk) => $"{Vm(target)}-seed-{DiskSuffix(disk)}";

    private static string DiskSuffix(MachineDisk disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return disk.IsOsDisk ? "osdisk" : string.Create(CultureInfo.InvariantCulture, $"datadisk-{disk.Lun}");
    }
}
