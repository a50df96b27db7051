using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Discovery;

/// <summary>Reads of discovered data: servers, software, dependencies, performance, CSV exports.</summary>
public sealed class ServersApi(ProjectService projects, DiscoveryReader reader, TimeProvider clock)
{
    /// <summary>Largest page of the server list.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>
    /// <c>GET /api/projects/{projectName}/servers?source=VMware&amp;os=Windows&amp;powerState=On&amp;appliance=name&amp;pageSize=100&amp;continuationToken=...</c>
    /// </summary>
    [Function(nameof(ListServers))]
    public async Task<IActionResult> ListServers(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/servers")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var q = request.Query;
        SourceType? source = null;
        if (q["source"].FirstOrDefault() is { } s)
        {
            if (Enum.TryParse<SourceType>(s, true, out var parsed) && Enum.IsDefined(parsed))
            {
                source = parsed;
            }
            else
            {
                errors["source"] = [$"Unknown source '{s}': use {string.Join(", ", Enum.GetNames<SourceType>())}."];
            }
        }

        PowerState? power = null;
        if (q["powerState"].FirstOrDefault() is { } p)
        {
            if (Enum.TryParse<PowerState>(p, true, out var parsed) && Enum.IsDefined(parsed))
            {
                power = parsed;
            }
            else
            {
                errors["powerState"] = [$"Unknown power state '{p}': use {string.Join(", ", Enum.GetNames<PowerState>())}."];
            }
        }

        string[] families = ["Windows", "Linux", "Other", "Unknown"];
        string? os = null;
        if (q["os"].FirstOrDefault() is { } o)
        {
            os = families.FirstOrDefault(f => string.Equals(f, o, StringComparison.OrdinalIgnoreCase));
            if (os is null)
            {
                errors["os"] = [$"Unknown OS family '{o}': use {string.Join(", ", families)}."];
            }
        }

        var pageSize = 100;
        if (q["pageSize"].FirstOrDefault() is { } ps && (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            errors["pageSize"] = [$"The page size is a whole number from 1 to {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation("Invalid query.", "Fix the query parameters listed in 'errors'.", errors);
        }

        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        try
        {
            var page = await reader.ListServersAsync(project.Region, project.ProjectId, new ServerFilter(source, os, power, q["appliance"].FirstOrDefault()),
                pageSize, q["continuationToken"].FirstOrDefault(), request.HttpContext.RequestAborted);
            return new OkObjectResult(page);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 400)
        {
            return ApiProblems.Validation("Invalid continuation token.", "Pass back the token of the previous page unchanged.",
                new Dictionary<string, string[]> { ["continuationToken"] = ["Not a token this API returned."] });
        }
    }

    /// <summary><c>GET /api/projects/{projectName}/servers/{serverId}</c>: disks, NICs, software, performance summary of the kept month.</summary>
    [Function(nameof(GetServer))]
    public async Task<IActionResult> GetServer(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/servers/{serverId}")] HttpRequest request,
        string projectName,
        string serverId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        var detail = project is null ? null : await reader.GetServerDetailAsync(project.Region, project.ProjectId, serverId, request.HttpContext.RequestAborted);
        return detail is null ? ApiProblems.NotFound($"Server '{serverId}' of project '{projectName}' does not exist.") : new OkObjectResult(detail);
    }

    /// <summary>
    /// <c>GET /api/projects/{projectName}/servers/{serverId}/performance?from=...&amp;to=...</c>: the time series
    /// (default: the kept month) and its summary.
    /// </summary>
    [Function(nameof(GetServerPerformance))]
    public async Task<IActionResult> GetServerPerformance(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/servers/{serverId}/performance")] HttpRequest request,
        string projectName,
        string serverId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (from, to, error) = Period(request, DiscoveryReader.RetentionDays);
        if (error is not null)
        {
            return error;
        }

        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        var server = project is null ? null : await reader.GetServerAsync(project.Region, project.ProjectId, serverId, request.HttpContext.RequestAborted);
        if (server is null)
        {
            return ApiProblems.NotFound($"Server '{serverId}' of project '{projectName}' does not exist.");
        }

        var points = await reader.GetPerformanceAsync(project!.Region, project.ProjectId, serverId, from, to, request.HttpContext.RequestAborted);
        return new OkObjectResult(new { serverId, summary = PerformanceSummary.From_(from, to, points), points });
    }

    /// <summary><c>GET /api/projects/{projectName}/servers/{serverId}/software</c>.</summary>
    [Function(nameof(GetServerSoftware))]
    public async Task<IActionResult> GetServerSoftware(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/servers/{serverId}/software")] HttpRequest request,
        string projectName,
        string serverId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        var software = project is null ? null : await reader.GetSoftwareAsync(project.Region, project.ProjectId, serverId, request.HttpContext.RequestAborted);
        return software is null ? ApiProblems.NotFound($"No software inventory for server '{serverId}' of project '{projectName}'.") : new OkObjectResult(software);
    }

    /// <summary><c>GET /api/projects/{projectName}/software</c>: the software inventory of every server.</summary>
    [Function(nameof(ListSoftware))]
    public async Task<IActionResult> ListSoftware(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/software")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var list = new List<ServerSoftware>();
        await foreach (var s in reader.ListSoftwareAsync(project.Region, project.ProjectId, request.HttpContext.RequestAborted))
        {
            list.Add(s);
        }

        return new OkObjectResult(new ResultPage<ServerSoftware>(list, null));
    }

    /// <summary><c>GET /api/projects/{projectName}/dependencies?from=&amp;to=&amp;serverId=</c> (default: the last 30 days).</summary>
    [Function(nameof(ListDependencies))]
    public async Task<IActionResult> ListDependencies(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/dependencies")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (from, to, error) = Period(request, 30);
        if (error is not null)
        {
            return error;
        }

        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var list = new List<DependencyConnection>();
        await foreach (var c in reader.ListDependenciesAsync(project.Region, project.ProjectId, from, to, request.Query["serverId"].FirstOrDefault(), request.HttpContext.RequestAborted))
        {
            list.Add(c);
        }

        return new OkObjectResult(new ResultPage<DependencyConnection>(list, null));
    }

    /// <summary><c>GET /api/projects/{projectName}/exports/software</c>: software inventory CSV.</summary>
    [Function(nameof(ExportSoftware))]
    public Task<IActionResult> ExportSoftware(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/exports/software")] HttpRequest request,
        string projectName) =>
        CsvAsync(request, projectName, "software-inventory.csv", reader.WriteSoftwareCsvAsync);

    /// <summary><c>GET /api/projects/{projectName}/exports/dependencies</c>: dependency CSV of the last 30 days (DOMAIN.md §4 columns).</summary>
    [Function(nameof(ExportDependencies))]
    public Task<IActionResult> ExportDependencies(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/exports/dependencies")] HttpRequest request,
        string projectName) =>
        CsvAsync(request, projectName, "dependencies.csv", reader.WriteDependenciesCsvAsync);

    private async Task<IActionResult> CsvAsync(HttpRequest request, string projectName, string fileName, Func<string, string, Stream, CancellationToken, Task> write)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        using var buffer = new MemoryStream();
        await write(project.Region, project.ProjectId, buffer, request.HttpContext.RequestAborted);
        return new FileContentResult(buffer.ToArray(), "text/csv; charset=utf-8") { FileDownloadName = fileName };
    }

    private (DateTimeOffset From, DateTimeOffset To, IActionResult? Error) Period(HttpRequest request, int defaultDays)
    {
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var to = now;
        var from = now.AddDays(-defaultDays);
        if (request.Query["to"].FirstOrDefault() is { } t && !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out to))
        {
            errors["to"] = ["Not a date/time (ISO 8601)."];
        }

        if (request.Query["from"].FirstOrDefault() is { } f && !DateTimeOffset.TryParse(f, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from))
        {
            errors["from"] = ["Not a date/time (ISO 8601)."];
        }

        if (errors.Count == 0 && (from > to || to - from > TimeSpan.FromDays(93)))
        {
            errors["from"] = ["'from' must be before 'to', at most 93 days apart."];
        }

        return errors.Count > 0 ? (from, to, ApiProblems.Validation("Invalid period.", "Fix the query parameters listed in 'errors'.", errors)) : (from, to, null);
    }
}
