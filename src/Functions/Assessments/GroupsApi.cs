using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Assessments;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Assessments;

/// <summary>Groups of servers (by list or filter) that assessments are made for.</summary>
public sealed class GroupsApi(ProjectService projects, AssessmentService assessments)
{
    /// <summary>
    /// <c>PUT /api/projects/{projectName}/groups/{groupName}</c> with <c>{ "machines": [ids] }</c> or
    /// <c>{ "filter": { "sourceType", "os", "powerState", "applianceName" } }</c>: creates or replaces the group.
    /// </summary>
    [Function(nameof(PutGroup))]
    public async Task<IActionResult> PutGroup(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "projects/{projectName}/groups/{groupName}")] HttpRequest request,
        string projectName,
        string groupName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        if (NameError("groupName", groupName) is { } nameError)
        {
            return nameError;
        }

        var (body, error) = await AssessmentHttp.ReadAsync<GroupRequest>(request, ct);
        if (error is not null)
        {
            return error;
        }

        var errors = AssessmentService.ValidateGroup(body!, out var normalized);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation("Invalid group.", "Fix the fields listed in 'errors'.", errors);
        }

        var project = await projects.FindAsync(projectName, ct);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var existed = await assessments.Store.GetGroupAsync(project.Region, project.ProjectId, groupName, ct) is not null;
        var group = await assessments.PutGroupAsync(project.Region, project.ProjectId, groupName, normalized, ct);
        return new ObjectResult(group) { StatusCode = existed ? StatusCodes.Status200OK : StatusCodes.Status201Created };
    }

    /// <summary><c>GET /api/projects/{projectName}/groups/{groupName}</c>: the group, with the server ids of a list group.</summary>
    [Function(nameof(GetGroup))]
    public async Task<IActionResult> GetGroup(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/groups/{groupName}")] HttpRequest request,
        string projectName,
        string groupName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var project = await projects.FindAsync(projectName, ct);
        var group = project is null || !AssessmentKeys.IsValidName(groupName) ? null : await assessments.Store.GetGroupAsync(project.Region, project.ProjectId, groupName, ct);
        if (group is null)
        {
            return ApiProblems.NotFound($"Group '{groupName}' of project '{projectName}' does not exist.");
        }

        var machines = group.Kind == "List" ? await assessments.Store.ListMembersAsync(project!.Region, project.ProjectId, groupName, ct) : null;
        var assessmentNames = (await assessments.Store.ListAssessmentsAsync(project!.Region, project.ProjectId, groupName, ct)).Select(a => a.Name).ToList();
        return new OkObjectResult(new { group.Name, group.Kind, group.Filter, machineIds = machines, machines = group.Machines, assessments = assessmentNames, group.CreatedAt, group.UpdatedAt });
    }

    /// <summary><c>GET /api/projects/{projectName}/groups</c>.</summary>
    [Function(nameof(ListGroups))]
    public async Task<IActionResult> ListGroups(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/groups")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var project = await projects.FindAsync(projectName, ct);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        return new OkObjectResult(new { value = await assessments.Store.ListGroupsAsync(project.Region, project.ProjectId, ct) });
    }

    /// <summary><c>DELETE /api/projects/{projectName}/groups/{groupName}</c>: the group and its assessments (results and reports too).</summary>
    [Function(nameof(DeleteGroup))]
    public async Task<IActionResult> DeleteGroup(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "projects/{projectName}/groups/{groupName}")] HttpRequest request,
        string projectName,
        string groupName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var project = await projects.FindAsync(projectName, ct);
        var group = project is null || !AssessmentKeys.IsValidName(groupName) ? null : await assessments.Store.GetGroupAsync(project.Region, project.ProjectId, groupName, ct);
        if (group is null)
        {
            return ApiProblems.NotFound($"Group '{groupName}' of project '{projectName}' does not exist.");
        }

        await assessments.DeleteGroupAsync(project!.Region, project.ProjectId, groupName, ct);
        return new NoContentResult();
    }

    /// <summary>The 400 for an invalid group or assessment name, or null.</summary>
    internal static IActionResult? NameError(string field, string name) =>
        AssessmentKeys.IsValidName(name)
            ? null
            : ApiProblems.Validation("Invalid name.", "Fix the fields listed in 'errors'.", new Dictionary<string, string[]>
            {
                [field] = [$"'{name}' is not a valid name: 1-{AssessmentKeys.MaxNameLength} letters, digits, '.', '-' or '_', starting with a letter or digit."],
            });
}
