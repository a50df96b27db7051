using System.Text.Json.Serialization;

namespace MigrateHub.Shared.Catalog;

/// <summary>Where a size limit comes from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LimitSource>))]
public enum LimitSource
{
    /// <summary>Copied from a Microsoft size documentation page.</summary>
    Documented,
    /// <summary>Copied from the Resource SKUs API shape (karpenter fixtures).</summary>
    ResourceSku,
    /// <summary>Derived from the documented per-vCPU rule of the size pages (may be off for unusual series).</summary>
    Rule,
}

/// <summary>Managed disk types.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiskType>))]
public enum DiskType
{
    /// <summary>Standard HDD (S tiers).</summary>
    StandardHDD,
    /// <summary>Standard SSD (E tiers).</summary>
    StandardSSD,
    /// <summary>Premium SSD (P tiers).</summary>
    Premium,
    /// <summary>Premium SSD v2 (provisioned size, IOPS and MBps; data disks only).</summary>
    PremiumV2,
    /// <summary>Ultra Disk (provisioned size, IOPS and MBps; data disks only).</summary>
    Ultra,
}

/// <summary>A VM size with the capabilities the assessment checks.</summary>
public sealed record VmSize
{
    /// <summary>ARM name, e.g. Standard_D2s_v5.</summary>
    public required string Name { get; init; }

    /// <summary>Series as in the price sheets, e.g. "Dsv5" (used by the series filter).</summary>
    public required string Series { get; init; }

    /// <summary>vCPUs available to the guest.</summary>
    public int VCpus { get; init; }

    /// <summary>Memory in GiB.</summary>
    public double MemoryGib { get; init; }

    /// <summary>Maximum data disks (OS disk not counted).</summary>
    public int MaxDataDisks { get; init; }

    /// <summary>Where <see cref="MaxDataDisks"/> comes from.</summary>
    public LimitSource MaxDataDisksSource { get; init; }

    /// <summary>Maximum network interfaces.</summary>
    public int MaxNics { get; init; }

    /// <summary>Where <see cref="MaxNics"/> comes from.</summary>
    public LimitSource MaxNicsSource { get; init; }

    /// <summary>Supports Premium SSD (and Premium SSD v2).</summary>
    public bool PremiumIO { get; init; }

    /// <summary>Supports accelerated networking.</summary>
    public bool AcceleratedNetworking { get; init; }

    /// <summary>Supports Ultra disks.</summary>
    public bool UltraSsd { get; init; }

    /// <summary>Can run Generation 1 (BIOS) VMs.</summary>
    public bool HyperVGen1 { get; init; }

    /// <summary>Can run Generation 2 (UEFI) VMs.</summary>
    public bool HyperVGen2 { get; init; }

    /// <summary>Max uncached disk IOPS; null = unknown (not checked).</summary>
    public int? UncachedDiskIops { get; init; }

    /// <summary>Max uncached disk MBps; null = unknown (not checked).</summary>
    public int? UncachedDiskMBps { get; init; }

    /// <summary>Expected network bandwidth in Mbps; null = unknown (not checked).</summary>
    public int? NetworkMbps { get; init; }

    /// <summary>True for ARM64 sizes (never recommended for x86 servers).</summary>
    public bool IsArm64 { get; init; }

    /// <summary>Has GPUs.</summary>
    public bool HasGpu { get; init; }

    /// <summary>Position in <see cref="AzureCatalog.Sizes"/>.</summary>
    public int Index { get; init; }
}

/// <summary>A fixed managed disk tier (P, E or S).</summary>
/// <param name="Name">Tier name, e.g. P10.</param>
/// <param name="Type">Disk type.</param>
/// <param name="SizeGib">Capacity in GiB.</param>
/// <param name="Iops">Base IOPS.</param>
/// <param name="MBps">Base throughput in MB/s.</param>
public sealed record DiskTier(string Name, DiskType Type, int SizeGib, int Iops, int MBps)
{
    /// <summary>Name as Azure Migrate reports it, e.g. Premium_P10, StandardSSD_E10, Standard_S10.</summary>
    public string DisplayName => Type switch
    {
        DiskType.Premium => "Premium_" + Name,
        DiskType.StandardSSD => "StandardSSD_" + Name,
        _ => "Standard_" + Name,
    };
}

/// <summary>Per-unit hourly prices (USD) of Premium SSD v2 or Ultra in a region.</summary>
/// <param name="PerGibHour">Per provisioned GiB per hour.</param>
/// <param name="PerIopsHour">Per provisioned IOPS per hour.</param>
/// <param name="PerMBpsHour">Per provisioned MBps per hour.</param>
public sealed record DiskUnitPrices(double PerGibHour, double PerIopsHour, double PerMBpsHour);

/// <summary>Which VM price column.</summary>
public enum VmPriceKind
{
    /// <summary>Linux pay-as-you-go.</summary>
    LinuxPayg = 0,
    /// <summary>Windows pay-as-you-go (licence included).</summary>
    WindowsPayg,
    /// <summary>Linux, 1-year reservation (hourly equivalent).</summary>
    LinuxRi1y,
    /// <summary>Linux, 3-year reservation.</summary>
    LinuxRi3y,
    /// <summary>Windows, 1-year reservation plus licence.</summary>
    WindowsRi1y,
    /// <summary>Windows, 3-year reservation plus licence.</summary>
    WindowsRi3y,
    /// <summary>Linux, savings plan (1-year; see SOURCES.md).</summary>
    LinuxSp1y,
}

/// <summary>Readiness of an operating system per the OS support table.</summary>
public enum OsReadiness
{
    /// <summary>Supported / endorsed.</summary>
    Ready,
    /// <summary>Runs with caveats.</summary>
    ConditionallyReady,
    /// <summary>The OS cannot be identified.</summary>
    Unknown,
}

/// <summary>OS family, used for licensing.</summary>
public enum OsFamily
{
    /// <summary>Not identified.</summary>
    Unknown,
    /// <summary>Windows (licence cost unless Azure Hybrid Benefit).</summary>
    Windows,
    /// <summary>Linux.</summary>
    Linux,
    /// <summary>Other (UNIX, ...).</summary>
    Other,
}

/// <summary>Result of looking an OS name up in the support table.</summary>
/// <param name="Family">OS family.</param>
/// <param name="Readiness">Readiness.</param>
/// <param name="ReasonCode">Reason code when not ready, else null.</param>
/// <param name="Note">Which row matched and why.</param>
public sealed record OsSupportMatch(OsFamily Family, OsReadiness Readiness, string? ReasonCode, string Note);
