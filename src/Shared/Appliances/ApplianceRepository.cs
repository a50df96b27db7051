using Azure;
using Azure.Data.Tables;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Appliances;

/// <summary>An appliance with what is stored of its credential and the row's version.</summary>
public sealed record ApplianceRecord(Appliance Appliance, StoredCredential Credential, ETag ETag);

/// <summary>
/// Appliances in their project's region, table <c>Appliances</c>, partition = project id (so that
/// project delete and residency checks find them). Two rows per appliance, written together:
/// <c>id-{applianceId}</c> (the appliance) and <c>name-{lowercase name}</c> (makes names unique per project).
/// </summary>
public sealed class ApplianceRepository(HubStorage storage)
{
    /// <summary>Table name in each region's storage.</summary>
    public const string TableName = "Appliances";

    private const string IdPrefix = "id-";
    private const string NamePrefix = "name-";

    /// <summary>Adds an appliance; false if the name is taken in the project.</summary>
    public async Task<bool> TryAddAsync(string region, Appliance appliance, StoredCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var nameRow = new TableEntity(appliance.ProjectId, NameKey(appliance.Name)) { ["ApplianceId"] = appliance.Id };
        try
        {
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, nameRow),
                    new TableTransactionAction(TableTransactionActionType.Add, ToEntity(appliance, credential)),
                ],
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>An appliance by name.</summary>
    public async Task<ApplianceRecord?> GetByNameAsync(string region, string projectId, string name, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var nameRow = await table.GetEntityIfExistsAsync<TableEntity>(projectId, NameKey(name), cancellationToken: cancellationToken).ConfigureAwait(false);
        return nameRow.HasValue
            ? await GetByIdAsync(region, projectId, nameRow.Value!.GetString("ApplianceId"), cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>An appliance by id.</summary>
    public async Task<ApplianceRecord?> GetByIdAsync(string region, string projectId, string applianceId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(projectId, IdPrefix + applianceId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Every appliance of a project, by name.</summary>
    public async Task<IReadOnlyList<Appliance>> ListAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter<TableEntity>(e => e.PartitionKey == projectId && e.RowKey.CompareTo(IdPrefix) >= 0 && e.RowKey.CompareTo("id.") < 0);
        var result = new List<Appliance>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result.Add(FromEntity(entity).Appliance);
        }

        return result.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Appliances of every project in a region that are not yet marked unhealthy nor revoked.</summary>
    public async Task<IReadOnlyList<ApplianceRecord>> ListWatchedAsync(string region, CancellationToken cancellationToken)
    {
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter<TableEntity>(
            e => e.RowKey.CompareTo(IdPrefix) >= 0 && e.RowKey.CompareTo("id.") < 0 && e.GetString("Health") != ApplianceHealth.Unhealthy && e.GetBoolean("Revoked") == false);
        var result = new List<ApplianceRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result.Add(FromEntity(entity));
        }

        return result;
    }

    /// <summary>Replaces an appliance and its credential if the row is unchanged since it was read; false otherwise.</summary>
    public async Task<bool> TryReplaceAsync(string region, Appliance appliance, StoredCredential credential, ETag ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(ToEntity(appliance, credential), ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Records a heartbeat (merge; fails quietly if the appliance was deleted meanwhile).</summary>
    public async Task<bool> RecordHeartbeatAsync(string region, Appliance appliance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(appliance.ProjectId, IdPrefix + appliance.Id)
        {
            ["Health"] = appliance.Health,
            ["LastSeen"] = appliance.LastSeen,
            ["DiscoveredServers"] = appliance.DiscoveredServers,
            ["AgentVersion"] = appliance.AgentVersion,
        };
        try
        {
            await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Sets an appliance's health if the row is unchanged since it was read.</summary>
    public async Task<bool> TrySetHealthAsync(string region, ApplianceRecord record, string health, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(record.Appliance.ProjectId, IdPrefix + record.Appliance.Id) { ["Health"] = health };
        try
        {
            await table.UpdateEntityAsync(entity, record.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Removes an appliance's rows; succeeds when they are already gone.</summary>
    public async Task DeleteAsync(string region, Appliance appliance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var table = await TableAsync(region, cancellationToken).ConfigureAwait(false);
        await table.DeleteEntityAsync(appliance.ProjectId, IdPrefix + appliance.Id, ETag.All, cancellationToken).ConfigureAwait(false);
        await table.DeleteEntityAsync(appliance.ProjectId, NameKey(appliance.Name), ETag.All, cancellationToken).ConfigureAwait(false);
    }

    private Task<TableClient> TableAsync(string region, CancellationToken cancellationToken) =>
        storage.Region(region).TableAsync(TableName, cancellationToken);

    private static string NameKey(string name) => NamePrefix + name.ToLowerInvariant();

    private static TableEntity ToEntity(Appliance appliance, StoredCredential credential) => new(appliance.ProjectId, IdPrefix + appliance.Id)
    {
        ["ApplianceId"] = appliance.Id,
        ["Name"] = appliance.Name,
        ["SourceType"] = appliance.SourceType,
        ["Health"] = appliance.Health,
        ["RegisteredAt"] = appliance.RegisteredAt,
        ["LastSeen"] = appliance.LastSeen,
        ["CredentialIssuedAt"] = appliance.CredentialIssuedAt,
        ["Revoked"] = appliance.Revoked,
        ["RevokedAt"] = appliance.RevokedAt,
        ["DiscoveredServers"] = appliance.DiscoveredServers,
        ["AgentVersion"] = appliance.AgentVersion,
        ["CredentialSalt"] = credential.Salt,
        ["CredentialHash"] = credential.Hash,
    };

    private static ApplianceRecord FromEntity(TableEntity entity) => new(
        new Appliance(
            entity.GetString("ApplianceId"),
            entity.PartitionKey,
            entity.GetString("Name"),
            entity.GetString("SourceType"),
            entity.GetString("Health"),
            entity.GetDateTimeOffset("RegisteredAt") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("LastSeen"),
            entity.GetDateTimeOffset("CredentialIssuedAt") ?? DateTimeOffset.MinValue,
            entity.GetBoolean("Revoked") ?? false,
            entity.GetDateTimeOffset("RevokedAt"),
            entity.GetInt32("DiscoveredServers"),
            entity.GetString("AgentVersion")),
        new StoredCredential(entity.GetBinary("CredentialSalt") ?? [], entity.GetBinary("CredentialHash") ?? []),
        entity.ETag);
}
