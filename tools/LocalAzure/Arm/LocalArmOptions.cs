namespace MigrateHub.LocalAzure.Arm;

/// <summary>Settings of the local ARM-compatible endpoint.</summary>
public sealed class LocalArmOptions
{
    /// <summary>Default regional vCPU quota when <see cref="VcpuQuotaPerRegion"/> has no entry for a region.</summary>
    public const int DefaultVcpuQuota = 350;

    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Long-running operations answer "InProgress" to this many polls before they complete.</summary>
    public int PollsBeforeDone { get; set; }

    /// <summary>Regional vCPU limit per region (keys are compared without case and spaces, e.g. "westeurope").</summary>
    public IDictionary<string, int> VcpuQuotaPerRegion { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Limit used for regions absent from <see cref="VcpuQuotaPerRegion"/>.</summary>
    public int DefaultVcpuQuotaPerRegion { get; set; } = DefaultVcpuQuota;

    /// <summary>VM sizes to accept in addition to the built-in table (name -> vCPUs).</summary>
    public IDictionary<string, int> AdditionalVmSizes { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
}
