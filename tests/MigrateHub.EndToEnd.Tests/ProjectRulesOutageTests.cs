using System.Net;
using static MigrateHub.EndToEnd.Tests.AppliancesTestApi;

namespace MigrateHub.EndToEnd.Tests;

[Collection(ProjectRulesCollection.Name)]
public sealed class ProjectRulesOutageTests(DevHostFixture fixture)
{
    [Fact]
    public async Task During_a_regional_outage_only_that_regions_appliances_and_exports_answer_503_and_they_work_again_after()
    {
        using var client = new HubClient(fixture.Host);
        var europe = NewName("out-eu");
        var uk = NewName("out-uk");
        await CreateProjectAsync(client, europe, "Europe", "northeurope");
        await CreateProjectAsync(client, uk, "United Kingdom", "uksouth");
        var euAppliance = NewApplianceName();
        var ukAppliance = NewApplianceName();
        var (_, euKey) = await RegisterAsync(client, europe, euAppliance, "VMware");
        var (_, ukKey) = await RegisterAsync(client, uk, ukAppliance, "HyperV");

        var northEurope = fixture.Host.Stack.Regions["northeurope"];
        await northEurope.StopAsync();
        try
        {
            foreach (var response in new[]
            {
                await HeartbeatAsync(client, europe, euAppliance, euKey),
                await client.GetAsync($"api/projects/{europe}/appliances"),
                await client.Http.PostAsync($"api/projects/{europe}/export", null),
                await client.Http.PostAsync($"api/projects/{europe}/appliances/{euAppliance}/rotateCredential", null),
            })
            {
                using (response)
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.NotNull(response.Headers.RetryAfter);
                    Assert.Equal("northeurope", (await HubClient.JsonAsync(response))["region"]!.GetValue<string>());
                }
            }

            // The other region is not affected, and the health timer still runs for it.
            Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, uk, ukAppliance, ukKey)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.Http.PostAsync($"api/projects/{uk}/export", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await client.Http.PostAsync("admin/functions/ApplianceHealthCheck", null)).StatusCode);
            var ukList = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{uk}/appliances"));
            Assert.Equal("Healthy", ukList["value"]![0]!["properties"]!["health"]!.GetValue<string>());
        }
        finally
        {
            await northEurope.StartAsync();
        }

        // Back: the same credential works, nothing was lost.
        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, europe, euAppliance, euKey)).StatusCode);
        var euList = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{europe}/appliances"));
        Assert.Equal("Healthy", euList["value"]![0]!["properties"]!["health"]!.GetValue<string>());
    }

    [Fact]
    public async Task Work_accepted_before_an_outage_resumes_and_completes_once_the_region_is_back()
    {
        using var client = new HubClient(fixture.Host);
        var hub = fixture.Host.Hubs["northeurope"];
        var storage = fixture.Host.Stack.Regions["northeurope"];
        var name = NewName("inflight");

        // Accepted (202) while the region's worker is not picking work up: the provisioning is in flight.
        await hub.StopWorkerAsync();
        System.Text.Json.Nodes.JsonNode created;
        try
        {
            using var response = await client.CreateProjectAsync(name, "Europe", "northeurope");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            created = await HubClient.JsonAsync(response);
            await storage.StopAsync();
            try
            {
                using var down = await client.GetAsync($"api/projects/{name}");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            }
            finally
            {
                await storage.StartAsync();
            }
        }
        finally
        {
            await hub.StartWorkerAsync();
        }

        var status = await client.WaitForStatusAsync(created["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromSeconds(90));
        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        var project = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{name}"));
        Assert.Equal("Succeeded", project["properties"]!["provisioningState"]!.GetValue<string>());
    }
}
