using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Projects;
using static MigrateHub.EndToEnd.Tests.AppliancesTestApi;

namespace MigrateHub.EndToEnd.Tests;

[Collection(ProjectRulesCollection.Name)]
public sealed class AppliancesEndToEndTests(DevHostFixture fixture)
{
    [Fact]
    public async Task Register_shows_the_credential_once_and_heartbeats_make_the_appliance_healthy_with_a_last_seen_time()
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("appl");
        await CreateProjectAsync(client, project, "Europe");
        var name = NewApplianceName();

        var (body, key) = await RegisterAsync(client, project, name, "hyper-v");
        Assert.StartsWith("mh1.", key, StringComparison.Ordinal);
        Assert.Equal("x-appliance-key", body["credential"]!["header"]!.GetValue<string>());
        var appliance = body["appliance"]!;
        Assert.Equal($"/projects/{project}/appliances/{name}", appliance["id"]!.GetValue<string>());
        Assert.Equal("HyperV", appliance["properties"]!["sourceType"]!.GetValue<string>());
        Assert.Equal("NotConnected", appliance["properties"]!["health"]!.GetValue<string>());
        Assert.Equal(5000, appliance["properties"]!["maxServers"]!.GetValue<int>());
        Assert.Null(appliance["properties"]!["lastSeen"]);

        using var beat = await HeartbeatAsync(client, project, name, key, new { agentVersion = "6.1.2", discoveredServers = 42 });
        Assert.Equal(HttpStatusCode.OK, beat.StatusCode);
        Assert.Equal("Healthy", (await HubClient.JsonAsync(beat))["health"]!.GetValue<string>());
        using var emptyBeat = await HeartbeatAsync(client, project, name, key);
        Assert.Equal(HttpStatusCode.OK, emptyBeat.StatusCode);

        var list = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{project}/appliances"));
        var item = list["value"]!.AsArray().Single()!;
        Assert.Equal(name, item["name"]!.GetValue<string>());
        Assert.Equal("Healthy", item["properties"]!["health"]!.GetValue<string>());
        Assert.Equal(42, item["properties"]!["discoveredServers"]!.GetValue<int>());
        Assert.Equal("6.1.2", item["properties"]!["agentVersion"]!.GetValue<string>());
        var lastSeen = item["properties"]!["lastSeen"]!.GetValue<DateTimeOffset>();
        Assert.InRange(lastSeen, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        // The same registration again: 200, no new credential, the old one still works.
        using var again = await client.Http.PutAsJsonAsync($"api/projects/{project}/appliances/{name}", new { sourceType = "HyperV" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Null((await HubClient.JsonAsync(again))["credential"]);
        using var stillWorks = await HeartbeatAsync(client, project, name, key);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);

        // Another source type under the same name is a conflict.
        using var otherType = await client.Http.PutAsJsonAsync($"api/projects/{project}/appliances/{name}", new { sourceType = "VMware" });
        Assert.Equal(HttpStatusCode.Conflict, otherType.StatusCode);
    }

    [Theory]
    [InlineData("ok-name", "Mainframe", "sourceType")]
    [InlineData("ok-name", null, "sourceType")]
    [InlineData("name-that-is-far-too-long", "VMware", "name")]
    [InlineData("bad_name", "VMware", "name")]
    public async Task An_invalid_registration_answers_400_naming_the_field_and_stores_nothing(string name, string? sourceType, string field)
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("invalid-appl");
        var (projectId, region) = await CreateProjectAsync(client, project, "United Kingdom");

        using var response = await client.Http.PutAsJsonAsync($"api/projects/{project}/appliances/{name}", new { sourceType });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull((await HubClient.JsonAsync(response))["errors"]![field]);
        var hits = await StorageScanner.FindAsync(fixture.Host.Stack.Regions[region], projectId);
        Assert.DoesNotContain(hits, h => h.StartsWith(ApplianceRepository.TableName + "/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Appliances_of_an_unknown_project_are_404()
    {
        using var client = new HubClient(fixture.Host);
        using var register = await client.Http.PutAsJsonAsync("api/projects/no-such-project-x/appliances/ap1", new { sourceType = "VMware" });
        using var list = await client.GetAsync("api/projects/no-such-project-x/appliances");
        Assert.Equal(HttpStatusCode.NotFound, register.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
    }

    [Fact]
    public async Task Rotate_replaces_the_credential_revoke_refuses_it_and_delete_removes_the_appliance()
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("rotate");
        await CreateProjectAsync(client, project, "Europe");
        var name = NewApplianceName();
        var (_, first) = await RegisterAsync(client, project, name, "VMware");

        using var rotate = await client.Http.PostAsync($"api/projects/{project}/appliances/{name}/rotateCredential", null);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var second = (await HubClient.JsonAsync(rotate))["credential"]!["key"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await HeartbeatAsync(client, project, name, first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, project, name, second)).StatusCode);

        using var revoke = await client.Http.PostAsync($"api/projects/{project}/appliances/{name}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("Revoked", (await HubClient.JsonAsync(revoke))["properties"]!["credentialState"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await HeartbeatAsync(client, project, name, second)).StatusCode);

        // Rotating a revoked appliance issues a new credential and re-enables it.
        using var reissue = await client.Http.PostAsync($"api/projects/{project}/appliances/{name}/rotateCredential", null);
        var third = (await HubClient.JsonAsync(reissue))["credential"]!["key"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, project, name, third)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await HeartbeatAsync(client, project, name, second)).StatusCode);

        using var delete = await client.Http.DeleteAsync($"api/projects/{project}/appliances/{name}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await HeartbeatAsync(client, project, name, third)).StatusCode);
        using var read = await client.GetAsync($"api/projects/{project}/appliances/{name}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using var deleteAgain = await client.Http.DeleteAsync($"api/projects/{project}/appliances/{name}");
        Assert.Equal(HttpStatusCode.NotFound, deleteAgain.StatusCode);
    }

    [Fact]
    public async Task The_health_timer_marks_silent_appliances_unhealthy_and_a_heartbeat_makes_them_healthy_again()
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("health");
        await CreateProjectAsync(client, project, "United States");

        // Two appliances registered two hours ago; one of them sends a heartbeat now.
        var services = fixture.Host.Services;
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var service = new ApplianceService(services.GetRequiredService<ProjectDirectory>(), services.GetRequiredService<ApplianceRepository>(),
            services.GetRequiredService<IOptions<ApplianceOptions>>(), past, NullLogger<ApplianceService>.Instance);
        var silent = NewApplianceName();
        var alive = NewApplianceName();
        Assert.IsType<ApplianceOutcome.Done>(await service.RegisterAsync(project, silent, new RegisterApplianceRequest("Physical"), CancellationToken.None));
        var aliveKey = Assert.IsType<ApplianceOutcome.Done>(await service.RegisterAsync(project, alive, new RegisterApplianceRequest("Other"), CancellationToken.None)).Credential!;
        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, project, alive, aliveKey)).StatusCode);

        using var run = await client.Http.PostAsync("admin/functions/ApplianceHealthCheck", null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        var list = (await HubClient.JsonAsync(await client.GetAsync($"api/projects/{project}/appliances")))["value"]!.AsArray();
        Assert.Equal("Unhealthy", list.Single(a => a!["name"]!.GetValue<string>() == silent)!["properties"]!["health"]!.GetValue<string>());
        Assert.Equal("Healthy", list.Single(a => a!["name"]!.GetValue<string>() == alive)!["properties"]!["health"]!.GetValue<string>());

        var silentKey = await RotateAsync(client, project, silent);
        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, project, silent, silentKey)).StatusCode);
        var back = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{project}/appliances/{silent}"));
        Assert.Equal("Healthy", back["properties"]!["health"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("VMware", 10_000)]
    [InlineData("HyperV", 5_000)]
    [InlineData("Physical", 1_000)]
    [InlineData("Other", 1_000)]
    public async Task Each_source_type_has_its_server_limit_checked_for_ingestion(string sourceType, int limit)
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("limits");
        var (projectId, region) = await CreateProjectAsync(client, project, "Europe");
        var name = NewApplianceName();
        var (body, _) = await RegisterAsync(client, project, name, sourceType);
        Assert.Equal(limit, body["appliance"]!["properties"]!["maxServers"]!.GetValue<int>());

        var service = fixture.Host.Services.GetRequiredService<ApplianceService>();
        var identity = new ApplianceIdentity(projectId, project, region, body["appliance"]!["properties"]!["applianceId"]!.GetValue<string>(), name, sourceType);
        Assert.True((await service.CheckServerCountAsync(identity, limit, CancellationToken.None))!.Allowed);
        var over = (await service.CheckServerCountAsync(identity, limit + 1, CancellationToken.None))!;
        Assert.False(over.Allowed);
        Assert.Equal(limit, over.Limit);
    }

    private static async Task<string> RotateAsync(HubClient client, string project, string appliance)
    {
        using var rotate = await client.Http.PostAsync($"api/projects/{project}/appliances/{appliance}/rotateCredential", null);
        return (await HubClient.JsonAsync(rotate))["credential"]!["key"]!.GetValue<string>();
    }
}
