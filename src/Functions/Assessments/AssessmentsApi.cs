using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MigrateHub.Functions.Http;
using MigrateHub.Orchestrations.Assessments;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Assessments;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Assessments;

/// <summary>Assessments of a group: settings, computation (durable orchestration), summary, machines, reports.</summary>
public sealed class AssessmentsApi(ProjectService projects, AssessmentService assessments, AssessmentReports reports, ILogger<AssessmentsApi> logger)
{
    /// <summary>Largest page of assessed machines.</summary>
    public const int MaxTop = 1000;

    private const string Base = "projects/{projectName}/groups/{groupName}/assessments";

    /// <summary>
    /// <c>PUT .../groups/{groupName}/assessments/{assessmentName}</c> with the settings (defaults of
    /// DOMAIN.md §3 for what is left out; <c>targetRegion</c> is required): stores them and starts the
    /// computation; 202 with the check-status links. Optional query <c>batchSize</c> (10-1000) and
    /// <c>batchesInFlight</c> (1-100).
    /// </summary>
    [Function(nameof(PutAssessment))]
    public async Task<IActionResult> PutAssessment(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Base + "/{assessmentName}")] HttpRequest request,
        string projectName,
        string groupName,
        string assessmentName,
        [DurableClient] DurableTaskClient durable,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(durable);
        var ct = request.HttpContext.RequestAborted;
        if (GroupsApi.NameError("assessmentName", assessmentName) is { } nameError)
        {
            return nameError;
        }

        if (RunOptions(request, out var batchSize, out var batchesInFlight) is { } batchError)
        {
            return batchError;
        }

        var (settings, error) = await AssessmentHttp.ReadAsync<AssessmentSettings>(request, ct);
        if (error is not null)
        {
            return error;
        }

        var errors = assessments.ValidateSettings(settings!);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation("Invalid assessment settings.", "Fix the fields listed in 'errors'.", errors);
        }

        var (project, group, notFound) = await FindGroupAsync(projectName, groupName, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        return await StartAsync(durable, context, request, project!, groupName, assessmentName, settings, batchSize, batchesInFlight, ct);
    }

    /// <summary><c>POST .../assessments/{assessmentName}/recalculate</c>: recomputes with the current settings and data; 202 with the links.</summary>
    [Function(nameof(RecalculateAssessment))]
    public async Task<IActionResult> RecalculateAssessment(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Base + "/{assessmentName}/recalculate")] HttpRequest request,
        string projectName,
        string groupName,
        string assessmentName,
        [DurableClient] DurableTaskClient durable,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(durable);
        var ct = request.HttpContext.RequestAborted;
        if (RunOptions(request, out var batchSize, out var batchesInFlight) is { } batchError)
        {
            return batchError;
        }

        var (project, record, notFound) = await FindAssessmentAsync(projectName, groupName, assessmentName, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        return await StartAsync(durable, context, request, project!, groupName, record!.Name, null, batchSize, batchesInFlight, ct);
    }

    /// <summary><c>GET .../assessments/{assessmentName}</c>: settings, status, stale flag, summary.</summary>
    [Function(nameof(GetAssessment))]
    public async Task<IActionResult> GetAssessment(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Base + "/{assessmentName}")] HttpRequest request,
        string projectName,
        string groupName,
        string assessmentName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var (project, record, notFound) = await FindAssessmentAsync(projectName, groupName, assessmentName, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        return new OkObjectResult(await assessments.ViewAsync(project!.Region, project.ProjectId, record!, ct));
    }

    /// <summary><c>GET .../groups/{groupName}/assessments</c>: the group's assessments (no stale check).</summary>
    [Function(nameof(ListAssessments))]
    public async Task<IActionResult> ListAssessments(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Base)] HttpRequest request,
        string projectName,
        string groupName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var (project, _, notFound) = await FindGroupAsync(projectName, groupName, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        var list = await assessments.Store.ListAssessmentsAsync(project!.Region, project.ProjectId, groupName, ct);
        return new OkObjectResult(new
        {
            value = list.Select(a => new { a.Group, a.Name, a.Settings, a.Status, a.Summary, a.CreatedAt, a.StartedAt, a.ComputedAt, a.Error }),
        });
    }

    /// <summary><c>DELETE .../assessments/{assessmentName}</c>: the assessment, its results and reports.</summary>
    [Function(nameof(DeleteAssessment))]
    public async Task<IActionResult> DeleteAssessment(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Base + "/{assessmentName}")] HttpRequest request,
        string projectName,
        string groupName,
        string assessmentName,
        [DurableClient] DurableTaskClient durable)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(durable);
        var ct = request.HttpContext.RequestAborted;
        var (project, record, notFound) = await FindAssessmentAsync(projectName, groupName, assessmentName, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        var instanceId = AssessmentKeys.InstanceId(project!.ProjectId, groupName, record!.Name);
        if (await IsRunningAsync(durable, instanceId, ct))
        {
            await durable.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions { Output = "Assessment deleted." }, ct);
        }

        await assessments.Store.DeleteAssessmentAsync(project.Region, project.ProjectId, groupName, record.Name, ct);
        return new NoContentResult();
    }

    /// <summary><c>GET .../assessments/{assessmentName}/assessedMachines?top=100&amp;continuationToken=...</c>.</summary>
    [Function(nameof(ListAssessedMachines))]
    public async Task<IActionResult> ListAssessedMachines(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Base + "/{assessmentName}/assessedMachines")] HttpRequest request,
        string projectName,
        string groupName,
        string assessmentName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var top = 100;
        if (request.Query["top"].FirstOrDefault() is { } t && (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > MaxTop))
        {
            return ApiProblems.Validation("Invalid query.", "Fix the query parameters listed in 'errors'.",
                new Dictionary<string, string[]> { ["top"] = [$"'top' is a whole number from 1 to {MaxTop}."] });
        }

        var (project, record, notFound) = await FindAssessmentAsync(projectName, groupName, assessmentName, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        try
        {
            return new OkObjectResult(await assessments.PageMachinesAsync(project!.Region, project.ProjectId, record!, top, request.Query["continuationToken"].FirstOrDefault(), ct));
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 400)
        {
            return ApiProblems.Validation("Invalid continuation token.", "Pass back the token of the previous page unchanged.",
                new Dictionary<string, string[]> { ["continuationToken"] = ["Not a token this API returned."] });
        }
    }

    /// <summary><c>GET .../assessments/{assessmentName}/report?format=xlsx|csv</c> (default xlsx).</summary>
    [Function(nameof(GetAssessmentReport))]
    public async Task<IActionResult> GetAssessmentReport(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Base + "/{assessmentName}/report")] HttpRequest request,
        string projectName,
        string groupName,
        string assessmentName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var format = (request.Query["format"].FirstOrDefault() ?? ReportFormats.Xlsx).ToLowerInvariant();
        if (!ReportFormats.All.Contains(format))
        {
            return ApiProblems.Validation("Invalid query.", "Fix the query parameters listed in 'errors'.",
                new Dictionary<string, string[]> { ["format"] = [$"Unknown format '{format}': use xlsx or csv."] });
        }

        var (project, record, notFound) = await FindAssessmentAsync(projectName, groupName, assessmentName, ct);
        if (notFound is not null)
        {
            return notFound;
        }

        var stream = await reports.OpenAsync(project!.Region, project.ProjectId, record!, format, ct);
        if (stream is null)
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "No results yet.",
                $"Assessment '{assessmentName}' has no completed computation yet (status {record!.Status}); wait for it to complete.");
        }

        return new FileStreamResult(stream, ReportFormats.ContentType(format)) { FileDownloadName = $"{groupName}-{assessmentName}.{format}" };
    }

    private async Task<IActionResult> StartAsync(
        DurableTaskClient durable, FunctionContext context, HttpRequest request, DirectoryEntry project, string group, string name,
        AssessmentSettings? settings, int batchSize, int batchesInFlight, CancellationToken ct)
    {
        var instanceId = AssessmentKeys.InstanceId(project.ProjectId, group, name);
        if (await IsRunningAsync(durable, instanceId, ct))
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "Computation in progress.",
                $"Assessment '{name}' is being computed; wait for it to finish (see the status link), then change or recalculate it.",
                new Dictionary<string, object?> { ["statusQueryGetUri"] = (await DurableHttpLinks.CreateAsync(durable, context, instanceId)).StatusQueryGetUri });
        }

        var run = await assessments.StartAsync(project.Region, project.ProjectId, group, name, settings, batchSize, ct, batchesInFlight);
        await durable.ScheduleNewOrchestrationInstanceAsync(nameof(RunAssessmentOrchestrator), run, new StartOrchestrationOptions(instanceId), ct);
        logger.LogInformation("Started assessment {AssessmentId} of project {ProjectId}, run {RunId}", AssessmentKeys.AssessmentId(group, name), project.ProjectId, run.RunId);
        var links = await DurableHttpLinks.CreateAsync(durable, context, instanceId);
        DurableHttpLinks.AddLocation(request.HttpContext.Response, links, TimeSpan.FromSeconds(2));
        var record = await assessments.Store.GetAssessmentAsync(project.Region, project.ProjectId, group, name, ct);
        return new ObjectResult(new { assessment = await assessments.ViewAsync(project.Region, project.ProjectId, record!, ct), runId = run.RunId, links })
        {
            StatusCode = StatusCodes.Status202Accepted,
        };
    }

    private static async Task<bool> IsRunningAsync(DurableTaskClient durable, string instanceId, CancellationToken ct)
    {
        var instance = await durable.GetInstanceAsync(instanceId, false, ct);
        return instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended };
    }

    private static IActionResult? RunOptions(HttpRequest request, out int batchSize, out int batchesInFlight)
    {
        batchSize = AssessmentRunRequest.DefaultBatchSize;
        batchesInFlight = AssessmentRunRequest.DefaultBatchesInFlight;
        var errors = new Dictionary<string, string[]>();
        if (request.Query["batchSize"].FirstOrDefault() is { } b && (!int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out batchSize) || batchSize is < 10 or > 1000))
        {
            errors["batchSize"] = ["'batchSize' is a whole number from 10 to 1000."];
        }

        if (request.Query["batchesInFlight"].FirstOrDefault() is { } f && (!int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out batchesInFlight) || batchesInFlight is < 1 or > 100))
        {
            errors["batchesInFlight"] = ["'batchesInFlight' is a whole number from 1 to 100."];
        }

        return errors.Count == 0 ? null : ApiProblems.Validation("Invalid query.", "Fix the query parameters listed in 'errors'.", errors);
    }

    private async Task<(DirectoryEntry? Project, Group? Group, IActionResult? NotFound)> FindGroupAsync(string projectName, string groupName, CancellationToken ct)
    {
        var project = await projects.FindAsync(projectName, ct);
        if (project is null)
        {
            return (null, null, ApiProblems.NotFound($"Project '{projectName}' does not exist."));
        }

        var group = AssessmentKeys.IsValidName(groupName) ? await assessments.Store.GetGroupAsync(project.Region, project.ProjectId, groupName, ct) : null;
        return group is null ? (project, null, ApiProblems.NotFound($"Group '{groupName}' of project '{projectName}' does not exist.")) : (project, group, null);
    }

    private async Task<(DirectoryEntry? Project, AssessmentRecord? Record, IActionResult? NotFound)> FindAssessmentAsync(string projectName, string groupName, string assessmentName, CancellationToken ct)
    {
        var (project, group, notFound) = await FindGroupAsync(projectName, groupName, ct);
        if (notFound is not null)
        {
            return (project, null, notFound);
        }

        var record = AssessmentKeys.IsValidName(assessmentName) ? await assessments.Store.GetAssessmentAsync(project!.Region, project.ProjectId, group!.Name, assessmentName, ct) : null;
        return record is null
            ? (project, null, ApiProblems.NotFound($"Assessment '{assessmentName}' of group '{groupName}' in project '{projectName}' does not exist."))
            : (project, record, null);
    }
}
