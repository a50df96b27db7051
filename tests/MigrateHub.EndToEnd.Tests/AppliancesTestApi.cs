using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Project and appliance calls shared by the appliance, security, export and residency tests.</summary>
internal static class AppliancesTestApi
{
    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static string NewApplianceName() => "ap-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Creates a project and waits for its provisioning; returns its id and region.</summary>
    public static async Task<(string ProjectId, string Region)> CreateProjectAsync(HubClient client, string name, string geography, string? preferredRegion = null)
    {
        using var created = await client.CreateProjectAsync(name, geography, preferredRegion);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var body = await HubClient.JsonAsync(created);
        var status = await client.WaitForStatusAsync(body["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        return (body["project"]!["properties"]!["projectId"]!.GetValue<string>(), body["project"]!["location"]!.GetValue<string>());
    }

    /// <summary>Registers an appliance; returns the answer and the credential.</summary>
    public static async Task<(JsonNode Body, string Key)> RegisterAsync(HubClient client, string project, string appliance, string sourceType)
    {
        using var response = await client.Http.PutAsJsonAsync($"api/projects/{project}/appliances/{appliance}", new { sourceType });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await HubClient.JsonAsync(response);
        return (body, body["credential"]!["key"]!.GetValue<string>());
    }

    /// <summary>An appliance's heartbeat, sent with its credential only (no user key).</summary>
    public static async Task<HttpResponseMessage> HeartbeatAsync(HubClient client, string project, string appliance, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(client.Http.BaseAddress!, $"api/projects/{project}/appliances/{appliance}/heartbeat"));
        if (key is not null)
        {
            request.Headers.Add("x-appliance-key", key);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var http = new HttpClient();
        return await http.SendAsync(request);
    }
}
