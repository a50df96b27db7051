using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Projects;

/// <summary>
/// Requests the hub refuses by rule: moving a project (to another region, resource group or
/// subscription) and anything addressed to a classic project.
/// </summary>
public sealed class ProjectRulesApi(ProjectService projects)
{
    /// <summary>What a move request is told.</summary>
    public const string MoveNotSupported = "Moving a project is not supported: create a new project in the desired region.";

    private static readonly string[] MoveFields =
    [
        "location", "region", "preferredRegion", "geography", "resourceGroup", "resourceGroupName", "resourceGroupId",
        "subscription", "subscriptionId", "targetRegion", "targetResourceGroup", "targetResourceGroupId", "targetSubscriptionId",
    ];

    /// <summary>
    /// <c>PATCH /api/projects/{projectName}</c>: a project has nothing a caller may change. A body that
    /// changes its region, geography, resource group or subscription answers 400 (move not supported,
    /// the fields named); any other field answers 400 as read-only; an empty change returns the project.
    /// </summary>
    [Function(nameof(UpdateProject))]
    public async Task<IActionResult> UpdateProject(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "projects/{projectName}")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        var (body, error) = await RequestBody.ReadAsync<JsonObject>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var project = await projects.GetAsync(projectName, cancellationToken);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var moves = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var readOnly = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (path, value) in Fields(body!))
        {
            var field = path[(path.LastIndexOf('.') + 1)..];
            if (MoveFields.Contains(field, StringComparer.OrdinalIgnoreCase))
            {
                if (!Unchanged(project, field, value))
                {
                    moves[path] = [MoveNotSupported];
                }
            }
            else
            {
                readOnly[path] = [$"'{path}' cannot be changed."];
            }
        }

        if (moves.Count > 0)
        {
            return MoveProblem(project, moves);
        }

        return readOnly.Count > 0
            ? ApiProblems.Validation("The project update is invalid.", "A project has no property that can be changed after it is created.", readOnly)
            : new OkObjectResult(ProjectView.From(project));
    }

    /// <summary>
    /// <c>POST /api/projects/{projectName}/move</c> (the shape of ARM's move action): always 400 — a
    /// project cannot be moved to another region, resource group or subscription.
    /// </summary>
    [Function(nameof(MoveProject))]
    public async Task<IActionResult> MoveProject(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{projectName}/move")] HttpRequest request,
        string projectName)
    {
        var found = await ProjectLookup.FindAsync(projects, request, projectName);
        return found.Failed ? found.Problem : MoveProblem(found.Project, new Dictionary<string, string[]> { ["move"] = [MoveNotSupported] });
    }

    /// <summary>
    /// <c>/api/classic/{*path}</c>, any method: the routes of classic projects, retired in February 2024.
    /// 410 Gone with the guidance to create a new project.
    /// </summary>
    [Function(nameof(ClassicProjects))]
    public static IActionResult ClassicProjects(
        [HttpTrigger(AuthorizationLevel.Function, "get", "put", "post", "patch", "delete", Route = "classic/{*path}")] HttpRequest request,
        string? path)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApiVersions.Gone($"'/api/classic/{path}' is a classic project route.");
    }

    private static ObjectResult MoveProblem(Project project, Dictionary<string, string[]> fields)
    {
        var result = ApiProblems.Validation(
            "Moving a project is not supported.",
            $"{MoveNotSupported} Project '{project.Name}' stays in geography '{project.Geography}', region '{project.Region}'.",
            fields);
        ((ProblemDetails)result.Value!).Extensions["code"] = "MoveNotSupported";
        return result;
    }

    private static bool Unchanged(Project project, string field, JsonNode? value)
    {
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
        return field.ToUpperInvariant() switch
        {
            "LOCATION" or "REGION" or "PREFERREDREGION" => string.Equals(text, project.Region, StringComparison.OrdinalIgnoreCase),
            "GEOGRAPHY" => string.Equals(text, project.Geography, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    private static IEnumerable<(string Path, JsonNode? Value)> Fields(JsonObject body, string prefix = "")
    {
        foreach (var (key, value) in body)
        {
            var path = prefix + key;
            if (value is JsonObject nested && string.Equals(key, "properties", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var inner in Fields(nested, path + "."))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return (path, value);
            }
        }
    }
}
