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

/// <summary>
/// Stores the migration item's status, issues a work item for the appliance with its check, cancels the work items
/// the lifecycle stopped waiting for and removes the checks of those it no longer waits for (all idempotent).
/// </summary>
public sealed class RecordMigrationActivity(MigrationRepository repository, WorkItemChecks checks) : TaskActivity<MigrationRecordRequest, bool>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, MigrationRecordRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.WorkItem is { } work)
        {
            await repository.IssueWorkItemAsync(input.Region, work, CancellationToken.None).ConfigureAwait(false);
            if (input.Check is { } check)
            {
                await checks.AddAsync(input.Region, check, CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (input.CancelledWorkItemIds is { Count: > 0 } cancelled && input.Status.ApplianceId is { } appliance)
        {
            await repository.CancelWorkItemsAsync(input.Region, input.ProjectId, appliance, cancelled,
                $"The server's replication changed ({input.Status.MigrationState}); the hub no longer waits for this work item.", CancellationToken.None).ConfigureAwait(false);
        }

        var closed = (input.ClosedWorkItemIds ?? []).Concat(input.CancelledWorkItemIds ?? []).ToList();
        if (closed.Count > 0)
        {
            await checks.CloseAsync(input.Region, input.ProjectId, closed, CancellationToken.None).ConfigureAwait(false);
        }

        var status = input.Status;
        await repository.SaveItemAsync(input.Region, input.ProjectId, input.ServerId, status.MigrationState, status.ApplianceId,
            status.ReplicationStartedAt is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : null,
            input.ReplicationEndedAt is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : null,
            JsonSerializer.Serialize(status, Json), CancellationToken.None, input.NewReplication).ConfigureAwait(false);
        return true;
    }
}

/// <summary>Takes a replication slot of the server's appliance, or queues the server and answers its position.</summary>
public sealed class AcquireReplicationSlotActivity(ReplicationSlots slots) : TaskActivity<SlotRequest, SlotAnswer>
{
    /// <inheritdoc />
    public override Task<SlotAnswer> RunAsync(TaskActivityContext context, SlotRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var requestedAt = new DateTimeOffset(DateTime.SpecifyKind(input.RequestedAt ?? DateTime.UtcNow, DateTimeKind.Utc));
        return slots.TryAcquireAsync(input.Region, input.ProjectId, input.ApplianceId, input.ServerId, requestedAt, input.DefaultLimit, CancellationToken.None);
    }
}

/// <summary>Gives back the server's replication slot (or withdraws it from the queue); answers the first waiters to wake.</summary>
public sealed class ReleaseReplicationSlotActivity(ReplicationSlots slots) : TaskActivity<SlotRequest, IReadOnlyList<string>>
{
    /// <inheritdoc />
    public override Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, SlotRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var requestedAt = input.RequestedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        return slots.ReleaseAsync(input.Region, input.ProjectId, input.ApplianceId, input.ServerId, requestedAt, input.Wake, CancellationToken.None);
    }
}
