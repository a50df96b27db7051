using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MigrateHub.Functions.Http;
using MigrateHub.Orchestrations.Projects;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Projects;

/// <summary>Create, read, list and delete projects.</summary>
public sealed class ProjectsApi(ProjectService projects, ILogger<ProjectsApi> logger)
{
    /// <summary>
    /// <c>PUT /api/projects/{projectName}</c> with <c>{"geography": "Europe", "preferredRegion": null}</c>:
    /// creates the project in a region of the geography and starts its provisioning (202 with the
    /// orchestration's status links). Repeating the call returns the same project.
    /// </summary>
    [Function(nameof(CreateProject))]
    public async Task<IActionResult> CreateProject(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "projects/{projectName}")] HttpRequest request,
        string projectName,
        [DurableClient] DurableTaskClient durable,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        ArgumentNullException.ThrowIfNull(durable);
        var cancellationToken = request.HttpContext.RequestAborted;
        var (body, error) = await RequestBody.ReadAsync<CreateProjectRequest>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var outcome = await projects.CreateAsync(projectName, body!, cancellationToken);
        switch (outcome)
        {
            case CreateProjectOutcome.Invalid invalid:
                return ApiProblems.Validation(invalid.Title, invalid.Detail, invalid.Errors);
            case CreateProjectOutcome.Conflict conflict:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "Conflict.", conflict.Detail);
        }

        var created = (CreateProjectOutcome.Created)outcome;
        var project = created.Project;
        var instanceId = ProvisionProjectOrchestrator.InstanceId(project.Id);
        if (created.IsNew || project.ProvisioningState == ProvisioningStates.Provisioning)
        {
            await StartProvisioningAsync(durable, project, cancellationToken);
        }

        if (created.IsNew)
        {
            logger.LogInformation("Created project {ProjectId} in {Geography}/{Region}", project.Id, project.Geography, project.Region);
        }

        var links = await DurableHttpLinks.CreateAsync(durable, context, instanceId);
        DurableHttpLinks.AddLocation(request.HttpContext.Response, links, TimeSpan.FromSeconds(2));
        return new ObjectResult(new CreatedProjectView(ProjectView.From(project), links))
        {
            StatusCode = project.ProvisioningState == ProvisioningStates.Provisioning ? StatusCodes.Status202Accepted : StatusCodes.Status200OK,
        };
    }

    /// <summary><c>GET /api/projects/{projectName}</c>: the project, read from its region.</summary>
    [Function(nameof(GetProject))]
    public async Task<IActionResult> GetProject(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}")] HttpRequest request,
        string projectName)
    {
        var found = await ProjectLookup.FindAsync(projects, request, projectName);
        return found.Failed ? found.Problem : new OkObjectResult(ProjectView.From(found.Project));
    }

    /// <summary><c>GET /api/projects</c>: every project's routing facts (name, geography, region).</summary>
    [Function(nameof(ListProjects))]
    public async Task<IActionResult> ListProjects(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        var entries = await projects.ListAsync(request.HttpContext.RequestAborted);
        return new OkObjectResult(new Page<ProjectListItem>(entries.Select(ProjectListItem.From).ToList(), null));
    }

    /// <summary>
    /// <c>DELETE /api/projects/{projectName}</c>: removes everything the project owns in its region
    /// (tables, blobs, orchestration instances and their history) and its directory entry.
    /// </summary>
    [Function(nameof(DeleteProject))]
    public async Task<IActionResult> DeleteProject(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "projects/{projectName}")] HttpRequest request,
        string projectName,
        [DurableClient] DurableTaskClient durable)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        ArgumentNullException.ThrowIfNull(durable);
        var cancellationToken = request.HttpContext.RequestAborted;
        var entry = await projects.FindAsync(projectName, cancellationToken);
        if (entry is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        await ProjectInstances.TerminateAndPurgeAsync(durable, entry.ProjectId, cancellationToken);
        await projects.DeleteAsync(entry, cancellationToken);
        logger.LogInformation("Deleted project {ProjectId} from {Region}", entry.ProjectId, entry.Region);
        return new NoContentResult();
    }

    internal static async Task StartProvisioningAsync(DurableTaskClient durable, Project project, CancellationToken cancellationToken)
    {
        var instanceId = ProvisionProjectOrchestrator.InstanceId(project.Id);
        var existing = await durable.GetInstanceAsync(instanceId, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Completed })
        {
            return;
        }

        await durable.ScheduleNewOrchestrationInstanceAsync(
            nameof(ProvisionProjectOrchestrator),
            new ProvisionProjectRequest(project.Id, project.Region),
            new StartOrchestrationOptions(instanceId),
            cancellationToken);
    }
}
