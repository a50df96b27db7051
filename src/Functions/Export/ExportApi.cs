using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using MigrateHub.Functions.Http;
using MigrateHub.Functions.Projects;
using MigrateHub.Shared.Export;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Export;

/// <summary>Exports of a project for offline backup (a zip of CSV files, kept in the project's region).</summary>
public sealed class ExportApi(ProjectService projects, ProjectExporter exporter)
{
    /// <summary>
    /// <c>POST /api/projects/{projectName}/export</c>: builds the export and answers it (200,
    /// <c>application/zip</c>, attachment); <c>Location</c> names where it can be downloaded again.
    /// </summary>
    [Function(nameof(ExportProject))]
    public async Task<IActionResult> ExportProject(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{projectName}/export")] HttpRequest request,
        string projectName)
    {
        var found = await ProjectLookup.FindAsync(projects, request, projectName);
        if (found.Failed)
        {
            return found.Problem;
        }

        var project = found.Project;

        var export = await exporter.ExportAsync(project, request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers.Location = $"/api/projects/{project.Name}/exports/{export.ExportId}";
        request.HttpContext.Response.Headers["x-migratehub-export-id"] = export.ExportId;
        return Zip(project, export.ExportId, export.Content);
    }

    /// <summary><c>GET /api/projects/{projectName}/exports/{exportId}</c>: an earlier export, again.</summary>
    [Function(nameof(GetProjectExport))]
    public async Task<IActionResult> GetProjectExport(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/exports/{exportId}")] HttpRequest request,
        string projectName,
        string exportId)
    {
        var found = await ProjectLookup.FindAsync(projects, request, projectName);
        if (found.Failed)
        {
            return found.Problem;
        }

        var project = found.Project;

        var content = await exporter.OpenAsync(project, exportId, request.HttpContext.RequestAborted);
        return content is null ? ApiProblems.NotFound($"Project '{projectName}' has no export '{exportId}'.") : Zip(project, exportId, content);
    }

    private static FileStreamResult Zip(Project project, string exportId, Stream content) =>
        new(content, "application/zip") { FileDownloadName = $"{project.Name}-{exportId}.zip" };
}
