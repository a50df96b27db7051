using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using MigrateHub.Functions.Appliances;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Discovery;

namespace MigrateHub.Functions.Discovery;

/// <summary>
/// Appliance uploads (appliance credential, <c>x-appliance-key</c>): inventory, performance, software
/// inventory and dependencies as gzip JSON. The payload is validated, kept in the region's blob
/// storage and queued on the region's Service Bus; the answer is 202 with the status URL.
/// </summary>
public sealed class UploadsApi(ApplianceAuthenticator authenticator, UploadService uploads, IngestionService ingestion, ILogger<UploadsApi> logger)
{
    /// <summary>
    /// <c>PUT /api/projects/{projectName}/appliances/{applianceName}/uploads/{uploadId}</c>: 202 Accepted with
    /// the status URL (Location). Repeating the same upload id with the same content returns the same
    /// status; with other content 409. 400 names the field at fault, 413 when too large, 401/403 for a
    /// missing or foreign credential, 422 when the appliance would exceed its server limit.
    /// </summary>
    [Function(nameof(UploadDiscoveryData))]
    public async Task<IActionResult> UploadDiscoveryData(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", "post", Route = "projects/{projectName}/appliances/{applianceName}/uploads/{uploadId}")] HttpRequest request,
        string projectName,
        string applianceName,
        string uploadId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var (identity, authError) = await ApplianceHttpAuth.AuthenticateAsync(authenticator, request, projectName, applianceName);
        if (authError is not null)
        {
            return authError;
        }

        if (UploadValidator.CheckId(uploadId, "upload id") is { } idError)
        {
            return ApiProblems.Validation("Invalid upload id.", idError, new Dictionary<string, string[]> { ["uploadId"] = [idError] });
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (payload, json, gzip, error) = await UploadBody.ReadWithBodyAsync(request, cancellationToken);
        var readMs = clock.ElapsedMilliseconds;
        if (error is not null)
        {
            return error;
        }

        var appliance = identity!.ApplianceName;
        if (payload!.Kind == UploadKinds.Inventory)
        {
            var after = await ingestion.ServersAfterInventoryAsync(identity.Region, identity.ProjectId, appliance, payload.Servers!, payload.Complete, cancellationToken);
            var check = ApplianceLimits.Check(identity.SourceType, after);
            if (!check.Allowed)
            {
                return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Server limit exceeded.", check.Message!,
                    new Dictionary<string, object?> { ["limit"] = check.Limit, ["servers"] = check.Count, ["sourceType"] = check.SourceType });
            }
        }

        var outcome = await uploads.AcceptAsync(identity.Region, identity.ProjectId, appliance, uploadId, payload.Kind!, payload.ItemCount, json, gzip, cancellationToken);
        if (outcome is AcceptOutcome.Conflict conflict)
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "Upload id already used.",
                $"Upload '{uploadId}' was already accepted with other content (at {conflict.Existing.AcceptedAt:O}); use a new upload id for new data.");
        }

        var accepted = (AcceptOutcome.Accepted)outcome;
        if (accepted.IsNew)
        {
            logger.LogInformation("Accepted {Kind} upload {UploadId} of appliance {Appliance} for project {ProjectId}: {Items} items (body read and validated in {ReadMs} ms, stored and queued at {TotalMs} ms)",
                payload.Kind, uploadId, appliance, identity.ProjectId, payload.ItemCount, readMs, clock.ElapsedMilliseconds);
        }

        var statusUri = DiscoveryRoutes.UploadStatus(request, projectName, applianceName, uploadId);
        request.HttpContext.Response.Headers.Location = statusUri;
        request.HttpContext.Response.Headers.RetryAfter = "2";
        return new ObjectResult(new UploadStatusView(accepted.Upload, statusUri)) { StatusCode = StatusCodes.Status202Accepted };
    }

    /// <summary>
    /// <c>GET /api/projects/{projectName}/appliances/{applianceName}/uploads/{uploadId}</c> (appliance credential):
    /// Accepted, Ingested, or Failed with the reason.
    /// </summary>
    [Function(nameof(GetUploadStatus))]
    public async Task<IActionResult> GetUploadStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "projects/{projectName}/appliances/{applianceName}/uploads/{uploadId}")] HttpRequest request,
        string projectName,
        string applianceName,
        string uploadId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (identity, authError) = await ApplianceHttpAuth.AuthenticateAsync(authenticator, request, projectName, applianceName);
        if (authError is not null)
        {
            return authError;
        }

        var record = await uploads.GetAsync(identity!.Region, identity.ProjectId, identity.ApplianceName, uploadId, request.HttpContext.RequestAborted);
        return record is null
            ? ApiProblems.NotFound($"Upload '{uploadId}' of appliance '{applianceName}' does not exist.")
            : new OkObjectResult(new UploadStatusView(record, DiscoveryRoutes.UploadStatus(request, projectName, applianceName, uploadId)));
    }
}
