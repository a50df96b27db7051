using System.Net;

namespace MigrateHub.EndToEnd.Tests;

[Collection(ProjectRulesCollection.Name)]
public sealed class GeographiesEndToEndTests(DevHostFixture fixture)
{
    [Fact]
    public async Task The_list_has_public_and_government_geographies_with_their_regions_and_which_are_hosted()
    {
        using var client = new HubClient(fixture.Host);
        using var response = await client.GetAsync("api/geographies");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = (await HubClient.JsonAsync(response))["value"]!.AsArray();
        var names = list.Select(g => g!["name"]!.GetValue<string>()).ToList();
        foreach (var expected in new[] { "Europe", "United States", "United Kingdom", "Asia Pacific", "Australia", "Japan", "Canada", "India", "Brazil", "Azure Government" })
        {
            Assert.Contains(expected, names);
        }

        var government = list.Single(g => g!["name"]!.GetValue<string>() == "Azure Government")!;
        Assert.Equal("Government", government["cloud"]!.GetValue<string>());
        var europe = list.Single(g => g!["name"]!.GetValue<string>() == "Europe")!;
        Assert.Equal("Public", europe["cloud"]!.GetValue<string>());
        var regions = europe["regions"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!["hosted"]!.GetValue<bool>());
        Assert.True(regions["northeurope"]);
        Assert.True(regions["westeurope"]);
        var japan = list.Single(g => g!["name"]!.GetValue<string>() == "Japan")!;
        Assert.All(japan["regions"]!.AsArray(), r => Assert.False(r!["hosted"]!.GetValue<bool>()));
    }

    [Theory]
    [InlineData("United%20Kingdom")]
    [InlineData("unitedkingdom")]
    public async Task One_geography_is_found_by_name_or_id(string key)
    {
        using var client = new HubClient(fixture.Host);
        using var response = await client.GetAsync($"api/geographies/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var geography = await HubClient.JsonAsync(response);
        Assert.Equal("/geographies/unitedkingdom", geography["id"]!.GetValue<string>());
        Assert.Equal(["uksouth", "ukwest"], geography["regions"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_unknown_geography_is_404_listing_the_valid_ones()
    {
        using var client = new HubClient(fixture.Host);
        using var response = await client.GetAsync("api/geographies/atlantis");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await HubClient.JsonAsync(response);
        Assert.Contains("Azure Government", problem["validGeographies"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task Regions_are_allocated_inside_the_geography_spread_and_stable_per_project()
    {
        using var client = new HubClient(fixture.Host);
        var regions = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            using var created = await client.CreateProjectAsync(AppliancesTestApi.NewName("spread"), "Europe");
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
            regions.Add((await HubClient.JsonAsync(created))["project"]!["location"]!.GetValue<string>());
        }

        Assert.All(regions, r => Assert.Contains(r, new[] { "northeurope", "westeurope" }));
        Assert.Equal(2, regions.Distinct().Count());
    }

    [Fact]
    public async Task A_geography_without_a_stamp_or_a_region_outside_the_geography_is_400_with_the_valid_choices()
    {
        using var client = new HubClient(fixture.Host);
        using var japan = await client.CreateProjectAsync(AppliancesTestApi.NewName("japan"), "Japan");
        Assert.Equal(HttpStatusCode.BadRequest, japan.StatusCode);
        using var outside = await client.CreateProjectAsync(AppliancesTestApi.NewName("outside"), "United Kingdom", "westeurope");
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        var problem = await HubClient.JsonAsync(outside);
        Assert.NotNull(problem["errors"]!["preferredRegion"]);
        Assert.Contains("uksouth, ukwest", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
