using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrateHub.Appliance.Replication;

/// <summary>A work item as the hub hands it out (the fields the appliance needs; others are ignored).</summary>
/// <param name="Id">Work item id.</param>
/// <param name="ServerId">Server id.</param>
/// <param name="Kind">InitialSeed, Delta, FinalDelta or SourceShutdown.</param>
/// <param name="Cycle">Cycle number.</param>
/// <param name="Path">Replication path (agentless VMware or agent-based).</param>
/// <param name="SeedDiskIds">Seed disks to write into.</param>
public sealed record PulledWorkItem(string Id, string ServerId, string Kind, int Cycle, string? Path = null, IReadOnlyList<string>? SeedDiskIds = null);

/// <summary>What the hub answered to a report.</summary>
public enum ReportOutcome
{
    /// <summary>Stored (202) or already stored (200).</summary>
    Accepted,

    /// <summary>The hub no longer wants it (200 with state Cancelled, 404 unknown, 409/410): drop it.</summary>
    Gone,

    /// <summary>Try again later (5xx such as a region down, 429, network error).</summary>
    Retry,
}

/// <summary>The appliance's side of the work-item contract, so the agent can be tested without a hub.</summary>
public interface IWorkItemHub
{
    /// <summary>Pending work items (pre-failover work first).</summary>
    Task<IReadOnlyList<PulledWorkItem>> PullAsync(int max, CancellationToken cancellationToken);

    /// <summary>Reports a work item done or failed.</summary>
    Task<ReportOutcome> ReportAsync(string workItemId, bool succeeded, string? error, long bytesTransferred, CancellationToken cancellationToken);

    /// <summary>
    /// Reports a work item's transfer progress: <see cref="ReportOutcome.Accepted"/> when the hub took it (or keeps a
    /// later one), <see cref="ReportOutcome.Gone"/> when it no longer wants the work (cancelled, reported, unknown),
    /// <see cref="ReportOutcome.Retry"/> when it cannot take it now.
    /// </summary>
    Task<ReportOutcome> ProgressAsync(string workItemId, long bytesTransferred, long totalBytes, CancellationToken cancellationToken);

    /// <summary>Sends a heartbeat.</summary>
    Task HeartbeatAsync(int discoveredServers, CancellationToken cancellationToken);
}

/// <summary>The hub's work-item and heartbeat endpoints, called with the appliance credential (<c>x-appliance-key</c>).</summary>
public sealed class WorkItemClient(HttpClient http, string project, string appliance, string credential) : IWorkItemHub
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PulledWorkItem>> PullAsync(int max, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"api/projects/{Uri.EscapeDataString(project)}/appliances/{Uri.EscapeDataString(appliance)}/workItems?max={max}");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new WorkItemHubException(response.StatusCode, body);
        }

        return JsonSerializer.Deserialize<PullAnswer>(body, Json)?.Value ?? [];
    }

    /// <inheritdoc />
    public async Task<ReportOutcome> ReportAsync(string workItemId, bool succeeded, string? error, long bytesTransferred, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"api/projects/{Uri.EscapeDataString(project)}/appliances/{Uri.EscapeDataString(appliance)}/workItems/{Uri.EscapeDataString(workItemId)}/report");
        request.Content = JsonContent.Create(new { succeeded, error, bytesTransferred });
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var outcome = Classify(response.StatusCode);
            if (outcome == ReportOutcome.Accepted && response.StatusCode == HttpStatusCode.OK)
            {
                // 200: stored before, or cancelled by the hub (pause, disable, resync, cutover) and not taken.
                var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (answer.Contains("\"Cancelled\"", StringComparison.Ordinal) && JsonSerializer.Deserialize<ReportAnswer>(answer, Json)?.State == "Cancelled")
                {
                    return ReportOutcome.Gone;
                }
            }

            return outcome;
        }
        catch (HttpRequestException)
        {
            return ReportOutcome.Retry;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ReportOutcome.Retry;
        }
    }

    /// <inheritdoc />
    public async Task<ReportOutcome> ProgressAsync(string workItemId, long bytesTransferred, long totalBytes, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"api/projects/{Uri.EscapeDataString(project)}/appliances/{Uri.EscapeDataString(appliance)}/workItems/{Uri.EscapeDataString(workItemId)}/progress");
        request.Content = JsonContent.Create(new { bytesTransferred, totalBytes });
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var outcome = Classify(response.StatusCode);
            if (outcome == ReportOutcome.Accepted)
            {
                // 200 with the work item's state: Pending (stored, or a later one kept); Reported or Cancelled: nothing stored.
                var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var state = answer.Length == 0 ? null : JsonSerializer.Deserialize<ReportAnswer>(answer, Json)?.State;
                return state is null or "Pending" ? ReportOutcome.Accepted : ReportOutcome.Gone;
            }

            return outcome;
        }
        catch (HttpRequestException)
        {
            return ReportOutcome.Retry;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ReportOutcome.Retry;
        }
        catch (JsonException)
        {
            return ReportOutcome.Accepted;
        }
    }

    /// <inheritdoc />
    public async Task HeartbeatAsync(int discoveredServers, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"api/projects/{Uri.EscapeDataString(project)}/appliances/{Uri.EscapeDataString(appliance)}/heartbeat");
        request.Content = JsonContent.Create(new { agentVersion = "migratehub-appliance-sim/1.0", discoveredServers });
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new WorkItemHubException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>How a report's HTTP status is handled.</summary>
    public static ReportOutcome Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => ReportOutcome.Accepted,
        404 or 409 or 410 => ReportOutcome.Gone,
        // 401/403: the credential was rotated or revoked; retrying is all an appliance can do (it is shown to the user).
        _ => ReportOutcome.Retry,
    };

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-appliance-key", credential);
        return request;
    }

    private sealed record ReportAnswer(string? State);

    private sealed record PullAnswer([property: JsonPropertyName("value")] IReadOnlyList<PulledWorkItem>? Value);
}

/// <summary>The hub refused a pull or heartbeat.</summary>
public sealed class WorkItemHubException(HttpStatusCode status, string body) : Exception($"The hub answered {(int)status} {status}: {body}")
{
    /// <summary>HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;
}
