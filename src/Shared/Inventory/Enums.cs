using System.Text.Json.Serialization;

namespace MigrateHub.Shared.Inventory;

/// <summary>Where a server was discovered (DOMAIN.md §2).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceType>))]
public enum SourceType
{
    /// <summary>Source not known (for example an import without a hint).</summary>
    Unknown = 0,
    /// <summary>A VMware vCenter VM.</summary>
    VMware,
    /// <summary>A Hyper-V VM.</summary>
    HyperV,
    /// <summary>A physical server.</summary>
    Physical,
    /// <summary>Other virtualised or cloud VM.</summary>
    Other,
}

/// <summary>Firmware the server boots with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BootType>))]
public enum BootType
{
    /// <summary>Not reported.</summary>
    Unknown = 0,
    /// <summary>Legacy BIOS (migrates to a Generation 1 VM).</summary>
    Bios,
    /// <summary>UEFI (migrates to a Generation 2 VM).</summary>
    Uefi,
}

/// <summary>Power state at the last discovery.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PowerState>))]
public enum PowerState
{
    /// <summary>Not reported.</summary>
    Unknown = 0,
    /// <summary>Running.</summary>
    On,
    /// <summary>Stopped.</summary>
    Off,
    /// <summary>Suspended / saved.</summary>
    Suspended,
}

/// <summary>Processor architecture of the guest OS.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OsArchitecture>))]
public enum OsArchitecture
{
    /// <summary>Not reported.</summary>
    Unknown = 0,
    /// <summary>64-bit x86.</summary>
    X64,
    /// <summary>32-bit x86.</summary>
    X86,
    /// <summary>64-bit ARM.</summary>
    Arm64,
}
