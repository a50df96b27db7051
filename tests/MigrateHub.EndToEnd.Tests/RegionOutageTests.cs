using System.Net;
using MigrateHub.DevHost;

namespace MigrateHub.EndToEnd.Tests;

public sealed class RegionOutageFixture : DevHostFixture
{
    protected override void Configure(DevHostOptions options)
    {
        options.Regions.Add("northeurope");
        options.Regions.Add("uksouth");
    }
}

public sealed class RegionOutageTests(RegionOutageFixture fixture) : IClassFixture<RegionOutageFixture>
{
    [Fact]
    public async Task A_region_whose_storage_is_down_answers_503_for_its_projects_only_and_recovers()
    {
        using var client = new HubClient(fixture.Host);
        var europe = "eu-" + Guid.NewGuid().ToString("N")[..10];
        var uk = "uk-" + Guid.NewGuid().ToString("N")[..10];
        var europeBody = await HubClient.JsonAsync(await client.CreateProjectAsync(europe, "Europe"));
        var ukBody = await HubClient.JsonAsync(await client.CreateProjectAsync(uk, "United Kingdom"));
        Assert.Equal("northeurope", europeBody["project"]!["location"]!.GetValue<string>());
        await client.WaitForStatusAsync(europeBody["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
        await client.WaitForStatusAsync(ukBody["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromSeconds(60));

        var northEurope = fixture.Host.Stack.Regions["northeurope"];
        await northEurope.StopAsync();
        try
        {
            using var down = await client.GetAsync($"api/projects/{europe}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.NotNull(down.Headers.RetryAfter);
            var problem = await HubClient.JsonAsync(down);
            Assert.Equal("northeurope", problem["region"]!.GetValue<string>());
            Assert.Contains("northeurope", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

            using var createDown = await client.CreateProjectAsync("eu2-" + Guid.NewGuid().ToString("N")[..10], "Europe");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, createDown.StatusCode);

            // The other region keeps working, for reads and for new projects.
            using var up = await client.GetAsync($"api/projects/{uk}");
            Assert.Equal(HttpStatusCode.OK, up.StatusCode);
            using var created = await client.CreateProjectAsync("uk2-" + Guid.NewGuid().ToString("N")[..10], "United Kingdom");
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
            var status = await client.WaitForStatusAsync((await HubClient.JsonAsync(created))["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
            Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        }
        finally
        {
            await northEurope.StartAsync();
        }

        using var back = await client.GetAsync($"api/projects/{europe}");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("Succeeded", (await HubClient.JsonAsync(back))["properties"]!["provisioningState"]!.GetValue<string>());
    }
}
