using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using MigrateHub.Functions.Projects;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Http;

/// <summary>
/// The common start of a call on one project: the api-version is checked, then the project is
/// found by name in its region. Either the project or the problem to answer (400 for the version,
/// 404 for an unknown project, 503 for a region that is down, through the exception middleware).
/// </summary>
public readonly record struct ProjectLookup(Project? Project, IActionResult? Problem)
{
    /// <summary>True when the call must answer <see cref="Problem"/>.</summary>
    [MemberNotNullWhen(true, nameof(Problem))]
    [MemberNotNullWhen(false, nameof(Project))]
    public bool Failed => Problem is not null;

    /// <summary>Checks the request's api-version and finds the project named in the route.</summary>
    public static async Task<ProjectLookup> FindAsync(ProjectService projects, HttpRequest request, string projectName)
    {
        ArgumentNullException.ThrowIfNull(projects);
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return new ProjectLookup(null, versionError);
        }

        var project = await projects.GetAsync(projectName, request.HttpContext.RequestAborted);
        return project is null
            ? new ProjectLookup(null, ApiProblems.NotFound($"Project '{projectName}' does not exist."))
            : new ProjectLookup(project, null);
    }
}
