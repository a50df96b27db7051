using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Import;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Discovery;

/// <summary>The answer to an import: what will be ingested, and each row rejected with its line and reason.</summary>
/// <param name="ImportId">Id of the import (derived from the file's content: the same file imports once).</param>
/// <param name="Format">csv or rvtools.</param>
/// <param name="Servers">Servers accepted for ingestion.</param>
/// <param name="Rejected">Rows not imported, with line and reason.</param>
/// <param name="Skipped">Rows deliberately not imported (e.g. VM templates).</param>
/// <param name="Status">The upload's status.</param>
public sealed record ImportReport(string ImportId, string Format, int Servers, IReadOnlyList<RejectedRow> Rejected, IReadOnlyList<SkippedRow> Skipped, UploadStatusView Status);

/// <summary>
/// Import-based discovery: an Azure Migrate import CSV or an RVTools XLSX export goes through the same
/// path as an appliance inventory upload (blob, queue, consumer) under the appliance name <c>import</c>.
/// </summary>
public sealed class ImportsApi(ProjectService projects, UploadService uploads, ILogger<ImportsApi> logger)
{
    /// <summary>
    /// <c>POST /api/projects/{projectName}/imports?format=csv|rvtools</c> with the file as the body:
    /// 202 with the report (rejected rows with line and reason) and the status URL; 400 when the file is
    /// unreadable or has no valid row.
    /// </summary>
    [Function(nameof(ImportServers))]
    public async Task<IActionResult> ImportServers(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{projectName}/imports")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var project = await projects.FindAsync(projectName, cancellationToken);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var (raw, error) = await UploadBody.ReadRawAsync(request, UploadBody.MaxBodyBytes, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var format = Format(request, raw!);
        if (format is null)
        {
            return ApiProblems.Validation("Unknown import format.", "Use ?format=csv (Azure Migrate import template) or ?format=rvtools (RVTools XLSX export).",
                new Dictionary<string, string[]> { ["format"] = ["Expected 'csv' or 'rvtools'."] });
        }

        ImportResult result;
        try
        {
            using var stream = new MemoryStream(raw!);
            result = format == "csv" ? AzureMigrateCsvParser.Parse(stream) : RvToolsParser.Parse(stream);
        }
        catch (ImportFormatException ex)
        {
            return ApiProblems.Validation("The file cannot be imported.", ex.Message, new Dictionary<string, string[]> { ["body"] = [ex.Message] });
        }

        if (result.Servers.Count == 0)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "No valid row to import.",
                $"All {result.Rejected.Count} rows were rejected; see 'rejected'.",
                new Dictionary<string, object?> { ["rejected"] = result.Rejected });
        }

        var importId = "import-" + Convert.ToHexString(SHA256.HashData(raw!))[..20].ToLowerInvariant();
        var payload = new UploadPayload { Kind = UploadKinds.Inventory, Complete = false, Servers = result.Servers };
        var errors = UploadValidator.Validate(payload);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation("The imported servers are not valid.", "Fix the rows named in 'errors' (servers[n] is the n-th imported server).", errors);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(payload, DiscoveryJson.Options);
        var outcome = await uploads.AcceptAsync(project.Region, project.ProjectId, DiscoveryRoutes.ImportAppliance, importId, UploadKinds.Inventory, payload.ItemCount, json, cancellationToken);
        var record = outcome switch
        {
            AcceptOutcome.Accepted a => a.Upload,
            AcceptOutcome.Conflict c => c.Existing, // cannot happen: the id is the content's hash
            _ => throw new InvalidOperationException(),
        };
        logger.LogInformation("Import {ImportId} ({Format}) into project {ProjectId}: {Servers} servers, {Rejected} rows rejected",
            importId, format, project.ProjectId, result.Servers.Count, result.Rejected.Count);
        var statusUri = DiscoveryRoutes.ImportStatus(request, projectName, importId);
        request.HttpContext.Response.Headers.Location = statusUri;
        return new ObjectResult(new ImportReport(importId, format, result.Servers.Count, result.Rejected, result.Skipped, new UploadStatusView(record, statusUri)))
        {
            StatusCode = StatusCodes.Status202Accepted,
        };
    }

    /// <summary><c>GET /api/projects/{projectName}/imports/{importId}</c>: the import's ingestion status.</summary>
    [Function(nameof(GetImport))]
    public async Task<IActionResult> GetImport(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/imports/{importId}")] HttpRequest request,
        string projectName,
        string importId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var project = await projects.FindAsync(projectName, cancellationToken);
        var record = project is null ? null : await uploads.GetAsync(project.Region, project.ProjectId, DiscoveryRoutes.ImportAppliance, importId, cancellationToken);
        return record is null
            ? ApiProblems.NotFound($"Import '{importId}' of project '{projectName}' does not exist.")
            : new OkObjectResult(new UploadStatusView(record, DiscoveryRoutes.ImportStatus(request, projectName, importId)));
    }

    /// <summary><c>GET /api/projects/{projectName}/uploads</c>: every upload and import of the project with its state.</summary>
    [Function(nameof(ListUploads))]
    public async Task<IActionResult> ListUploads(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/uploads")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var project = await projects.FindAsync(projectName, cancellationToken);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var list = await uploads.ListAsync(project.Region, project.ProjectId, cancellationToken);
        var state = request.Query["state"].FirstOrDefault();
        return new OkObjectResult(new ResultPage<UploadRecord>(
            list.Where(u => state is null || string.Equals(u.State, state, StringComparison.OrdinalIgnoreCase)).OrderBy(u => u.AcceptedAt).ToList(), null));
    }

    private static string? Format(HttpRequest request, byte[] raw)
    {
        var format = request.Query["format"].FirstOrDefault()?.ToLowerInvariant();
        if (format is not null)
        {
            return format is "csv" or "rvtools" or "xlsx" ? (format == "csv" ? "csv" : "rvtools") : null;
        }

        var contentType = request.ContentType ?? string.Empty;
        if (contentType.Contains("csv", StringComparison.OrdinalIgnoreCase))
        {
            return "csv";
        }

        return raw.Length > 1 && raw[0] == (byte)'P' && raw[1] == (byte)'K' ? "rvtools" : "csv";
    }
}
