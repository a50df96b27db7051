using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.Functions.Migration;

/// <summary>Body of enable replication (one server, or a batch with <see cref="Servers"/>).</summary>
public sealed record EnableReplicationBody
{
    /// <summary>Batch only: the server ids (at most <see cref="MigrationApi.MaxBatch"/>).</summary>
    public IReadOnlyList<string>? Servers { get; init; }

    /// <summary>Target subscription.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Existing target resource group.</summary>
    public string? ResourceGroup { get; init; }

    /// <summary>Target Azure region.</summary>
    public string? TargetRegion { get; init; }

    /// <summary>VM size.</summary>
    public string? VmSize { get; init; }

    /// <summary>Single server only: name of the Azure VM (default: the server's name).</summary>
    public string? VmName { get; init; }

    /// <summary>Network for the migrated VM.</summary>
    public TargetNetwork? Network { get; init; }

    /// <summary>OS disk type.</summary>
    public string? OsDiskType { get; init; }

    /// <summary>Data disk type.</summary>
    public string? DataDiskType { get; init; }

    /// <summary>Azure Hybrid Benefit licence.</summary>
    public string? LicenseType { get; init; }

    /// <summary>Appliance that replicates (default: the one that discovered the server).</summary>
    public string? ApplianceName { get; init; }

    /// <summary>Source platform: OnPremises (default) or AzureVMwareSolution.</summary>
    public string? SourcePlatform { get; init; }

    /// <summary>Target platform: Azure (default) or AzureVMwareSolution.</summary>
    public string? TargetPlatform { get; init; }

    /// <summary>Cadence override of the servers, in seconds.</summary>
    public double? CadenceSeconds { get; init; }

    /// <summary>Cadence override of the project, in seconds.</summary>
    public double? ProjectCadenceSeconds { get; init; }

    /// <summary>Blackout windows.</summary>
    public IReadOnlyList<BlackoutWindow>? BlackoutWindows { get; init; }
}

/// <summary>Body of migrate.</summary>
/// <param name="PerformShutdown">Shut down the source before the final delta.</param>
/// <param name="ScheduledAt">Cutover time (null: now).</param>
/// <param name="CancelSchedule">Cancel a scheduled cutover.</param>
public sealed record MigrateBody(bool PerformShutdown = false, DateTimeOffset? ScheduledAt = null, bool CancelSchedule = false);

/// <summary>Body of an appliance's report.</summary>
/// <param name="Succeeded">Whether the work succeeded.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="BytesTransferred">Bytes copied.</param>
public sealed record WorkItemReportBody(bool Succeeded, string? Error = null, long BytesTransferred = 0);

/// <summary>Body of an appliance's transfer progress (<c>POST workItems/{id}/progress</c>).</summary>
/// <param name="BytesTransferred">Bytes copied so far (0 to <paramref name="TotalBytes"/>).</param>
/// <param name="TotalBytes">Bytes the work item copies in all (more than 0).</param>
public sealed record WorkItemProgressBody(long? BytesTransferred = null, long? TotalBytes = null);

/// <summary>Body of <c>PUT migrationSettings</c>.</summary>
public sealed record MigrationSettingsBody
{
    /// <summary>Servers replicating at once per appliance in this project (null: the hub's default).</summary>
    public int? MaxConcurrentReplicationsPerAppliance { get; init; }
}
