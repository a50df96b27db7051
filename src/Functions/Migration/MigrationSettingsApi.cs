using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using MigrateHub.Functions.Http;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Migration;

/// <summary>
/// A project's migration settings: how many servers replicate at once per appliance (the hub's default,
/// <c>MigrateHub:Migration:MaxConcurrentReplicationsPerAppliance</c>, is 300 as in Azure Migrate). Servers enabled
/// beyond it queue (<c>replicationQueuePosition</c>); a change applies to queued servers at their next check.
/// </summary>
public sealed class MigrationSettingsApi(ProjectService projects, ReplicationSlots slots, IOptions<LifecycleOptions> lifecycleOptions)
{
    /// <summary>Highest limit accepted.</summary>
    public const int MaxLimit = 10_000;

    /// <summary><c>GET /api/projects/{projectName}/migrationSettings</c>.</summary>
    [Function(nameof(GetMigrationSettings))]
    public async Task<IActionResult> GetMigrationSettings(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/migrationSettings")] HttpRequest request, string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var own = await slots.GetProjectLimitAsync(project.Region, project.ProjectId, request.HttpContext.RequestAborted);
        return new OkObjectResult(View(own));
    }

    /// <summary><c>PUT /api/projects/{projectName}/migrationSettings</c> with <c>{"maxConcurrentReplicationsPerAppliance": n}</c> (null: the hub's default).</summary>
    [Function(nameof(PutMigrationSettings))]
    public async Task<IActionResult> PutMigrationSettings(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "projects/{projectName}/migrationSettings")] HttpRequest request, string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var (body, error) = await RequestBody.ReadAsync<MigrationSettingsBody>(request, ct);
        if (error is not null)
        {
            return error;
        }

        if (body!.MaxConcurrentReplicationsPerAppliance is < 1 or > MaxLimit)
        {
            return ApiProblems.Validation("Invalid migration settings.", $"'maxConcurrentReplicationsPerAppliance' is 1 to {MaxLimit}, or null for the hub's default.",
                new Dictionary<string, string[]> { ["maxConcurrentReplicationsPerAppliance"] = [$"1 to {MaxLimit}, or null."] });
        }

        var project = await projects.FindAsync(projectName, ct);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        await slots.SetProjectLimitAsync(project.Region, project.ProjectId, body.MaxConcurrentReplicationsPerAppliance, ct);
        return new OkObjectResult(View(body.MaxConcurrentReplicationsPerAppliance));
    }

    private object View(int? own) => new
    {
        maxConcurrentReplicationsPerAppliance = own ?? lifecycleOptions.Value.MaxConcurrentReplicationsPerAppliance,
        projectValue = own,
        hubDefault = lifecycleOptions.Value.MaxConcurrentReplicationsPerAppliance,
    };
}
