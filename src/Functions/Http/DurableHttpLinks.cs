using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;

namespace MigrateHub.Functions.Http;

/// <summary>
/// The management links of an orchestration instance, in the shape of Durable Functions' check-status
/// response (<c>statusQueryGetUri</c>, <c>sendEventPostUri</c>, ...).
/// </summary>
public sealed record DurableHttpLinks(
    string Id,
    string StatusQueryGetUri,
    string SendEventPostUri,
    string TerminatePostUri,
    string PurgeHistoryDeleteUri,
    string SuspendPostUri,
    string ResumePostUri)
{
    /// <summary>
    /// FunctionContext item set by the DevHost to its base URL. In Azure the item is absent and the
    /// Durable Functions extension builds the links (with its system key) itself.
    /// </summary>
    public const string DevHostBaseUrlItem = "MigrateHub.DevHost.BaseUrl";

    /// <summary>The webhook path Durable Functions serves instance management under.</summary>
    public const string WebhookPath = "runtime/webhooks/durabletask/instances/";

    /// <summary>Builds the links for an instance, in Azure or in the DevHost.</summary>
    public static async Task<DurableHttpLinks> CreateAsync(DurableTaskClient client, FunctionContext context, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(DevHostBaseUrlItem, out var baseUrl) && baseUrl is string local)
        {
            return ForBaseUrl(local, instanceId);
        }

        var request = await context.GetHttpRequestDataAsync().ConfigureAwait(false);
        var payload = client.CreateHttpManagementPayload(instanceId, request);
        return new DurableHttpLinks(
            payload.Id ?? instanceId, payload.StatusQueryGetUri ?? string.Empty, payload.SendEventPostUri ?? string.Empty,
            payload.TerminatePostUri ?? string.Empty, payload.PurgeHistoryDeleteUri ?? string.Empty,
            payload.SuspendPostUri ?? string.Empty, payload.ResumePostUri ?? string.Empty);
    }

    /// <summary>The links under a base URL such as <c>http://127.0.0.1:7071/</c>.</summary>
    public static DurableHttpLinks ForBaseUrl(string baseUrl, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var instance = baseUrl.TrimEnd('/') + "/" + WebhookPath + Uri.EscapeDataString(instanceId);
        return new DurableHttpLinks(
            instanceId,
            instance,
            instance + "/raiseEvent/{eventName}",
            instance + "/terminate?reason={text}",
            instance,
            instance + "/suspend?reason={text}",
            instance + "/resume?reason={text}");
    }

    /// <summary>The Durable Functions check-status answer: 202 with Location and the links.</summary>
    public static void AddLocation(HttpResponse response, DurableHttpLinks links, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(links);
        response.Headers.Location = links.StatusQueryGetUri;
        response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    }
}
