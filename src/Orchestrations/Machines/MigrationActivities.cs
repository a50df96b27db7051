using System.Text.Json;
using Microsoft.DurableTask;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.Orchestrations.Machines;

/// <summary>Creates the seed disks replication writes into (idempotent: deterministic names).</summary>
public sealed class CreateSeedDisksActivity(ITargetProvisioningClient provisioning) : TaskActivity<ProvisionStepRequest, MachineDisks>
{
    /// <inheritdoc />
    public override Task<MachineDisks> RunAsync(TaskActivityContext context, ProvisionStepRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return provisioning.CreateSeedDisksAsync(input.Target, input.Disks, CancellationToken.None);
    }
}

/// <summary>Creates the test VM in its isolated network from the seed disks.</summary>
public sealed class CreateTestMigrationActivity(ITargetProvisioningClient provisioning) : TaskActivity<ProvisionStepRequest, ProvisionedResources>
{
    /// <inheritdoc />
    public override Task<ProvisionedResources> RunAsync(TaskActivityContext context, ProvisionStepRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return provisioning.CreateTestMigrationAsync(input.Target, input.Disks, CancellationToken.None);
    }
}

/// <summary>Deletes the test migration's resources.</summary>
public sealed class CleanupTestMigrationActivity(ITargetProvisioningClient provisioning) : TaskActivity<TargetSettings, CleanupResult>
{
    /// <inheritdoc />
    public override Task<CleanupResult> RunAsync(TaskActivityContext context, TargetSettings input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return provisioning.CleanupTestMigrationAsync(input, CancellationToken.None);
    }
}

/// <summary>Creates the migrated VM from the replicated disks.</summary>
public sealed class CreateCutoverActivity(ITargetProvisioningClient provisioning) : TaskActivity<ProvisionStepRequest, ProvisionedResources>
{
    /// <inheritdoc />
    public override Task<ProvisionedResources> RunAsync(TaskActivityContext context, ProvisionStepRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return provisioning.CreateCutoverAsync(input.Target, input.Disks, CancellationToken.None);
    }
}

/// <summary>Deletes the seed disks (complete migration or disable).</summary>
public sealed class DeleteSeedDisksActivity(ITargetProvisioningClient provisioning) : TaskActivity<ProvisionStepRequest, CleanupResult>
{
    /// <inheritdoc />
    public override Task<CleanupResult> RunAsync(TaskActivityContext context, ProvisionStepRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return provisioning.DeleteSeedDisksAsync(input.Target, input.Disks, CancellationToken.None);
    }
}

/// <summary>Stores the migration item's status and issues a work item for the appliance (both idempotent).</summary>
public sealed class RecordMigrationActivity(MigrationRepository repository) : TaskActivity<MigrationRecordRequest, bool>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, MigrationRecordRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.WorkItem is { } work)
        {
            await repository.IssueWorkItemAsync(input.Region, work, CancellationToken.None).ConfigureAwait(false);
        }

        var status = input.Status;
        await repository.SaveItemAsync(input.Region, input.ProjectId, input.ServerId, status.MigrationState, status.ApplianceId,
            status.ReplicationStartedAt is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : null,
            input.ReplicationEndedAt is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : null,
            JsonSerializer.Serialize(status, Json), CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}

/// <summary>Reads the stored report of a work item (null while pending).</summary>
public sealed class ReadWorkItemReportActivity(MigrationRepository repository) : TaskActivity<WorkItemLookup, WorkItemReport?>
{
    /// <inheritdoc />
    public override Task<WorkItemReport?> RunAsync(TaskActivityContext context, WorkItemLookup input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return repository.GetReportAsync(input.Region, input.ProjectId, input.ApplianceId, input.WorkItemId, CancellationToken.None);
    }
}
