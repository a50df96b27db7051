using Azure.Data.Tables;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Projects;

/// <summary>The outcome of a create request.</summary>
public abstract record CreateProjectOutcome
{
    /// <summary>Created (or the same request repeated): provisioning may still be running.</summary>
    public sealed record Created(Project Project, bool IsNew) : CreateProjectOutcome;

    /// <summary>The request was invalid; nothing was stored.</summary>
    public sealed record Invalid(string Title, string Detail, IReadOnlyDictionary<string, string[]> Errors) : CreateProjectOutcome;

    /// <summary>A project of that name exists with other settings.</summary>
    public sealed record Conflict(string Detail) : CreateProjectOutcome;
}

/// <summary>
/// Project rules: creation in a geography with an allocated region (data residency), reads routed
/// through the directory to the project's region, and delete of everything the project owns there.
/// </summary>
public sealed class ProjectService(HubStorage storage, ProjectDirectory directory, ProjectRepository projects, TimeProvider clock)
{
    /// <summary>Creates a project. Repeating the same request returns the existing project.</summary>
    public async Task<CreateProjectOutcome> CreateAsync(string name, CreateProjectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nameError = ProjectNames.Validate(name);
        if (nameError is not null)
        {
            return Invalid("name", nameError);
        }

        var geography = Geographies.Find(request.Geography);
        if (geography is null)
        {
            return Invalid(
                "geography",
                $"Unknown geography '{request.Geography}'. Valid geographies: {string.Join(", ", Geographies.All.Select(g => g.Name))}.");
        }

        var existing = await directory.FindByNameAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return await SameRequestAsync(existing, geography, request, cancellationToken).ConfigureAwait(false);
        }

        var projectId = Guid.NewGuid().ToString("N");
        var allocation = RegionAllocator.Allocate(projectId, geography, storage.HostedRegions, request.PreferredRegion);
        if (allocation.Region is null)
        {
            return Invalid("preferredRegion", allocation.Error!);
        }

        var project = new Project(projectId, name, geography.Name, allocation.Region, ProvisioningStates.Provisioning, clock.GetUtcNow(), null);

        // The region is written first: if it is down, the caller gets 503 and nothing is stored.
        await projects.TryAddAsync(project, cancellationToken).ConfigureAwait(false);
        var entry = new DirectoryEntry(projectId, name, geography.Name, allocation.Region, StampOf(allocation.Region));
        if (!await directory.TryAddAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            // Lost a race for the name: remove what we wrote in the region.
            await DeleteRegionalDataAsync(project.Region, project.Id, cancellationToken).ConfigureAwait(false);
            var winner = await directory.FindByNameAsync(name, cancellationToken).ConfigureAwait(false);
            return winner is null
                ? new CreateProjectOutcome.Conflict($"Project '{name}' is being created by another request.")
                : await SameRequestAsync(winner, geography, request, cancellationToken).ConfigureAwait(false);
        }

        return new CreateProjectOutcome.Created(project, IsNew: true);
    }

    /// <summary>Finds a project by name, reading its details from its region.</summary>
    public async Task<Project?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var entry = await directory.FindByNameAsync(name, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : await projects.GetAsync(entry.Region, entry.ProjectId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every project's directory entry (routing facts; details need a read in each region).</summary>
    public Task<IReadOnlyList<DirectoryEntry>> ListAsync(CancellationToken cancellationToken) =>
        directory.ListAsync(cancellationToken);

    /// <summary>Finds a project's directory entry by name.</summary>
    public Task<DirectoryEntry?> FindAsync(string name, CancellationToken cancellationToken) =>
        directory.FindByNameAsync(name, cancellationToken);

    /// <summary>Marks a project provisioned (idempotent).</summary>
    public async Task<Project?> MarkProvisionedAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var project = await projects.GetAsync(region, projectId, cancellationToken).ConfigureAwait(false);
        if (project is null || project.ProvisioningState == ProvisioningStates.Succeeded)
        {
            return project;
        }

        var updated = project with { ProvisioningState = ProvisioningStates.Succeeded, ProvisionedAt = clock.GetUtcNow() };
        await projects.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>
    /// Deletes every table entity and blob of the project in its region, then its directory entry.
    /// Orchestration instances are purged by the caller (it holds the durable client).
    /// </summary>
    public async Task DeleteAsync(DirectoryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await DeleteRegionalDataAsync(entry.Region, entry.ProjectId, cancellationToken).ConfigureAwait(false);
        await directory.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the project's rows from every table of the region (partition key = project id, or
    /// starting with "{projectId}_") and its blobs (names starting with "{projectId}/").
    /// </summary>
    public async Task DeleteRegionalDataAsync(string region, string projectId, CancellationToken cancellationToken)
    {
        var regionStorage = storage.Region(region);
        await foreach (var table in regionStorage.Tables.QueryAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var client = regionStorage.Tables.GetTableClient(table.Name);
            var prefix = projectId + "_";
            var filter = TableClient.CreateQueryFilter<TableEntity>(
                e => e.PartitionKey == projectId || (e.PartitionKey.CompareTo(prefix) >= 0 && e.PartitionKey.CompareTo(projectId + "`") < 0));
            var batches = new Dictionary<string, List<TableTransactionAction>>(StringComparer.Ordinal);
            await foreach (var entity in client.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!batches.TryGetValue(entity.PartitionKey, out var batch))
                {
                    batches[entity.PartitionKey] = batch = [];
                }

                batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, entity, Azure.ETag.All));
                if (batch.Count == 100)
                {
                    await client.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            foreach (var batch in batches.Values.Where(b => b.Count > 0))
            {
                await client.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }

        await foreach (var container in regionStorage.Blobs.GetBlobContainersAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var client = regionStorage.Blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, projectId + "/", cancellationToken).ConfigureAwait(false))
            {
                await client.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The stamp that serves a region (one stamp per region).</summary>
    public static string StampOf(string region) => "stamp-" + region;

    private async Task<CreateProjectOutcome> SameRequestAsync(
        DirectoryEntry existing, Geography geography, CreateProjectRequest request, CancellationToken cancellationToken)
    {
        var sameGeography = string.Equals(existing.Geography, geography.Name, StringComparison.OrdinalIgnoreCase);
        var sameRegion = string.IsNullOrWhiteSpace(request.PreferredRegion)
            || string.Equals(existing.Region, request.PreferredRegion.Trim(), StringComparison.OrdinalIgnoreCase);
        if (!sameGeography || !sameRegion)
        {
            return new CreateProjectOutcome.Conflict(
                $"Project '{existing.Name}' already exists in geography '{existing.Geography}', region '{existing.Region}'. " +
                "A project cannot be moved: create a new project with another name in the desired geography or region.");
        }

        var project = await projects.GetAsync(existing.Region, existing.ProjectId, cancellationToken).ConfigureAwait(false);
        return project is null
            ? new CreateProjectOutcome.Conflict($"Project '{existing.Name}' is being created or deleted by another request.")
            : new CreateProjectOutcome.Created(project, IsNew: false);
    }

    private static CreateProjectOutcome.Invalid Invalid(string field, string message) =>
        new("The project request is invalid.", message, new Dictionary<string, string[]> { [field] = [message] });
}
