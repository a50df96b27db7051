using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MigrateHub.Shared.Discovery.Simulation;

/// <summary>A call the hub refused; carries the problem details.</summary>
public sealed class HubCallException(HttpStatusCode status, string body)
    : Exception($"The hub answered {(int)status} {status}: {body}")
{
    /// <summary>HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>Response body (problem details).</summary>
    public string Body { get; } = body;
}

/// <summary>
/// What an appliance does over HTTP: registration (with the user's key), then with its own credential
/// uploads (gzip JSON), status polling and heartbeats. Used by the simulator and the end-to-end tests.
/// </summary>
public sealed class ApplianceClient(HttpClient http, string userKey, string project, string appliance) : IDisposable
{
    /// <summary>The appliance credential (after <see cref="RegisterAsync"/> or set by the caller).</summary>
    public string? Credential { get; set; }

    /// <summary>Project name.</summary>
    public string Project { get; } = project;

    /// <summary>Appliance name.</summary>
    public string Appliance { get; } = appliance;

    /// <summary>Creates the project if needed and waits until it is provisioned.</summary>
    public async Task EnsureProjectAsync(string geography, CancellationToken cancellationToken)
    {
        using var request = UserRequest(HttpMethod.Put, $"api/projects/{Project}");
        request.Content = JsonContent.Create(new { geography });
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < 240; i++)
        {
            using var get = UserRequest(HttpMethod.Get, $"api/projects/{Project}");
            using var r = await http.SendAsync(get, cancellationToken).ConfigureAwait(false);
            var body = JsonNode.Parse(await r.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var state = body?["properties"]?["provisioningState"]?.GetValue<string>();
            if (state == "Succeeded")
            {
                return;
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"Project '{Project}' was not provisioned in time.");
    }

    /// <summary>Registers the appliance and keeps its credential (shown once by the hub).</summary>
    public async Task RegisterAsync(string sourceType, CancellationToken cancellationToken)
    {
        using var request = UserRequest(HttpMethod.Put, $"api/projects/{Project}/appliances/{Appliance}");
        request.Content = JsonContent.Create(new { sourceType });
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        var key = JsonNode.Parse(body)?["credential"]?["key"]?.GetValue<string>();
        if (key is null && Credential is null)
        {
            throw new InvalidOperationException($"Appliance '{Appliance}' was already registered and its credential is shown only once; pass it with --credential or rotate it.");
        }

        Credential = key ?? Credential;
    }

    /// <summary>Sends one upload (gzip JSON); returns the status URL.</summary>
    public Task<string> UploadAsync(string uploadId, UploadPayload payload, CancellationToken cancellationToken) =>
        UploadCompressedAsync(uploadId, Compress(payload), cancellationToken);

    /// <summary>The gzip JSON body of an upload.</summary>
    public static byte[] Compress(UploadPayload payload)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, DiscoveryJson.Options);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return compressed.ToArray();
    }

    /// <summary>Sends a body made by <see cref="Compress"/>; returns the status URL.</summary>
    public async Task<string> UploadCompressedAsync(string uploadId, byte[] body, CancellationToken cancellationToken)
    {
        using var request = ApplianceRequest(HttpMethod.Put, $"api/projects/{Project}/appliances/{Appliance}/uploads/{Uri.EscapeDataString(uploadId)}");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentEncoding.Add("gzip");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var answer = await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(answer)?["statusUri"]?.GetValue<string>() ?? throw new InvalidOperationException("No status URL in the answer.");
    }

    /// <summary>An upload's status.</summary>
    public async Task<JsonNode> GetStatusAsync(string statusUri, CancellationToken cancellationToken)
    {
        using var request = ApplianceRequest(HttpMethod.Get, statusUri);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(await EnsureAsync(response, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Polls an upload's status until it leaves Accepted; returns the final state.</summary>
    public async Task<JsonNode> WaitAsync(string statusUri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var body = await GetStatusAsync(statusUri, cancellationToken).ConfigureAwait(false);
            if (body["upload"]?["state"]?.GetValue<string>() != UploadStates.Accepted || DateTime.UtcNow > deadline)
            {
                return body;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a heartbeat.</summary>
    public async Task HeartbeatAsync(int discoveredServers, CancellationToken cancellationToken)
    {
        using var request = ApplianceRequest(HttpMethod.Post, $"api/projects/{Project}/appliances/{Appliance}/heartbeat");
        request.Content = JsonContent.Create(new { agentVersion = "migratehub-appliance-sim/1.0", discoveredServers });
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => http.Dispose();

    private HttpRequestMessage UserRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", userKey);
        return request;
    }

    private HttpRequestMessage ApplianceRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-appliance-key", Credential ?? throw new InvalidOperationException("Register the appliance first."));
        return request;
    }

    private static async Task<string> EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? body : throw new HubCallException(response.StatusCode, body);
    }
}
