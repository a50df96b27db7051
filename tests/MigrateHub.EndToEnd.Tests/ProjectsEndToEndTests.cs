using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.EndToEnd.Tests;

public sealed class ProjectsEndToEndTests(DevHostFixture fixture) : IClassFixture<DevHostFixture>
{
    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Create_in_Europe_stores_the_project_only_in_its_allocated_region_and_provisioning_completes()
    {
        using var client = new HubClient(fixture.Host);
        var name = NewName("residency");

        using var created = await client.CreateProjectAsync(name, "Europe");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var body = await HubClient.JsonAsync(created);
        var projectId = body["project"]!["properties"]!["projectId"]!.GetValue<string>();
        var region = body["project"]!["location"]!.GetValue<string>();
        Assert.Contains(region, new[] { "northeurope", "westeurope" });
        var statusUrl = body["provisioning"]!["statusQueryGetUri"]!.GetValue<string>();
        Assert.Equal(statusUrl, created.Headers.Location!.ToString());

        var status = await client.WaitForStatusAsync(statusUrl, TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("Succeeded", status["output"]!["ProvisioningState"]!.GetValue<string>());
        Assert.Equal("Succeeded", status["customStatus"]!["Stage"]!.GetValue<string>());

        using var read = await client.GetAsync($"api/projects/{name}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var project = await HubClient.JsonAsync(read);
        Assert.Equal(region, project["properties"]!["region"]!.GetValue<string>());
        Assert.Equal("Succeeded", project["properties"]!["provisioningState"]!.GetValue<string>());

        // Every region's storage is read: the project's id appears in its own region only.
        foreach (var (storageRegion, storage) in fixture.Host.Stack.Regions)
        {
            var hits = await StorageScanner.FindAsync(storage, projectId);
            if (storageRegion == region)
            {
                Assert.Contains(hits, h => h.StartsWith(ProjectRepository.TableName + "/", StringComparison.Ordinal));
            }
            else
            {
                Assert.Empty(hits);
            }
        }

        // The directory holds only the routing fields.
        var entries = (await StorageScanner.EntitiesAsync(fixture.Host.Stack.Directory, ProjectDirectory.TableName))
            .Where(e => e.GetString("ProjectId") == projectId).ToList();
        Assert.Equal(2, entries.Count);
        foreach (var entry in entries)
        {
            var fields = entry.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).OrderBy(k => k, StringComparer.Ordinal);
            Assert.Equal(["Geography", "Name", "ProjectId", "Region", "Stamp"], fields);
        }
    }

    [Fact]
    public async Task Repeating_a_create_returns_the_same_project_and_another_geography_is_a_conflict()
    {
        using var client = new HubClient(fixture.Host);
        var name = NewName("repeat");
        using var first = await client.CreateProjectAsync(name, "United Kingdom");
        var firstBody = await HubClient.JsonAsync(first);
        await client.WaitForStatusAsync(firstBody["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromSeconds(60));

        using var second = await client.CreateProjectAsync(name, "united kingdom");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondBody = await HubClient.JsonAsync(second);
        Assert.Equal(firstBody["project"]!["properties"]!["projectId"]!.GetValue<string>(), secondBody["project"]!["properties"]!["projectId"]!.GetValue<string>());
        Assert.Equal("uksouth", secondBody["project"]!["location"]!.GetValue<string>());

        using var moved = await client.CreateProjectAsync(name, "Europe");
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.Equal("application/problem+json", moved.Content.Headers.ContentType!.MediaType);
        Assert.Contains("cannot be moved", (await HubClient.JsonAsync(moved))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Atlantis", null, "geography")]
    [InlineData("Europe", "eastus", "preferredRegion")]
    public async Task An_invalid_create_answers_400_naming_the_field_and_stores_nothing(string geography, string? preferredRegion, string field)
    {
        using var client = new HubClient(fixture.Host);
        var name = NewName("invalid");
        using var response = await client.CreateProjectAsync(name, geography, preferredRegion);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HubClient.JsonAsync(response);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Contains(field == "geography" ? "Europe" : "northeurope", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var directory = fixture.Host.Services.GetRequiredService<ProjectDirectory>();
        Assert.Null(await directory.FindByNameAsync(name, CancellationToken.None));
    }

    [Fact]
    public async Task A_preferred_region_inside_the_geography_is_honoured()
    {
        using var client = new HubClient(fixture.Host);
        using var response = await client.CreateProjectAsync(NewName("preferred"), "Europe", "westeurope");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("westeurope", (await HubClient.JsonAsync(response))["project"]!["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_is_a_problem_and_nothing_is_stored()
    {
        using var client = new HubClient(fixture.Host);
        var name = NewName("malformed");
        using var content = new StringContent("{\"geography\": ", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.Http.PutAsync($"api/projects/{name}", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(await fixture.Host.Services.GetRequiredService<ProjectDirectory>().FindByNameAsync(name, CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Calls_without_the_right_key_are_refused_with_401(string? key)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        var name = NewName("nokey");
        using var create = await http.PutAsync($"api/projects/{name}", new StringContent("{\"geography\":\"Europe\"}"));
        using var list = await http.GetAsync("api/projects");
        using var status = await http.GetAsync("runtime/webhooks/durabletask/instances/anything");

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
        Assert.Null(await fixture.Host.Services.GetRequiredService<ProjectDirectory>().FindByNameAsync(name, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_removes_the_project_from_every_storage_and_purges_its_orchestrations_leaving_others_untouched()
    {
        using var client = new HubClient(fixture.Host);
        var doomed = NewName("doomed");
        var kept = NewName("kept");
        var doomedBody = await HubClient.JsonAsync(await client.CreateProjectAsync(doomed, "United States"));
        var keptBody = await HubClient.JsonAsync(await client.CreateProjectAsync(kept, "United States"));
        var statusUrl = doomedBody["provisioning"]!["statusQueryGetUri"]!.GetValue<string>();
        await client.WaitForStatusAsync(statusUrl, TimeSpan.FromSeconds(60));
        await client.WaitForStatusAsync(keptBody["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
        var doomedId = doomedBody["project"]!["properties"]!["projectId"]!.GetValue<string>();
        var keptId = keptBody["project"]!["properties"]!["projectId"]!.GetValue<string>();

        using var deleted = await client.Http.DeleteAsync($"api/projects/{doomed}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var read = await client.GetAsync($"api/projects/{doomed}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using var status = await client.GetAsync(statusUrl);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        foreach (var storage in fixture.Host.Stack.Regions.Values.Append(fixture.Host.Stack.Directory))
        {
            Assert.Empty(await StorageScanner.FindAsync(storage, doomedId));
        }

        Assert.NotEmpty(await StorageScanner.FindAsync(fixture.Host.Stack.Regions["centralus"], keptId));
        using var keptRead = await client.GetAsync($"api/projects/{kept}");
        Assert.Equal(HttpStatusCode.OK, keptRead.StatusCode);

        using var again = await client.Http.DeleteAsync($"api/projects/{doomed}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task The_sweep_timer_provisions_a_project_whose_start_was_lost()
    {
        // A project stored ten minutes ago whose provisioning orchestration never started.
        var services = fixture.Host.Services;
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        var service = new ProjectService(services.GetRequiredService<HubStorage>(), services.GetRequiredService<ProjectDirectory>(),
            services.GetRequiredService<ProjectRepository>(), past);
        var name = NewName("lost");
        var outcome = Assert.IsType<CreateProjectOutcome.Created>(await service.CreateAsync(name, new CreateProjectRequest("Europe", null), CancellationToken.None));

        using var client = new HubClient(fixture.Host);
        using var run = await client.Http.PostAsync("admin/functions/ProvisioningSweep", null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        var statusUrl = $"runtime/webhooks/durabletask/instances/{Uri.EscapeDataString(outcome.Project.Id + ":provision")}";
        var status = await client.WaitForStatusAsync(statusUrl, TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        var project = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{name}"));
        Assert.Equal("Succeeded", project["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_list_shows_routing_facts_of_every_project()
    {
        using var client = new HubClient(fixture.Host);
        var name = NewName("listed");
        using var created = await client.CreateProjectAsync(name, "United Kingdom");
        var list = await HubClient.JsonAsync(await client.GetAsync("api/projects"));
        var item = list["value"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == name)!;
        Assert.Equal("uksouth", item["location"]!.GetValue<string>());
        Assert.Equal("United Kingdom", item["geography"]!.GetValue<string>());
    }
}
