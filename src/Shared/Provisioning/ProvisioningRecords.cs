using System.Text.Json.Serialization;

namespace MigrateHub.Shared.Provisioning;

/// <summary>Boot firmware of the source machine: UEFI becomes a generation 2 VM, BIOS a generation 1 VM.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FirmwareType>))]
public enum FirmwareType
{
    /// <summary>Legacy BIOS: Hyper-V generation 1.</summary>
    Bios,

    /// <summary>UEFI: Hyper-V generation 2.</summary>
    Uefi,
}

/// <summary>Guest operating system family.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TargetOsType>))]
public enum TargetOsType
{
    /// <summary>Windows.</summary>
    Windows,

    /// <summary>Linux.</summary>
    Linux,
}

/// <summary>The network a migrated VM is connected to.</summary>
/// <param name="VirtualNetworkId">ARM id of an existing virtual network in the target region.</param>
/// <param name="SubnetName">Subnet of that network.</param>
/// <param name="PrivateIpAddress">Static private IP, or null for a dynamic one.</param>
public sealed record TargetNetwork(string VirtualNetworkId, string SubnetName, string? PrivateIpAddress = null);

/// <summary>Where and how a machine lands in Azure (from the assessment, possibly overridden by the user).</summary>
public sealed record TargetSettings
{
    /// <summary>Hub id of the source machine; tagged on everything created for it.</summary>
    public required string MachineId { get; init; }

    /// <summary>Name of the Azure VM created at cutover; the test VM is named <c>&lt;VmName&gt;-test</c>.</summary>
    public required string VmName { get; init; }

    /// <summary>Target subscription id.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>Existing target resource group.</summary>
    public required string ResourceGroup { get; init; }

    /// <summary>Target region, e.g. westeurope.</summary>
    public required string Region { get; init; }

    /// <summary>VM size, e.g. Standard_D4s_v5.</summary>
    public required string VmSize { get; init; }

    /// <summary>Guest OS family.</summary>
    public TargetOsType OsType { get; init; } = TargetOsType.Windows;

    /// <summary>Source firmware (decides the Hyper-V generation).</summary>
    public FirmwareType Firmware { get; init; } = FirmwareType.Bios;

    /// <summary>Network for the cutover VM (required by <see cref="ITargetProvisioningClient.CreateCutoverAsync"/>).</summary>
    public TargetNetwork? Network { get; init; }

    /// <summary>Storage type of the OS disk: Standard_LRS, StandardSSD_LRS, Premium_LRS, ...</summary>
    public string OsDiskType { get; init; } = "Premium_LRS";

    /// <summary>Storage type of the data disks.</summary>
    public string DataDiskType { get; init; } = "Premium_LRS";

    /// <summary>Availability zone ("1", "2", "3") or null for none.</summary>
    public string? AvailabilityZone { get; init; }

    /// <summary>Tags to put on every resource created.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Azure Hybrid Benefit: Windows_Server, Windows_Client, RHEL_BYOS, SLES_BYOS; null for pay-as-you-go.</summary>
    public string? LicenseType { get; init; }

    /// <summary>Address space of the isolated test-migration network (one subnet covering it).</summary>
    public string TestNetworkAddressPrefix { get; init; } = "10.200.0.0/24";
}

/// <summary>One disk of a machine, and where its replicated data is.</summary>
public sealed record MachineDisk
{
    /// <summary>Source disk key (e.g. the VMware disk UUID or "scsi0:0").</summary>
    public required string DiskId { get; init; }

    /// <summary>Whether this is the boot disk (exactly one per machine).</summary>
    public bool IsOsDisk { get; init; }

    /// <summary>LUN of a data disk (ignored for the OS disk).</summary>
    public int Lun { get; init; }

    /// <summary>Provisioned size in GiB.</summary>
    public required int SizeGb { get; init; }

    /// <summary>Storage type override for this disk (otherwise the target's OS/data disk type).</summary>
    public string? DiskType { get; init; }

    /// <summary>ARM id of the seed disk replication writes into (set by <see cref="ITargetProvisioningClient.CreateSeedDisksAsync"/>).</summary>
    public string? SeedDiskResourceId { get; init; }

    /// <summary>Optional VHD blob to import the seed disk from (createOption Import).</summary>
    public string? ImportSourceUri { get; init; }

    /// <summary>Storage account holding <see cref="ImportSourceUri"/> (required with it).</summary>
    public string? ImportStorageAccountId { get; init; }

    /// <summary>Optional snapshot or managed disk to copy the seed disk from (createOption Copy); ignored when <see cref="ImportSourceUri"/> is set.</summary>
    public string? CopySourceResourceId { get; init; }
}

/// <summary>The disks of a machine.</summary>
/// <param name="Disks">OS disk and data disks.</param>
public sealed record MachineDisks(IReadOnlyList<MachineDisk> Disks);

/// <summary>What a test migration or cutover created or found.</summary>
/// <param name="VirtualMachineId">ARM id of the VM.</param>
/// <param name="VirtualMachineName">VM name.</param>
/// <param name="HyperVGeneration">V1 (BIOS) or V2 (UEFI).</param>
/// <param name="DiskIds">OS disk first, then data disks by LUN.</param>
/// <param name="NetworkInterfaceIds">NICs of the VM.</param>
/// <param name="VirtualNetworkId">The isolated test network (test migration), or the target network (cutover).</param>
/// <param name="CreatedResourceIds">Resources this call created.</param>
/// <param name="ReusedResourceIds">Resources that already existed (a retried call) and were reused.</param>
public sealed record ProvisionedResources(
    string VirtualMachineId,
    string VirtualMachineName,
    string HyperVGeneration,
    IReadOnlyList<string> DiskIds,
    IReadOnlyList<string> NetworkInterfaceIds,
    string? VirtualNetworkId,
    IReadOnlyList<string> CreatedResourceIds,
    IReadOnlyList<string> ReusedResourceIds);

/// <summary>What a cleanup deleted.</summary>
/// <param name="DeletedResourceIds">Resources that existed and were deleted (already-gone ones are not listed).</param>
public sealed record CleanupResult(IReadOnlyList<string> DeletedResourceIds);
