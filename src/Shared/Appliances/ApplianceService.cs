using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Shared.Appliances;

/// <summary>The outcome of an appliance request.</summary>
public abstract record ApplianceOutcome
{
    /// <summary>Done; <paramref name="Credential"/> is set only when a new credential was issued (shown once).</summary>
    public sealed record Done(Appliance Appliance, string? Credential, bool IsNew) : ApplianceOutcome;

    /// <summary>The request was invalid; nothing was stored.</summary>
    public sealed record Invalid(string Field, string Detail) : ApplianceOutcome;

    /// <summary>The project or the appliance does not exist.</summary>
    public sealed record NotFound(string Detail) : ApplianceOutcome;

    /// <summary>The request conflicts with the appliance's state.</summary>
    public sealed record Conflict(string Detail) : ApplianceOutcome;
}

/// <summary>
/// Appliance rules: registration to exactly one project with a source type, a credential issued once
/// and stored only as a salted hash, rotation and revocation, heartbeats and health.
/// </summary>
public sealed class ApplianceService(
    ProjectDirectory directory,
    ApplianceRepository appliances,
    IOptions<ApplianceOptions> options,
    TimeProvider clock,
    ILogger<ApplianceService> logger)
{
    /// <summary>Registers an appliance; repeating the same registration returns it without a new credential.</summary>
    public async Task<ApplianceOutcome> RegisterAsync(string projectName, string applianceName, RegisterApplianceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nameError = ApplianceNames.Validate(applianceName);
        if (nameError is not null)
        {
            return new ApplianceOutcome.Invalid("name", nameError);
        }

        var sourceType = ApplianceSourceTypes.Normalize(request.SourceType);
        if (sourceType is null)
        {
            return new ApplianceOutcome.Invalid(
                "sourceType", $"Unknown source type '{request.SourceType}'. Valid source types: {string.Join(", ", ApplianceSourceTypes.All)}.");
        }

        var project = await directory.FindByNameAsync(projectName, cancellationToken).ConfigureAwait(false);
        if (project is null)
        {
            return ProjectNotFound(projectName);
        }

        var existing = await appliances.GetByNameAsync(project.Region, project.ProjectId, applianceName, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            var id = ApplianceCredentials.NewId();
            var (credential, stored) = ApplianceCredentials.Issue(project.ProjectId, id);
            var now = clock.GetUtcNow();
            var appliance = new Appliance(id, project.ProjectId, applianceName, sourceType, ApplianceHealth.NotConnected, now, null, now, false, null, null, null);
            if (await appliances.TryAddAsync(project.Region, appliance, stored, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("Registered {SourceType} appliance {ApplianceId} to project {ProjectId}", sourceType, id, project.ProjectId);
                return new ApplianceOutcome.Done(appliance, credential, IsNew: true);
            }

            existing = await appliances.GetByNameAsync(project.Region, project.ProjectId, applianceName, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return new ApplianceOutcome.Conflict($"Appliance '{applianceName}' is being registered or deleted by another request.");
            }
        }

        return existing.Appliance.SourceType == sourceType
            ? new ApplianceOutcome.Done(existing.Appliance, null, IsNew: false)
            : new ApplianceOutcome.Conflict(
                $"Appliance '{existing.Appliance.Name}' is already registered with source type {existing.Appliance.SourceType}. Register an appliance with another name for {sourceType}.");
    }

    /// <summary>One appliance of a project.</summary>
    public async Task<ApplianceOutcome> GetAsync(string projectName, string applianceName, CancellationToken cancellationToken)
    {
        var (project, record, missing) = await FindAsync(projectName, applianceName, cancellationToken).ConfigureAwait(false);
        return missing ?? new ApplianceOutcome.Done(record!.Appliance, null, false);
    }

    /// <summary>Every appliance of a project; null when the project does not exist.</summary>
    public async Task<IReadOnlyList<Appliance>?> ListAsync(string projectName, CancellationToken cancellationToken)
    {
        var project = await directory.FindByNameAsync(projectName, cancellationToken).ConfigureAwait(false);
        return project is null ? null : await appliances.ListAsync(project.Region, project.ProjectId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Issues a new credential (shown once); the previous one stops working at once. Re-enables a revoked appliance.</summary>
    public async Task<ApplianceOutcome> RotateCredentialAsync(string projectName, string applianceName, CancellationToken cancellationToken)
    {
        var (project, record, missing) = await FindAsync(projectName, applianceName, cancellationToken).ConfigureAwait(false);
        if (missing is not null)
        {
            return missing;
        }

        var (credential, stored) = ApplianceCredentials.Issue(project!.ProjectId, record!.Appliance.Id);
        var updated = record.Appliance with { CredentialIssuedAt = clock.GetUtcNow(), Revoked = false, RevokedAt = null };
        if (!await appliances.TryReplaceAsync(project.Region, updated, stored, record.ETag, cancellationToken).ConfigureAwait(false))
        {
            return new ApplianceOutcome.Conflict($"Appliance '{applianceName}' changed while its credential was rotated; try again.");
        }

        logger.LogInformation("Rotated the credential of appliance {ApplianceId} of project {ProjectId}", updated.Id, updated.ProjectId);
        return new ApplianceOutcome.Done(updated, credential, IsNew: false);
    }

    /// <summary>Revokes the appliance's credential: it is erased, calls with it answer 401. Rotate to issue a new one.</summary>
    public async Task<ApplianceOutcome> RevokeAsync(string projectName, string applianceName, CancellationToken cancellationToken)
    {
        var (project, record, missing) = await FindAsync(projectName, applianceName, cancellationToken).ConfigureAwait(false);
        if (missing is not null)
        {
            return missing;
        }

        if (record!.Appliance.Revoked)
        {
            return new ApplianceOutcome.Done(record.Appliance, null, false);
        }

        var updated = record.Appliance with { Revoked = true, RevokedAt = clock.GetUtcNow() };
        if (!await appliances.TryReplaceAsync(project!.Region, updated, new StoredCredential([], []), record.ETag, cancellationToken).ConfigureAwait(false))
        {
            return new ApplianceOutcome.Conflict($"Appliance '{applianceName}' changed while it was revoked; try again.");
        }

        logger.LogInformation("Revoked the credential of appliance {ApplianceId} of project {ProjectId}", updated.Id, updated.ProjectId);
        return new ApplianceOutcome.Done(updated, null, false);
    }

    /// <summary>Removes an appliance (its credential stops working).</summary>
    public async Task<ApplianceOutcome> DeleteAsync(string projectName, string applianceName, CancellationToken cancellationToken)
    {
        var (project, record, missing) = await FindAsync(projectName, applianceName, cancellationToken).ConfigureAwait(false);
        if (missing is not null)
        {
            return missing;
        }

        await appliances.DeleteAsync(project!.Region, record!.Appliance, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Deleted appliance {ApplianceId} of project {ProjectId}", record.Appliance.Id, record.Appliance.ProjectId);
        return new ApplianceOutcome.Done(record.Appliance, null, false);
    }

    /// <summary>Records a heartbeat of an authenticated appliance: last seen now, healthy.</summary>
    public async Task<Appliance?> HeartbeatAsync(ApplianceIdentity identity, ApplianceHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(heartbeat);
        var record = await appliances.GetByIdAsync(identity.Region, identity.ProjectId, identity.ApplianceId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var updated = record.Appliance with
        {
            Health = ApplianceHealth.Healthy,
            LastSeen = clock.GetUtcNow(),
            DiscoveredServers = heartbeat.DiscoveredServers ?? record.Appliance.DiscoveredServers,
            AgentVersion = heartbeat.AgentVersion ?? record.Appliance.AgentVersion,
        };
        if (record.Appliance.Health != ApplianceHealth.Healthy)
        {
            logger.LogInformation("Appliance {ApplianceId} of project {ProjectId} is healthy", updated.Id, updated.ProjectId);
        }

        return await appliances.RecordHeartbeatAsync(identity.Region, updated, cancellationToken).ConfigureAwait(false) ? updated : null;
    }

    /// <summary>Marks the region's appliances silent for longer than the configured time as unhealthy; returns them.</summary>
    public async Task<IReadOnlyList<Appliance>> MarkSilentAppliancesAsync(string region, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.UnhealthyAfter;
        var marked = new List<Appliance>();
        foreach (var record in await appliances.ListWatchedAsync(region, cancellationToken).ConfigureAwait(false))
        {
            var lastHeard = record.Appliance.LastSeen ?? record.Appliance.RegisteredAt;
            if (lastHeard < cutoff && await appliances.TrySetHealthAsync(region, record, ApplianceHealth.Unhealthy, cancellationToken).ConfigureAwait(false))
            {
                logger.LogWarning(
                    "Appliance {ApplianceId} of project {ProjectId} is unhealthy: last heard from at {LastHeard}",
                    record.Appliance.Id, record.Appliance.ProjectId, lastHeard);
                marked.Add(record.Appliance with { Health = ApplianceHealth.Unhealthy });
            }
        }

        return marked;
    }

    /// <summary>
    /// For ingestion: whether an appliance may hold <paramref name="serversAfterUpload"/> distinct servers
    /// once an upload is ingested (per-type limit: VMware 10,000, Hyper-V 5,000, Physical/Other 1,000).
    /// </summary>
    public async Task<ServerCountCheck?> CheckServerCountAsync(ApplianceIdentity identity, int serversAfterUpload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var record = await appliances.GetByIdAsync(identity.Region, identity.ProjectId, identity.ApplianceId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : ApplianceLimits.Check(record.Appliance.SourceType, serversAfterUpload);
    }

    private async Task<(DirectoryEntry? Project, ApplianceRecord? Record, ApplianceOutcome? Missing)> FindAsync(
        string projectName, string applianceName, CancellationToken cancellationToken)
    {
        var project = await directory.FindByNameAsync(projectName, cancellationToken).ConfigureAwait(false);
        if (project is null)
        {
            return (null, null, ProjectNotFound(projectName));
        }

        var record = ApplianceNames.Validate(applianceName) is null
            ? await appliances.GetByNameAsync(project.Region, project.ProjectId, applianceName, cancellationToken).ConfigureAwait(false)
            : null;
        return record is null
            ? (project, null, new ApplianceOutcome.NotFound($"Appliance '{applianceName}' is not registered to project '{project.Name}'."))
            : (project, record, null);
    }

    private static ApplianceOutcome.NotFound ProjectNotFound(string projectName) => new($"Project '{projectName}' does not exist.");
}
