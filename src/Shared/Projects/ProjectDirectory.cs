using Azure;
using Azure.Data.Tables;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Projects;

/// <summary>
/// The global routing table: project name and id -> geography, region, stamp. Both rows of a
/// project live in one partition and are written in one transaction, which also makes names unique.
/// </summary>
public sealed class ProjectDirectory(HubStorage storage)
{
    /// <summary>Table name in the directory's storage.</summary>
    public const string TableName = "ProjectDirectory";

    private const string Partition = "projects";

    /// <summary>Adds a project; false if the name is taken.</summary>
    public async Task<bool> TryAddAsync(DirectoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var batch = new[]
        {
            new TableTransactionAction(TableTransactionActionType.Add, ToEntity(NameKey(entry.Name), entry)),
            new TableTransactionAction(TableTransactionActionType.Add, ToEntity(IdKey(entry.ProjectId), entry)),
        };
        try
        {
            await table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Finds a project by name.</summary>
    public Task<DirectoryEntry?> FindByNameAsync(string name, CancellationToken cancellationToken) =>
        FindAsync(NameKey(name), cancellationToken);

    /// <summary>Finds a project by id.</summary>
    public Task<DirectoryEntry?> FindByIdAsync(string projectId, CancellationToken cancellationToken) =>
        FindAsync(IdKey(projectId), cancellationToken);

    /// <summary>Every project, ordered by name.</summary>
    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter<TableEntity>(e => e.PartitionKey == Partition && e.RowKey.CompareTo("name-") >= 0 && e.RowKey.CompareTo("name.") < 0);
        var result = new List<DirectoryEntry>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result.Add(FromEntity(entity));
        }

        return result;
    }

    /// <summary>Removes a project's rows; succeeds when they are already gone.</summary>
    public async Task RemoveAsync(DirectoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        foreach (var key in new[] { IdKey(entry.ProjectId), NameKey(entry.Name) })
        {
            await table.DeleteEntityAsync(Partition, key, ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<DirectoryEntry?> FindAsync(string rowKey, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) =>
        storage.Directory.TableAsync(TableName, cancellationToken);

    private static string NameKey(string name) => "name-" + name.ToLowerInvariant();

    private static string IdKey(string id) => "id-" + id;

    private static TableEntity ToEntity(string rowKey, DirectoryEntry entry) => new(Partition, rowKey)
    {
        ["ProjectId"] = entry.ProjectId,
        ["Name"] = entry.Name,
        ["Geography"] = entry.Geography,
        ["Region"] = entry.Region,
        ["Stamp"] = entry.Stamp,
    };

    private static DirectoryEntry FromEntity(TableEntity entity) => new(
        entity.GetString("ProjectId"),
        entity.GetString("Name"),
        entity.GetString("Geography"),
        entity.GetString("Region"),
        entity.GetString("Stamp"));
}
