using System.Net;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Projects;
using static MigrateHub.EndToEnd.Tests.AppliancesTestApi;

namespace MigrateHub.EndToEnd.Tests;

[Collection(ProjectRulesCollection.Name)]
public sealed class ProjectRulesResidencyAndDeleteTests(DevHostFixture fixture)
{
    private sealed record Seeded(string Name, string ProjectId, string Region, IReadOnlyList<string> ApplianceIds, IReadOnlyList<(string Name, string Key)> Appliances, string ExportId);

    [Fact]
    public async Task Every_entity_and_blob_of_a_project_stays_in_its_region_and_the_directory_holds_only_routing_fields()
    {
        using var client = new HubClient(fixture.Host);
        var seeded = new[]
        {
            await SeedAsync(client, "Europe", null),
            await SeedAsync(client, "United Kingdom", null),
            await SeedAsync(client, "United States", null),
        };
        Assert.Equal(3, seeded.Select(s => s.Region).Distinct().Count());

        foreach (var project in seeded)
        {
            foreach (var (region, storage) in fixture.Host.Stack.Regions)
            {
                var hits = await StorageScanner.FindAsync(storage, project.ProjectId);
                var byName = await StorageScanner.FindAsync(storage, project.Name);
                var byAppliance = new List<string>();
                foreach (var id in project.ApplianceIds)
                {
                    byAppliance.AddRange(await StorageScanner.FindAsync(storage, id));
                }

                if (region == project.Region)
                {
                    // The project, its appliances (both rows), its export and its orchestration history are all here.
                    Assert.Contains(hits, h => h.StartsWith(ProjectRepository.TableName + "/", StringComparison.Ordinal));
                    Assert.Equal(4, hits.Count(h => h.StartsWith(ApplianceRepository.TableName + "/" + project.ProjectId + "/", StringComparison.Ordinal)));
                    Assert.Contains($"exports/{project.ProjectId}/{project.ExportId}.zip", hits);
                    Assert.Contains(hits, h => h.StartsWith(fixture.Host.Options.TaskHubName, StringComparison.OrdinalIgnoreCase));
                    Assert.NotEmpty(byAppliance);
                }
                else
                {
                    Assert.Empty(hits);
                    Assert.Empty(byName);
                    Assert.Empty(byAppliance);
                }
            }

            // The directory: two rows with exactly the routing fields, and no appliance fact anywhere in its storage.
            var entries = (await StorageScanner.EntitiesAsync(fixture.Host.Stack.Directory, ProjectDirectory.TableName))
                .Where(e => e.GetString("ProjectId") == project.ProjectId).ToList();
            Assert.Equal(2, entries.Count);
            foreach (var entry in entries)
            {
                var fields = entry.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).OrderBy(k => k, StringComparer.Ordinal);
                Assert.Equal(["Geography", "Name", "ProjectId", "Region", "Stamp"], fields);
                Assert.Equal(project.Region, entry.GetString("Region"));
            }

            Assert.All(await StorageScanner.FindAsync(fixture.Host.Stack.Directory, project.ProjectId),
                h => Assert.StartsWith(ProjectDirectory.TableName + "/", h, StringComparison.Ordinal));
            foreach (var id in project.ApplianceIds)
            {
                Assert.Empty(await StorageScanner.FindAsync(fixture.Host.Stack.Directory, id));
            }

            foreach (var (name, _) in project.Appliances)
            {
                Assert.Empty(await StorageScanner.FindAsync(fixture.Host.Stack.Directory, name));
            }
        }
    }

    [Fact]
    public async Task After_delete_nothing_of_the_project_remains_anywhere_and_other_projects_are_untouched()
    {
        using var client = new HubClient(fixture.Host);
        var doomed = await SeedAsync(client, "Europe", "northeurope");
        var kept = await SeedAsync(client, "Europe", "northeurope");
        var provisioningStatus = $"runtime/webhooks/durabletask/instances/{Uri.EscapeDataString(ProvisionInstance(doomed.ProjectId))}";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(provisioningStatus)).StatusCode);
        var keptBefore = await StorageScanner.FindAsync(fixture.Host.Stack.Regions[kept.Region], kept.ProjectId);

        using var deleted = await client.Http.DeleteAsync($"api/projects/{doomed.Name}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // Every region's tables and blobs and the directory: no trace of the project, its name or its appliances.
        foreach (var storage in fixture.Host.Stack.Regions.Values.Append(fixture.Host.Stack.Directory))
        {
            Assert.Empty(await StorageScanner.FindAsync(storage, doomed.ProjectId));
            Assert.Empty(await StorageScanner.FindAsync(storage, doomed.Name));
            foreach (var id in doomed.ApplianceIds)
            {
                Assert.Empty(await StorageScanner.FindAsync(storage, id));
            }
        }

        // Orchestration history purged; the API knows nothing of it; its appliances are refused.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(provisioningStatus)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/projects/{doomed.Name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/projects/{doomed.Name}/appliances")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await HeartbeatAsync(client, doomed.Name, doomed.Appliances[0].Name, doomed.Appliances[0].Key)).StatusCode);

        // The other project of the same region is whole and working.
        Assert.Equal(keptBefore.Order(StringComparer.Ordinal), (await StorageScanner.FindAsync(fixture.Host.Stack.Regions[kept.Region], kept.ProjectId)).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await HubClient.JsonAsync(await client.GetAsync($"api/projects/{kept.Name}/appliances")))["value"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, kept.Name, kept.Appliances[0].Name, kept.Appliances[0].Key)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"api/projects/{kept.Name}/exports/{kept.ExportId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(provisioningStatus.Replace(doomed.ProjectId, kept.ProjectId, StringComparison.Ordinal))).StatusCode);
    }

    private static string ProvisionInstance(string projectId) => projectId + ":provision";

    /// <summary>A project with two appliances (one seen), and an export.</summary>
    private static async Task<Seeded> SeedAsync(HubClient client, string geography, string? preferredRegion)
    {
        var name = NewName("seed");
        var (projectId, region) = await CreateProjectAsync(client, name, geography, preferredRegion);
        var appliances = new List<(string Name, string Key)>();
        var ids = new List<string>();
        foreach (var type in new[] { "VMware", "Physical" })
        {
            var appliance = NewApplianceName();
            var (body, key) = await RegisterAsync(client, name, appliance, type);
            appliances.Add((appliance, key));
            ids.Add(body["appliance"]!["properties"]!["applianceId"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, name, appliances[0].Name, appliances[0].Key, new { discoveredServers = 3 })).StatusCode);
        using var export = await client.Http.PostAsync($"api/projects/{name}/export", null);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        return new Seeded(name, projectId, region, ids, appliances, export.Headers.GetValues("x-migratehub-export-id").Single());
    }
}
