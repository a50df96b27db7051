using Microsoft.DurableTask;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Orchestrations.Projects;

/// <summary>Creates the region's containers and tables a project uses (idempotent).</summary>
public sealed class CreateProjectResourcesActivity(HubStorage storage) : TaskActivity<ProvisionProjectRequest, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, ProvisionProjectRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var region = storage.Region(input.Region);
        foreach (var container in ResourceNames.BlobContainers)
        {
            await region.ContainerAsync(container).ConfigureAwait(false);
        }

        await region.TableAsync(ProjectRepository.TableName).ConfigureAwait(false);
        return true;
    }
}

/// <summary>Marks the project provisioned and returns its state.</summary>
public sealed class CompleteProjectProvisioningActivity(ProjectService projects) : TaskActivity<ProvisionProjectRequest, string>
{
    /// <inheritdoc />
    public override async Task<string> RunAsync(TaskActivityContext context, ProvisionProjectRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var project = await projects.MarkProvisionedAsync(input.Region, input.ProjectId, CancellationToken.None).ConfigureAwait(false);
        return project?.ProvisioningState ?? ProvisioningStates.Deleting;
    }
}
