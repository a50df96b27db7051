using Microsoft.DurableTask;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Orchestrations.Projects;

/// <summary>
/// Prepares a new project's resources in its region, then marks it provisioned. Started by the
/// create call with the instance id <c>{projectId}:provision</c>, and again by the sweep timer for
/// projects whose start was lost.
/// </summary>
public sealed class ProvisionProjectOrchestrator : TaskOrchestrator<ProvisionProjectRequest, ProvisionProjectResult>
{
    /// <summary>The instance id of a project's provisioning orchestration.</summary>
    public static string InstanceId(string projectId) => projectId + ":provision";

    /// <inheritdoc />
    public override async Task<ProvisionProjectResult> RunAsync(TaskOrchestrationContext context, ProvisionProjectRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new ProvisioningStatus("CreatingResources"));
        await context.CallActivityAsync(nameof(CreateProjectResourcesActivity), input, Retries.Transient);

        context.SetCustomStatus(new ProvisioningStatus("Finishing"));
        var state = await context.CallActivityAsync<string>(nameof(CompleteProjectProvisioningActivity), input, Retries.Transient);

        context.SetCustomStatus(new ProvisioningStatus(state));
        return new ProvisionProjectResult(input.ProjectId, input.Region, state);
    }
}

/// <summary>Custom status of the provisioning orchestration.</summary>
public sealed record ProvisioningStatus(string Stage);
