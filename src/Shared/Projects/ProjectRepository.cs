using Azure;
using Azure.Data.Tables;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Projects;

/// <summary>
/// Projects in their region's storage. Every regional table is partitioned by project id, so that a
/// project's data can be found (and deleted) by partition.
/// </summary>
public sealed class ProjectRepository(HubStorage storage)
{
    /// <summary>Table name in each region's storage.</summary>
    public const string TableName = "Projects";

    private const string Row = "project";

    /// <summary>Writes a new project; false if one with the same id exists.</summary>
    public async Task<bool> TryAddAsync(Project project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        var table = await TableAsync(project.Region, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(ToEntity(project), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Reads a project from its region.</summary>
    public async Task<Project?> GetAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(projectId, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Replaces a project's stored state.</summary>
    public async Task UpdateAsync(Project project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        var table = await TableAsync(project.Region, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(ToEntity(project), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Projects of a region in a given provisioning state.</summary>
    public async Task<IReadOnlyList<Project>> ListByStateAsync(string region, string state, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter<TableEntity>(e => e.RowKey == Row && e.GetString("ProvisioningState") == state);
        var result = new List<Project>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result.Add(FromEntity(entity));
        }

        return result;
    }

    private Task<TableClient> TableAsync(string region, CancellationToken cancellationToken) =>
        storage.Region(region).TableAsync(TableName, cancellationToken);

    private static TableEntity ToEntity(Project project) => new(project.Id, Row)
    {
        ["Name"] = project.Name,
        ["Geography"] = project.Geography,
        ["Region"] = project.Region,
        ["ProvisioningState"] = project.ProvisioningState,
        ["CreatedAt"] = project.CreatedAt,
        ["ProvisionedAt"] = project.ProvisionedAt,
    };

    private static Project FromEntity(TableEntity entity) => new(
        entity.PartitionKey,
        entity.GetString("Name"),
        entity.GetString("Geography"),
        entity.GetString("Region"),
        entity.GetString("ProvisioningState"),
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset("ProvisionedAt"));
}
