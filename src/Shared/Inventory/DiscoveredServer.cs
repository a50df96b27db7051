namespace MigrateHub.Shared.Inventory;

/// <summary>
/// A server as discovered by an appliance or imported from a file (DOMAIN.md §2). Immutable; the
/// collections are read-only lists so that System.Text.Json can round-trip the record (record equality
/// compares the list references, not their contents).
/// </summary>
public sealed record DiscoveredServer
{
    /// <summary>Hub-wide id of the server (for VMware the InstanceUuid when known, else a source-derived id).</summary>
    public required string Id { get; init; }

    /// <summary>Display name (VM name or host name).</summary>
    public required string Name { get; init; }

    /// <summary>Id in the source system (VMware InstanceUuid / vCenter VM id, Hyper-V VM id, ...), if known.</summary>
    public string? SourceId { get; init; }

    /// <summary>Where the server was discovered.</summary>
    public SourceType SourceType { get; init; }

    /// <summary>Guest operating system.</summary>
    public OperatingSystemInfo OperatingSystem { get; init; } = OperatingSystemInfo.Unknown;

    /// <summary>Firmware the server boots with.</summary>
    public BootType BootType { get; init; }

    /// <summary>Allocated cores (vCPUs for a VM).</summary>
    public int Cores { get; init; }

    /// <summary>Allocated memory in MB (MiB).</summary>
    public double MemoryMb { get; init; }

    /// <summary>Disks; by convention the first one is the OS disk.</summary>
    public IReadOnlyList<DiscoveredDisk> Disks { get; init; } = [];

    /// <summary>Network adapters.</summary>
    public IReadOnlyList<NetworkAdapter> NetworkAdapters { get; init; } = [];

    /// <summary>Power state at the last discovery.</summary>
    public PowerState PowerState { get; init; }

    /// <summary>Host the VM runs on (VMware ESXi host / Hyper-V host), if any.</summary>
    public string? Host { get; init; }

    /// <summary>Cluster, if any.</summary>
    public string? Cluster { get; init; }

    /// <summary>Datacenter, if any.</summary>
    public string? Datacenter { get; init; }

    /// <summary>Hyper-V VM generation (1 or 2), Hyper-V only.</summary>
    public int? HyperVGeneration { get; init; }

    /// <summary>When the server was first discovered.</summary>
    public DateTimeOffset? FirstDiscoveredAt { get; init; }

    /// <summary>When the server was last discovered.</summary>
    public DateTimeOffset? LastDiscoveredAt { get; init; }

    /// <summary>
    /// Single utilisation values that come with the inventory instead of a history (import CSV:
    /// CPU / memory utilisation percentage; per-disk and per-NIC rates are on <see cref="Disks"/> and
    /// <see cref="NetworkAdapters"/>). Null when not reported.
    /// </summary>
    public UtilizationSnapshot? Utilization { get; init; }

    /// <summary>True when the server came from an import (CSV / RVTools): imported servers get no confidence rating.</summary>
    public bool IsImported { get; init; }
}

/// <summary>Guest operating system as reported.</summary>
/// <param name="Name">OS name as reported (e.g. "Microsoft Windows Server 2019 (64-bit)").</param>
/// <param name="Version">OS version, if reported separately.</param>
/// <param name="Architecture">Processor architecture.</param>
public sealed record OperatingSystemInfo(string? Name, string? Version, OsArchitecture Architecture)
{
    /// <summary>Nothing reported.</summary>
    public static OperatingSystemInfo Unknown { get; } = new(null, null, OsArchitecture.Unknown);
}

/// <summary>A disk of a discovered server. Rates are the latest reported values (null = not reported).</summary>
public sealed record DiscoveredDisk
{
    /// <summary>Disk id, unique within the server (e.g. "scsi0:0", "Hard disk 1", "disk1").</summary>
    public required string Id { get; init; }

    /// <summary>Display name, if different from the id.</summary>
    public string? Name { get; init; }

    /// <summary>Provisioned size in GB (GiB).</summary>
    public double SizeGb { get; init; }

    /// <summary>Read operations per second.</summary>
    public double? ReadIops { get; init; }

    /// <summary>Write operations per second.</summary>
    public double? WriteIops { get; init; }

    /// <summary>Read throughput in MB per second.</summary>
    public double? ReadMBps { get; init; }

    /// <summary>Write throughput in MB per second.</summary>
    public double? WriteMBps { get; init; }
}

/// <summary>A network adapter of a discovered server.</summary>
public sealed record NetworkAdapter
{
    /// <summary>Adapter label or id (e.g. "Network adapter 1").</summary>
    public string? Name { get; init; }

    /// <summary>MAC address as reported.</summary>
    public string? MacAddress { get; init; }

    /// <summary>IPv4 addresses.</summary>
    public IReadOnlyList<string> IPv4Addresses { get; init; } = [];

    /// <summary>IPv6 addresses.</summary>
    public IReadOnlyList<string> IPv6Addresses { get; init; } = [];

    /// <summary>Latest receive rate in MB per second, if reported.</summary>
    public double? ReceiveMBps { get; init; }

    /// <summary>Latest transmit rate in MB per second, if reported.</summary>
    public double? TransmitMBps { get; init; }
}

/// <summary>Single utilisation values reported with an inventory (import CSV). Null = not reported.</summary>
/// <param name="CpuPercent">CPU utilisation percentage.</param>
/// <param name="MemoryPercent">Memory utilisation percentage.</param>
/// <param name="NetworkInMBps">Network in throughput, MB per second (all adapters).</param>
/// <param name="NetworkOutMBps">Network out throughput, MB per second (all adapters).</param>
public sealed record UtilizationSnapshot(double? CpuPercent, double? MemoryPercent, double? NetworkInMBps, double? NetworkOutMBps);
