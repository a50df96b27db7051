using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MigrateHub.Functions.Appliances;
using MigrateHub.Functions.Http;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Migration;

namespace MigrateHub.Functions.Migration;

/// <summary>
/// The appliance's side of replication (appliance credential): it pulls its work items (initial seed,
/// delta, final delta, source shutdown) and reports each, which becomes an event of the server's lifecycle. Work the
/// hub no longer waits for (the server was paused, disabled, resynced or cut over) is Cancelled: it leaves the pull,
/// <c>?state=Cancelled</c> lists it, and its report is answered 200 with that state. While it works, the appliance can
/// report its transfer progress, stored on the work item's row for the migration item views.
/// </summary>
public sealed class WorkItemsApi(ApplianceAuthenticator authenticator, MigrationRepository repository)
{
    /// <summary>Most work items handed out per pull.</summary>
    public const int MaxPull = 500;

    /// <summary><c>GET /api/projects/{projectName}/appliances/{applianceName}/workItems?max=100</c>: pending work, pre-failover work first.</summary>
    [Function(nameof(PullWorkItems))]
    public async Task<IActionResult> PullWorkItems(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "projects/{projectName}/appliances/{applianceName}/workItems")] HttpRequest request,
        string projectName, string applianceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (identity, error) = await ApplianceHttpAuth.AuthenticateAsync(authenticator, request, projectName, applianceName);
        if (error is not null)
        {
            return error;
        }

        var max = MaxPull;
        if (request.Query["max"].FirstOrDefault() is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > MaxPull))
        {
            return ApiProblems.Validation("Invalid query.", $"'max' is a whole number from 1 to {MaxPull}.",
                new Dictionary<string, string[]> { ["max"] = [$"1 to {MaxPull}."] });
        }

        var state = WorkItemStates.Pending;
        if (request.Query["state"].FirstOrDefault() is { } st)
        {
            if (!string.Equals(st, WorkItemStates.Pending, StringComparison.OrdinalIgnoreCase) && !string.Equals(st, WorkItemStates.Cancelled, StringComparison.OrdinalIgnoreCase))
            {
                return ApiProblems.Validation("Invalid query.", $"'state' is {WorkItemStates.Pending} (default) or {WorkItemStates.Cancelled}.",
                    new Dictionary<string, string[]> { ["state"] = [$"{WorkItemStates.Pending} or {WorkItemStates.Cancelled}."] });
            }

            state = string.Equals(st, WorkItemStates.Pending, StringComparison.OrdinalIgnoreCase) ? WorkItemStates.Pending : WorkItemStates.Cancelled;
        }

        var items = await repository.WorkInStateAsync(identity!.Region, identity.ProjectId, identity.ApplianceId, state, max, request.HttpContext.RequestAborted);
        return new OkObjectResult(new { value = items });
    }

    /// <summary>
    /// <c>GET /api/projects/{projectName}/appliances/{applianceName}/workItems/{workItemId}</c>: one work item with its
    /// <c>state</c> (Pending, Reported, Cancelled), so the appliance can stop work the hub cancelled.
    /// </summary>
    [Function(nameof(GetWorkItem))]
    public async Task<IActionResult> GetWorkItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "projects/{projectName}/appliances/{applianceName}/workItems/{workItemId}")] HttpRequest request,
        string projectName, string applianceName, string workItemId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (identity, error) = await ApplianceHttpAuth.AuthenticateAsync(authenticator, request, projectName, applianceName);
        if (error is not null)
        {
            return error;
        }

        var item = await repository.GetWorkItemAsync(identity!.Region, identity.ProjectId, identity.ApplianceId, workItemId, request.HttpContext.RequestAborted);
        return item is null ? ApiProblems.NotFound($"Work item '{workItemId}' does not exist for appliance '{applianceName}'.") : new OkObjectResult(item);
    }

    /// <summary><c>POST /api/projects/{projectName}/appliances/{applianceName}/workItems/{workItemId}/report</c>: 202; a repeated report changes nothing (200).</summary>
    [Function(nameof(ReportWorkItem))]
    public async Task<IActionResult> ReportWorkItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "projects/{projectName}/appliances/{applianceName}/workItems/{workItemId}/report")] HttpRequest request,
        [DurableClient] DurableTaskClient durable, string projectName, string applianceName, string workItemId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var (identity, error) = await ApplianceHttpAuth.AuthenticateAsync(authenticator, request, projectName, applianceName);
        if (error is not null)
        {
            return error;
        }

        var (body, bodyError) = await RequestBody.ReadAsync<WorkItemReportBody>(request, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var item = await repository.GetWorkItemAsync(identity!.Region, identity.ProjectId, identity.ApplianceId, workItemId, ct);
        if (item is null)
        {
            return ApiProblems.NotFound($"Work item '{workItemId}' does not exist for appliance '{applianceName}'.");
        }

        if (item.State is WorkItemStates.Reported or WorkItemStates.Cancelled)
        {
            // Already reported, or cancelled by the hub (pause, disable, resync, cutover): nothing is stored or sent.
            return new OkObjectResult(new { workItemId, state = item.State });
        }

        // Stored first (the lifecycle reads it if the event is lost), then sent as the event (the fast path).
        await repository.MarkReportedAsync(identity.Region, identity.ProjectId, identity.ApplianceId, workItemId, body!.Succeeded, ct, body.Error);
        await durable.RaiseEventAsync(MachineLifecycleOrchestrator.InstanceId(identity.ProjectId, item.ServerId), MachineLifecycleOrchestrator.EventName,
            new MachineEvent(MachineEventNames.WorkItemReported) { Report = new WorkItemReport(workItemId, body.Succeeded, body.Error, body.BytesTransferred) }, ct);
        return new ObjectResult(new { workItemId, state = WorkItemStates.Reported }) { StatusCode = StatusCodes.Status202Accepted };
    }

    /// <summary>
    /// <c>POST /api/projects/{projectName}/appliances/{applianceName}/workItems/{workItemId}/progress</c> with
    /// <c>{"bytesTransferred": n, "totalBytes": m}</c>: the transfer progress of a pending work item, merged into its row
    /// (not sent to the lifecycle). 200 with the progress now stored and <c>stored</c> (false when the report carries
    /// fewer bytes than already stored: out-of-order delivery never moves progress back); a work item already
    /// reported or cancelled answers 200 with its <c>state</c> and stores nothing, as a report does; 400 naming the
    /// field; 404 for a work item the appliance does not have.
    /// </summary>
    [Function(nameof(ReportWorkItemProgress))]
    public async Task<IActionResult> ReportWorkItemProgress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "projects/{projectName}/appliances/{applianceName}/workItems/{workItemId}/progress")] HttpRequest request,
        string projectName, string applianceName, string workItemId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var (identity, error) = await ApplianceHttpAuth.AuthenticateAsync(authenticator, request, projectName, applianceName);
        if (error is not null)
        {
            return error;
        }

        var (body, bodyError) = await RequestBody.ReadAsync<WorkItemProgressBody>(request, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var errors = WorkItemProgress.Validate(body!.BytesTransferred, body.TotalBytes);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation("Invalid progress.", "Fix the fields listed in 'errors' (0 <= bytesTransferred <= totalBytes, totalBytes > 0).", errors);
        }

        var outcome = await repository.RecordProgressAsync(identity!.Region, identity.ProjectId, identity.ApplianceId, workItemId,
            body.BytesTransferred!.Value, body.TotalBytes!.Value, ct);
        if (outcome.State is null)
        {
            return ApiProblems.NotFound($"Work item '{workItemId}' does not exist for appliance '{applianceName}'.");
        }

        if (outcome.State != WorkItemStates.Pending)
        {
            // Already reported, or cancelled by the hub (pause, disable, resync, cutover): nothing is stored.
            return new OkObjectResult(new { workItemId, state = outcome.State, stored = false });
        }

        var p = outcome.Progress!;
        return new OkObjectResult(new
        {
            workItemId,
            state = outcome.State,
            stored = outcome.Stored,
            bytesTransferred = p.BytesTransferred,
            totalBytes = p.TotalBytes,
            percent = p.Percent,
            reportedAt = p.ReportedAt,
        });
    }
}
