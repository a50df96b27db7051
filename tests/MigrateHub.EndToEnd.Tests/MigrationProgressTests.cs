using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MigrateHub.Appliance.Replication;
using MigrateHub.Shared.Inventory;
using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Seed progress reported by the appliance (<c>POST workItems/{id}/progress</c>) in the migration item views.</summary>
[Collection(MigrationCollection.Name)]
public sealed class MigrationProgressTests(MigrationFixture fixture)
{
    [Fact]
    public async Task Seed_progress_goes_from_0_to_a_reported_middle_value_never_back_and_to_100_after_the_initial_replication()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migp", [Server("prog-01"), Server("prog-02")]);
        await WaitAsync(hub, p, "prog-01", s => S(s, "state") == "Discovered", "discovered");
        await WaitAsync(hub, p, "prog-02", s => S(s, "state") == "Discovered", "discovered");

        // The fake appliance answers everything but prog-01's seed, which this test plays by hand.
        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.FromMilliseconds(300))
        {
            Ignore = w => S(w, "serverId") == "prog-01" && S(w, "kind") == "InitialSeed",
        };
        await AcceptedAsync(await EnableAsync(hub, p, ["prog-01", "prog-02"]));
        var seeding = await WaitAsync(hub, p, "prog-01", s => s["currentCycle"] is JsonObject c && S(c, "kind") == "InitialSeed", "the seed in flight");
        var seed = S(seeding["currentCycle"]!, "workItemId");
        Assert.Equal("InitialSeedingInProgress", S(seeding, "migrationState"));
        Assert.Equal(0, Percent(seeding));
        Assert.Null(seeding["bytesTransferred"]);
        await WaitAsync(hub, p, "prog-02", s => s["initialReplicationCompleted"]!.GetValue<bool>(), "prog-02's initial replication");

        using var ap = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        ap.DefaultRequestHeaders.Add("x-appliance-key", p.Key);
        var workItems = $"api/projects/{p.Project}/appliances/{p.Appliance}/workItems";
        var progressUri = $"{workItems}/{seed}/progress";

        // Bad input: 400 naming the fields, nothing stored.
        await InvalidAsync(ap, progressUri, new { bytesTransferred = 0, totalBytes = 0 }, "totalBytes");
        await InvalidAsync(ap, progressUri, new { bytesTransferred = -1, totalBytes = 10_000 }, "bytesTransferred");
        await InvalidAsync(ap, progressUri, new { bytesTransferred = 10_001, totalBytes = 10_000 }, "bytesTransferred");
        await InvalidAsync(ap, progressUri, new { totalBytes = 10_000 }, "bytesTransferred");
        await InvalidAsync(ap, progressUri, new { }, "bytesTransferred", "totalBytes");
        using (var malformed = await ap.PostAsync(progressUri, new StringContent("""{"bytesTransferred":"half","totalBytes":10}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Contains("bytesTransferred", S(await HubClient.JsonAsync(malformed), "detail"), StringComparison.Ordinal);
        }

        using (var unknown = await ap.PostAsJsonAsync($"{workItems}/prog-01-000099-InitialSeed-0/progress", new { bytesTransferred = 1, totalBytes = 2 }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.Null(JsonNode.Parse(await ap.GetStringAsync($"{workItems}/{seed}"))!["progress"]);
        Assert.Equal(0, Percent(await ItemAsync(hub, p, "prog-01")));

        // A middle value, in the item and in the list (next to a server whose seed is done).
        var stored = await ProgressAsync(ap, progressUri, 4_599, 10_000);
        Assert.True(stored["stored"]!.GetValue<bool>());
        Assert.Equal(45, stored["percent"]!.GetValue<int>());
        var middle = await ItemAsync(hub, p, "prog-01");
        Assert.Equal((45, 4_599L, 10_000L), (Percent(middle), middle["bytesTransferred"]!.GetValue<long>(), middle["totalBytes"]!.GetValue<long>()));
        Assert.NotNull(middle["progressReportedAt"]);
        var list = await ListAsync(hub, p);
        Assert.Equal((45, 4_599L), (Percent(list["prog-01"]), list["prog-01"]["bytesTransferred"]!.GetValue<long>()));
        Assert.Equal(100, Percent(list["prog-02"]));

        // An older report delivered late does not move it back.
        var older = await ProgressAsync(ap, progressUri, 3_000, 10_000);
        Assert.False(older["stored"]!.GetValue<bool>());
        Assert.Equal(4_599, older["bytesTransferred"]!.GetValue<long>());
        var kept = await ItemAsync(hub, p, "prog-01");
        Assert.Equal((45, 4_599L), (Percent(kept), kept["bytesTransferred"]!.GetValue<long>()));
        Assert.Equal(45, Percent((await ListAsync(hub, p))["prog-01"]));

        // Every byte copied but the seed not reported yet: 99, not 100.
        Assert.True((await ProgressAsync(ap, progressUri, 10_000, 10_000))["stored"]!.GetValue<bool>());
        var copied = await ItemAsync(hub, p, "prog-01");
        Assert.Equal((99, 10_000L, false), (Percent(copied), copied["bytesTransferred"]!.GetValue<long>(), copied["initialReplicationCompleted"]!.GetValue<bool>()));

        // Another project's appliance can never touch it: refused on this project's route as the other work-item
        // routes refuse it, and unknown on its own.
        var other = AppliancesTestApi.NewName("migq");
        await AppliancesTestApi.CreateProjectAsync(hub, other, "Europe", "westeurope");
        var otherAppliance = AppliancesTestApi.NewApplianceName();
        var (_, otherKey) = await AppliancesTestApi.RegisterAsync(hub, other, otherAppliance, "VMware");
        using var intruder = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        intruder.DefaultRequestHeaders.Add("x-appliance-key", otherKey);
        var bigger = new { bytesTransferred = 20_000, totalBytes = 40_000 };
        using (var get = await intruder.GetAsync($"{workItems}/{seed}"))
        using (var post = await intruder.PostAsJsonAsync(progressUri, bigger))
        {
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.Equal(get.StatusCode, post.StatusCode);
        }

        using (var own = await intruder.PostAsJsonAsync($"api/projects/{other}/appliances/{otherAppliance}/workItems/{seed}/progress", bigger))
        {
            Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);
        }

        var untouched = JsonNode.Parse(await ap.GetStringAsync($"{workItems}/{seed}"))!["progress"]!;
        Assert.Equal((10_000L, 10_000L), (untouched["bytesTransferred"]!.GetValue<long>(), untouched["totalBytes"]!.GetValue<long>()));

        // The seed reported: 100 once the lifecycle records the initial replication; never below 99 meanwhile, in
        // the item or in the stored list.
        using (var report = await ap.PostAsJsonAsync($"{workItems}/{seed}/report", new { succeeded = true, bytesTransferred = 10_000 }))
        {
            Assert.Equal(HttpStatusCode.Accepted, report.StatusCode);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var item = await ItemAsync(hub, p, "prog-01");
            var listed = (await ListAsync(hub, p))["prog-01"];
            Assert.True(Percent(item) >= 99, item.ToJsonString());
            Assert.True(Percent(listed) >= 99, listed.ToJsonString());
            if (listed["initialReplicationCompleted"]!.GetValue<bool>() && item["initialReplicationCompleted"]!.GetValue<bool>())
            {
                Assert.Equal(100, Percent(item));
                Assert.Equal(100, Percent(listed));
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the initial replication was not recorded: {item.ToJsonString()}");
            await Task.Delay(200);
        }

        // Progress of a reported work item is answered with its state and stores nothing.
        using (var late = await ap.PostAsJsonAsync(progressUri, bigger))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
            var body = await HubClient.JsonAsync(late);
            Assert.Equal(("Reported", false), (S(body, "state"), body["stored"]!.GetValue<bool>()));
        }

        Assert.Equal(10_000, JsonNode.Parse(await ap.GetStringAsync($"{workItems}/{seed}"))!["progress"]!["bytesTransferred"]!.GetValue<long>());
        Assert.Equal(100, Percent(await ItemAsync(hub, p, "prog-01")));
    }

    [Fact]
    public async Task The_appliance_simulator_reports_a_seeds_progress_and_the_item_shows_it_moving_up_to_100()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migps", [Server("sim-01")]);
        await WaitAsync(hub, p, "sim-01", s => S(s, "state") == "Discovered", "discovered");

        // 64 GB + 128 GB disks: a seed of 192 x 0.7 GiB at 1000 Mbit/s is ~1,150 simulated seconds, ~11.5 s at x100.
        var inventory = new[] { new DiscoveredServer
        {
            Id = "sim-01",
            Name = "sim-01",
            Disks = [new DiscoveredDisk { Id = "sim-01-disk0", SizeGb = 64 }, new DiscoveredDisk { Id = "sim-01-disk1", SizeGb = 128 }],
        } };
        var seedBytes = (long)(192 * 0.7 * (1L << 30));
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var agent = new ReplicationAgent(new WorkItemClient(http, p.Project, p.Appliance, p.Key), inventory,
            new ReplicationOptions { Speedup = 100, BandwidthMbps = 1000 },
            new AgentOptions { PollInterval = TimeSpan.FromMilliseconds(250), ProgressPercentStep = 10, ProgressInterval = TimeSpan.FromMilliseconds(500) });
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);
        await AcceptedAsync(await EnableAsync(hub, p, ["sim-01"]));

        var seen = new List<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var item = await ItemAsync(hub, p, "sim-01");
            seen.Add(Percent(item));
            if (Percent(item) is > 0 and < 100)
            {
                Assert.Equal(seedBytes, item["totalBytes"]!.GetValue<long>());
                Assert.Equal(Percent(item), (int)(item["bytesTransferred"]!.GetValue<long>() * 100 / seedBytes));
            }

            if (item["initialReplicationCompleted"]!.GetValue<bool>())
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no initial replication; seen {string.Join(", ", seen)}");
            await Task.Delay(250);
        }

        await stop.CancelAsync();
        await running;
        Assert.Equal(100, seen[^1]);
        Assert.Contains(seen, v => v is > 0 and < 100);
        Assert.Equal(seen.Order(), seen);
        Assert.InRange(agent.Status().ProgressReports, 1, 9);
        Assert.Equal(0, agent.Status().ProgressErrors);
    }

    private static int Percent(JsonNode item) => item["replicationProgressPercent"]!.GetValue<int>();

    private static async Task<JsonNode> ProgressAsync(HttpClient appliance, string uri, long bytesTransferred, long totalBytes)
    {
        using var response = await appliance.PostAsJsonAsync(uri, new { bytesTransferred, totalBytes });
        var body = await HubClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Pending", S(body, "state"));
        return body;
    }

    private static async Task InvalidAsync(HttpClient appliance, string uri, object body, params string[] fields)
    {
        using var response = await appliance.PostAsJsonAsync(uri, body);
        var problem = await HubClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.ToJsonString());
        Assert.Equal(fields.Order(StringComparer.Ordinal), problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    private static async Task<Dictionary<string, JsonNode>> ListAsync(HubClient hub, MigrationProject p)
    {
        using var response = await hub.GetAsync($"api/projects/{p.Project}/migrationItems");
        var body = await HubClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body["value"]!.AsArray().ToDictionary(i => S(i!, "serverId"), i => i!);
    }
}
