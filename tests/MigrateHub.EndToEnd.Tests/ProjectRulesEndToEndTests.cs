using System.Net;
using System.Net.Http.Json;
using MigrateHub.Shared.Projects;
using Microsoft.Extensions.DependencyInjection;

namespace MigrateHub.EndToEnd.Tests;

[Collection(ProjectRulesCollection.Name)]
public sealed class ProjectRulesEndToEndTests(DevHostFixture fixture)
{
    [Theory]
    [InlineData("{\"location\":\"northeurope\"}", "location")]
    [InlineData("{\"properties\":{\"region\":\"uksouth\"}}", "properties.region")]
    [InlineData("{\"resourceGroup\":\"rg-other\"}", "resourceGroup")]
    [InlineData("{\"subscriptionId\":\"00000000-0000-0000-0000-000000000001\"}", "subscriptionId")]
    [InlineData("{\"geography\":\"United States\"}", "geography")]
    public async Task A_move_request_is_refused_with_create_a_new_project_and_nothing_changes(string body, string field)
    {
        using var client = new HubClient(fixture.Host);
        var name = AppliancesTestApi.NewName("move");
        await AppliancesTestApi.CreateProjectAsync(client, name, "Europe", "westeurope");

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.Http.PatchAsync($"api/projects/{name}", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await HubClient.JsonAsync(response);
        Assert.Equal("MoveNotSupported", problem["code"]!.GetValue<string>());
        Assert.StartsWith("Moving a project is not supported: create a new project in the desired region.", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(problem["errors"]![field]);

        var project = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{name}"));
        Assert.Equal("westeurope", project["location"]!.GetValue<string>());
        var entry = await fixture.Host.Services.GetRequiredService<ProjectDirectory>().FindByNameAsync(name, CancellationToken.None);
        Assert.Equal("westeurope", entry!.Region);
    }

    [Fact]
    public async Task The_move_action_is_refused_and_an_unchanged_patch_returns_the_project()
    {
        using var client = new HubClient(fixture.Host);
        var name = AppliancesTestApi.NewName("move");
        await AppliancesTestApi.CreateProjectAsync(client, name, "United Kingdom");

        using var move = await client.Http.PostAsJsonAsync($"api/projects/{name}/move", new { targetResourceGroupId = "/subscriptions/x/resourceGroups/y" });
        Assert.Equal(HttpStatusCode.BadRequest, move.StatusCode);
        Assert.Contains("create a new project in the desired region", (await HubClient.JsonAsync(move))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var same = await client.Http.PatchAsJsonAsync($"api/projects/{name}", new { location = "uksouth" });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        using var readOnly = await client.Http.PatchAsJsonAsync($"api/projects/{name}", new { name = "renamed" });
        Assert.Equal(HttpStatusCode.BadRequest, readOnly.StatusCode);
        Assert.NotNull((await HubClient.JsonAsync(readOnly))["errors"]!["name"]);
        using var missing = await client.Http.PostAsync("api/projects/no-such-project-x/move", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("GET", "api/projects?api-version=2018-02-02")]
    [InlineData("GET", "api/projects/any-project?api-version=2019-10-01")]
    [InlineData("PUT", "api/projects/any-project?api-version=2020-05-01")]
    [InlineData("DELETE", "api/projects/any-project?api-version=2023-06-06-preview")]
    [InlineData("GET", "api/projects/any-project/appliances?api-version=2019-10-01")]
    [InlineData("GET", "api/classic/projects/legacy")]
    [InlineData("PUT", "api/classic/projects/legacy/groups/g1")]
    public async Task Classic_projects_answer_410_gone_with_guidance_to_create_a_new_project(string method, string path)
    {
        using var client = new HubClient(fixture.Host);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT")
        {
            request.Content = JsonContent.Create(new { geography = "Europe" });
        }

        using var response = await client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var problem = await HubClient.JsonAsync(response);
        Assert.Contains("Create a new project", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await fixture.Host.Services.GetRequiredService<ProjectDirectory>().FindByNameAsync("any-project", CancellationToken.None));
    }

    [Fact]
    public async Task A_current_api_version_works_and_a_malformed_one_is_400()
    {
        using var client = new HubClient(fixture.Host);
        using var current = await client.GetAsync("api/projects?api-version=2024-01-01");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        using var malformed = await client.GetAsync("api/projects?api-version=latest");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.NotNull((await HubClient.JsonAsync(malformed))["errors"]!["api-version"]);
    }

    [Fact]
    public async Task Classic_routes_need_the_user_key_like_every_user_call()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) };
        using var response = await http.GetAsync("api/classic/projects/legacy");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
