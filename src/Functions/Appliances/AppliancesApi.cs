using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using MigrateHub.Functions.Http;
using MigrateHub.Functions.Projects;
using MigrateHub.Shared.Appliances;

namespace MigrateHub.Functions.Appliances;

/// <summary>
/// Appliances of a project. Management calls are user calls (function key); the heartbeat is an
/// appliance call, authenticated by the appliance's own credential and limited to its own project.
/// </summary>
public sealed class AppliancesApi(ApplianceService appliances, ApplianceAuthenticator authenticator)
{
    /// <summary>
    /// <c>PUT /api/projects/{projectName}/appliances/{applianceName}</c> with <c>{"sourceType": "VMware"}</c>:
    /// registers the appliance (201 with its credential, shown once). The same call again answers 200
    /// without a credential; another source type for the same name is a conflict.
    /// </summary>
    [Function(nameof(RegisterAppliance))]
    public async Task<IActionResult> RegisterAppliance(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "projects/{projectName}/appliances/{applianceName}")] HttpRequest request,
        string projectName,
        string applianceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        var (body, error) = await RequestBody.ReadAsync<RegisterApplianceRequest>(request, request.HttpContext.RequestAborted);
        if (error is not null)
        {
            return error;
        }

        var outcome = await appliances.RegisterAsync(projectName, applianceName, body!, request.HttpContext.RequestAborted);
        return Answer(projectName, outcome, outcome is ApplianceOutcome.Done { IsNew: true } ? StatusCodes.Status201Created : StatusCodes.Status200OK, withCredential: true);
    }

    /// <summary><c>GET /api/projects/{projectName}/appliances/{applianceName}</c>: the appliance with its health and last-seen time.</summary>
    [Function(nameof(GetAppliance))]
    public async Task<IActionResult> GetAppliance(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/appliances/{applianceName}")] HttpRequest request,
        string projectName,
        string applianceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApiVersions.Check(request)
            ?? Answer(projectName, await appliances.GetAsync(projectName, applianceName, request.HttpContext.RequestAborted), StatusCodes.Status200OK);
    }

    /// <summary><c>GET /api/projects/{projectName}/appliances</c>: every appliance of the project with health and last-seen time.</summary>
    [Function(nameof(ListAppliances))]
    public async Task<IActionResult> ListAppliances(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/appliances")] HttpRequest request,
        string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        var list = await appliances.ListAsync(projectName, request.HttpContext.RequestAborted);
        return list is null
            ? ApiProblems.NotFound($"Project '{projectName}' does not exist.")
            : new OkObjectResult(new Page<ApplianceView>(list.Select(a => ApplianceView.From(projectName, a)).ToList(), null));
    }

    /// <summary>
    /// <c>POST /api/projects/{projectName}/appliances/{applianceName}/rotateCredential</c>: a new credential
    /// (shown once); the previous one stops working at once. Also re-enables a revoked appliance.
    /// </summary>
    [Function(nameof(RotateApplianceCredential))]
    public async Task<IActionResult> RotateApplianceCredential(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{projectName}/appliances/{applianceName}/rotateCredential")] HttpRequest request,
        string projectName,
        string applianceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApiVersions.Check(request)
            ?? Answer(projectName, await appliances.RotateCredentialAsync(projectName, applianceName, request.HttpContext.RequestAborted), StatusCodes.Status200OK, withCredential: true);
    }

    /// <summary><c>POST /api/projects/{projectName}/appliances/{applianceName}/revoke</c>: erases the credential; the appliance's calls answer 401.</summary>
    [Function(nameof(RevokeAppliance))]
    public async Task<IActionResult> RevokeAppliance(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{projectName}/appliances/{applianceName}/revoke")] HttpRequest request,
        string projectName,
        string applianceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApiVersions.Check(request)
            ?? Answer(projectName, await appliances.RevokeAsync(projectName, applianceName, request.HttpContext.RequestAborted), StatusCodes.Status200OK);
    }

    /// <summary><c>DELETE /api/projects/{projectName}/appliances/{applianceName}</c>: removes the appliance (204).</summary>
    [Function(nameof(DeleteAppliance))]
    public async Task<IActionResult> DeleteAppliance(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "projects/{projectName}/appliances/{applianceName}")] HttpRequest request,
        string projectName,
        string applianceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        var outcome = await appliances.DeleteAsync(projectName, applianceName, request.HttpContext.RequestAborted);
        return outcome is ApplianceOutcome.Done ? new NoContentResult() : Answer(projectName, outcome, StatusCodes.Status200OK);
    }

    /// <summary>
    /// <c>POST /api/projects/{projectName}/appliances/{applianceName}/heartbeat</c> (appliance call, header
    /// <c>x-appliance-key</c>), optional body <c>{"agentVersion": "...", "discoveredServers": 120}</c>:
    /// records the appliance as seen now and healthy.
    /// </summary>
    [Function(nameof(ApplianceHeartbeat))]
    public async Task<IActionResult> ApplianceHeartbeat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "projects/{projectName}/appliances/{applianceName}/heartbeat")] HttpRequest request,
        string projectName,
        string applianceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (identity, authError) = await ApplianceHttpAuth.AuthenticateAsync(authenticator, request, projectName, applianceName);
        if (authError is not null)
        {
            return authError;
        }

        var heartbeat = new Shared.Appliances.ApplianceHeartbeat(null, null);
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (body, error) = await RequestBody.ReadAsync<Shared.Appliances.ApplianceHeartbeat>(request, request.HttpContext.RequestAborted);
            if (error is not null)
            {
                return error;
            }

            heartbeat = body!;
        }

        if (heartbeat.DiscoveredServers is < 0)
        {
            const string message = "discoveredServers cannot be negative.";
            return ApiProblems.Validation("The heartbeat is invalid.", message, new Dictionary<string, string[]> { ["discoveredServers"] = [message] });
        }

        var seen = await appliances.HeartbeatAsync(identity!, heartbeat, request.HttpContext.RequestAborted);
        return seen is null
            ? ApiProblems.NotFound($"Appliance '{applianceName}' is no longer registered.")
            : new OkObjectResult(new HeartbeatView(seen.Id, seen.Health, seen.LastSeen, ApplianceLimits.MaxServers(seen.SourceType)));
    }

    private static IActionResult Answer(string projectName, ApplianceOutcome outcome, int successStatus, bool withCredential = false) => outcome switch
    {
        ApplianceOutcome.Done done => new ObjectResult(withCredential
                ? new ApplianceWithCredentialView(ApplianceView.From(projectName, done.Appliance), done.Credential is null ? null : ApplianceCredentialView.Of(done.Credential))
                : ApplianceView.From(projectName, done.Appliance))
        {
            StatusCode = successStatus,
        },
        ApplianceOutcome.Invalid invalid => ApiProblems.Validation(
            "The appliance request is invalid.", invalid.Detail, new Dictionary<string, string[]> { [invalid.Field] = [invalid.Detail] }),
        ApplianceOutcome.NotFound notFound => ApiProblems.NotFound(notFound.Detail),
        ApplianceOutcome.Conflict conflict => ApiProblems.Problem(StatusCodes.Status409Conflict, "Conflict.", conflict.Detail),
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome.GetType().Name}."),
    };
}
