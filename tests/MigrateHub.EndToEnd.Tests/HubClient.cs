using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrateHub.DevHost;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>An HTTP client for a running DevHost, sending the user key on every call.</summary>
internal sealed class HubClient : IDisposable
{
    private readonly HttpClient _http;

    public HubClient(DevHostApp host, string? key = null)
    {
        _http = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null || host.Options.FunctionKey is not null)
        {
            _http.DefaultRequestHeaders.Add("x-functions-key", key ?? host.Options.FunctionKey);
        }
    }

    public HttpClient Http => _http;

    public Task<HttpResponseMessage> CreateProjectAsync(string name, string geography, string? preferredRegion = null) =>
        _http.PutAsJsonAsync($"api/projects/{name}", new { geography, preferredRegion });

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new JsonException("empty body");
    }

    /// <summary>Polls a durable status URL until the instance leaves Pending/Running.</summary>
    public async Task<JsonNode> WaitForStatusAsync(string statusUrl, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await _http.GetAsync(statusUrl);
            var body = await JsonAsync(response);
            var status = body["runtimeStatus"]?.GetValue<string>();
            if (status is not ("Running" or "Pending") || DateTime.UtcNow > deadline)
            {
                return body;
            }

            await Task.Delay(250);
        }
    }

    public void Dispose() => _http.Dispose();
}
