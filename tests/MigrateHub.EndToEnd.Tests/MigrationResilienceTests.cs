using System.Net;
using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

[Collection(MigrationCollection.Name)]
public sealed class MigrationResilienceTests(MigrationFixture fixture)
{
    [Fact]
    public async Task The_durable_worker_stopped_during_a_delta_cycle_and_during_a_cutover_a_new_worker_finishes_both_without_duplicate_Azure_resources()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migw", [Server("wrk-01", dataDisks: 1)]);
        await WaitAsync(hub, p, "wrk-01", s => S(s, "state") == "Discovered", "discovered");
        await using var appliance = new FakeAppliance(host, p, item => S(item, "kind") == "Delta" ? TimeSpan.FromSeconds(3) : TimeSpan.FromMilliseconds(300));
        await AcceptedAsync(await OperationAsync(hub, p, "wrk-01", "enableReplication", Target(p)));

        // A delta cycle in flight (the appliance reports it after 3 s): stop the worker, let the report arrive, start a new worker.
        var inDelta = await WaitAsync(hub, p, "wrk-01", s => s["currentCycle"] is { } c && S(c, "kind") == "Delta", "a delta in flight");
        var cycle = inDelta["currentCycle"]!["cycle"]!.GetValue<int>();
        var hubRegion = host.Hubs[p.Region];
        await hubRegion.StopWorkerAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        await hubRegion.StartWorkerAsync();
        var after = await WaitAsync(hub, p, "wrk-01", s => s["lastCycle"] is { } c && c["number"]!.GetValue<int>() >= cycle && S(c, "kind") == "Delta", "the interrupted delta finished");
        Assert.Equal("Succeeded", S(after["lastCycle"]!, "outcome"));
        Assert.Equal("Normal", S(after, "health"));

        // Cutover: the source is shut down and the final delta issued; the worker stops before the VM is created,
        // the appliance's final report arrives while it is down, and a new worker creates the VM (ARM slowed down).
        appliance.Ignore = w => S(w, "kind") == "FinalDelta";
        await AcceptedAsync(await OperationAsync(hub, p, "wrk-01", "migrate", new { performShutdown = true }));
        var final = await WaitAsync(hub, p, "wrk-01", s => s["currentCycle"] is { } c && S(c, "kind") == "FinalDelta", "the final delta issued");
        var finalId = S(final["currentCycle"]!, "workItemId");
        for (var i = 0; i < 200 && !appliance.Seen.Any(w => S(w, "id") == finalId); i++)
        {
            await Task.Delay(100); // stored for the appliance by the step after the status shows it
        }

        Assert.Contains(appliance.Seen, w => S(w, "id") == finalId);
        await hubRegion.StopWorkerAsync();
        host.Stack.Arm!.PollsBeforeDone = 1;
        try
        {
            using (var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) })
            {
                http.DefaultRequestHeaders.Add("x-appliance-key", p.Key);
                using var report = await http.PostAsync($"api/projects/{p.Project}/appliances/{p.Appliance}/workItems/{finalId}/report",
                    new StringContent("""{"succeeded":true}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Accepted, report.StatusCode);
                using var again = await http.PostAsync($"api/projects/{p.Project}/appliances/{p.Appliance}/workItems/{finalId}/report",
                    new StringContent("""{"succeeded":true}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal("MigrationInProgress", S(await ItemAsync(hub, p, "wrk-01"), "migrationState"));
            await hubRegion.StartWorkerAsync();
            await WaitAsync(hub, p, "wrk-01", s => S(s, "migrationState") == "MigrationSucceeded", "cutover", TimeSpan.FromMinutes(2));
        }
        finally
        {
            host.Stack.Arm!.PollsBeforeDone = 0;
            await hubRegion.StartWorkerAsync();
        }

        Assert.Equal(["wrk-01"], Names(host, "Microsoft.Compute/virtualMachines", p.ResourceGroup));
        Assert.Equal(["wrk-01-nic"], Names(host, "Microsoft.Network/networkInterfaces", p.ResourceGroup));
        Assert.Equal(["wrk-01-datadisk-0", "wrk-01-osdisk", "wrk-01-seed-datadisk-0", "wrk-01-seed-osdisk"], Names(host, "Microsoft.Compute/disks", p.ResourceGroup));
        Assert.All(host.Stack.Arm!.Resources(null, p.ResourceGroup), r =>
            Assert.Equal("Succeeded", r.Body()["properties"]?["provisioningState"]?.GetValue<string>() ?? "Succeeded"));
        Assert.Single(appliance.Seen, w => S(w, "kind") == "FinalDelta");
    }

    [Fact]
    public async Task A_region_whose_storage_is_down_pauses_its_servers_which_resume_after_it_returns_while_other_regions_replicate()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var west = await CreateAsync(host, hub, "migr", [Server("we-01")], "westeurope");
        var north = await CreateAsync(host, hub, "migr", [Server("ne-01")], "northeurope");
        Assert.Equal("northeurope", north.Region);
        await WaitAsync(hub, west, "we-01", s => S(s, "state") == "Discovered", "discovered");
        await WaitAsync(hub, north, "ne-01", s => S(s, "state") == "Discovered", "discovered");
        await using var westAppliance = new FakeAppliance(host, west, _ => TimeSpan.FromMilliseconds(500));
        await using var northAppliance = new FakeAppliance(host, north, _ => TimeSpan.FromMilliseconds(500));
        await AcceptedAsync(await OperationAsync(hub, west, "we-01", "enableReplication", Target(west)));
        await AcceptedAsync(await OperationAsync(hub, north, "ne-01", "enableReplication", Target(north)));
        await WaitAsync(hub, west, "we-01", s => s["deltaCyclesCompleted"]!.GetValue<int>() >= 1, "west replicating");
        await WaitAsync(hub, north, "ne-01", s => s["deltaCyclesCompleted"]!.GetValue<int>() >= 1, "north replicating");

        var region = host.Stack.Regions["northeurope"];
        await region.StopAsync();
        try
        {
            using (var down = await hub.GetAsync($"api/projects/{north.Project}/migrationItems/ne-01"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            }

            // The other region keeps replicating.
            var westNow = (await ItemAsync(hub, west, "we-01"))["deltaCyclesCompleted"]!.GetValue<int>();
            await WaitAsync(hub, west, "we-01", s => s["deltaCyclesCompleted"]!.GetValue<int>() >= westNow + 2, "west cycles during the outage");
        }
        finally
        {
            await region.StartAsync();
        }

        // Usually seconds; a step whose activity was taken by the worker while storage failed waits for the
        // durable work-item visibility timeout (5 min in DurableTask.AzureStorage) before it runs again.
        var northBefore = (await WaitAsync(hub, north, "ne-01", _ => true, "north reachable again", TimeSpan.FromMinutes(2)))["deltaCyclesCompleted"]!.GetValue<int>();
        await WaitAsync(hub, north, "ne-01", s => s["deltaCyclesCompleted"]!.GetValue<int>() >= northBefore + 2 && S(s, "migrationState") == "Replicating", "north resumed", TimeSpan.FromMinutes(6));
    }
}
