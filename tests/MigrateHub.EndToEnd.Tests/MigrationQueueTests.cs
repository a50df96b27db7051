using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Shared.Migration;
using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>The per-appliance replication limit (queue with positions) and cancelled work items.</summary>
[Collection(MigrationCollection.Name)]
public sealed class MigrationQueueTests(MigrationFixture fixture)
{
    [Fact]
    public async Task At_most_the_project_limit_replicate_per_appliance_the_rest_queue_with_positions_and_a_freed_slot_starts_the_next()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        string[] names = ["q-01", "q-02", "q-03", "q-04"];
        var p = await CreateAsync(host, hub, "migq", names.Select(n => Server(n)).ToList());
        foreach (var n in names)
        {
            await WaitAsync(hub, p, n, s => S(s, "state") == "Discovered", "discovered");
        }

        using (var bad = await hub.Http.PutAsJsonAsync($"api/projects/{p.Project}/migrationSettings", new { maxConcurrentReplicationsPerAppliance = 0 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var put = await hub.Http.PutAsJsonAsync($"api/projects/{p.Project}/migrationSettings", new { maxConcurrentReplicationsPerAppliance = 2 }))
        {
            var body = await HubClient.JsonAsync(put);
            Assert.True(put.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            Assert.Equal(300, body["hubDefault"]!.GetValue<int>());
        }

        using (var get = await hub.GetAsync($"api/projects/{p.Project}/migrationSettings"))
        {
            Assert.Equal(2, (await HubClient.JsonAsync(get))["maxConcurrentReplicationsPerAppliance"]!.GetValue<int>());
        }

        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.FromMilliseconds(300));
        await AcceptedAsync(await EnableAsync(hub, p, names));

        // Two replicate, two wait with positions 1 and 2 in request order.
        var items = await WaitAllAsync(hub, p, names, all =>
            all.Count(s => S(s, "migrationState") == "Replicating") == 2
            && all.Where(s => s["replicationQueuePosition"] is not null).Select(s => s["replicationQueuePosition"]!.GetValue<int>()).Order().SequenceEqual([1, 2]),
            "2 replicating, 2 queued at positions 1 and 2");
        var active = items.Where(s => s["replicationQueuePosition"] is null).Select(s => S(s, "serverId")).ToList();
        var queued = items.Where(s => s["replicationQueuePosition"] is not null).OrderBy(s => s["replicationQueuePosition"]!.GetValue<int>()).ToList();
        Assert.Equal([1, 2], queued.Select(s => s["replicationQueuePosition"]!.GetValue<int>()));
        Assert.True(queued[0]["replicationQueuedAt"]!.GetValue<DateTime>() <= queued[1]["replicationQueuedAt"]!.GetValue<DateTime>());
        foreach (var q in queued)
        {
            Assert.Equal("EnableMigrationInProgress", S(q, "migrationState"));
            Assert.Equal(["DisableMigration"], Allowed(q));
            Assert.DoesNotContain(appliance.Seen, w => S(w, "serverId") == S(q, "serverId"));
        }

        var first = S(queued[0], "serverId");
        var second = S(queued[1], "serverId");
        using (var refused = await OperationAsync(hub, p, first, "migrate"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        // The stored list shows the positions too.
        await WaitListedAsync(hub, p, list => list.Any(s => S(s, "serverId") == second && s["replicationQueuePosition"]?.GetValue<int>() == 2), "queued in the list");

        var slots = host.Services.GetRequiredService<ReplicationSlots>();
        var applianceId = S(items[0], "applianceId");
        var (used, holders, waiters) = await slots.DescribeAsync(p.Region, p.ProjectId, applianceId, CancellationToken.None);
        Assert.Equal(2, used);
        Assert.Equal(active.Order(StringComparer.Ordinal), holders.Order(StringComparer.Ordinal));
        Assert.Equal([first, second], waiters);

        // Completing one server's migration frees its slot: the first in the queue starts, the second moves up.
        var done = active[0];
        await AcceptedAsync(await OperationAsync(hub, p, done, "migrate"));
        await WaitAsync(hub, p, done, s => S(s, "migrationState") == "MigrationSucceeded", "cutover");
        Assert.NotNull((await ItemAsync(hub, p, second))["replicationQueuePosition"]);
        await AcceptedAsync(await OperationAsync(hub, p, done, "completeMigration"));
        await WaitAsync(hub, p, done, s => S(s, "state") == "Completed", "completed");
        await WaitAsync(hub, p, first, s => s["replicationQueuePosition"] is null && S(s, "migrationState") == "Replicating", "first queued starts");
        await WaitAsync(hub, p, second, s => s["replicationQueuePosition"]?.GetValue<int>() == 1, "second queued moves to position 1");
        Assert.Contains(appliance.Seen, w => S(w, "serverId") == first && S(w, "kind") == "InitialSeed");
        Assert.DoesNotContain(appliance.Seen, w => S(w, "serverId") == second);

        // A queued server can be disabled: it leaves the queue without ever replicating.
        await AcceptedAsync(await OperationAsync(hub, p, second, "disableReplication"));
        var left = await WaitAsync(hub, p, second, s => S(s, "migrationState") == "None", "queued disabled");
        Assert.Null(left["replicationQueuePosition"]);
        Assert.Equal("Discovered", S(left, "state"));

        // Disabling a replicating server gives its slot back too.
        await AcceptedAsync(await OperationAsync(hub, p, active[1], "disableReplication"));
        await WaitAsync(hub, p, active[1], s => S(s, "migrationState") == "None", "disabled");
        (used, holders, waiters) = await slots.DescribeAsync(p.Region, p.ProjectId, applianceId, CancellationToken.None);
        Assert.Equal(1, used);
        Assert.Equal([first], holders);
        Assert.Empty(waiters);
        Assert.DoesNotContain(appliance.Seen, w => S(w, "serverId") == second);
    }

    [Fact]
    public async Task Slots_and_queue_places_of_lifecycles_terminated_by_hand_are_given_back_by_the_sweep_and_the_first_waiter_starts()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        string[] names = ["t-01", "t-02", "t-03"];
        var p = await CreateAsync(host, hub, "migt", names.Select(n => Server(n)).ToList());
        foreach (var n in names)
        {
            await WaitAsync(hub, p, n, s => S(s, "state") == "Discovered", "discovered");
        }

        using (var put = await hub.Http.PutAsJsonAsync($"api/projects/{p.Project}/migrationSettings", new { maxConcurrentReplicationsPerAppliance = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.FromMilliseconds(300));
        await AcceptedAsync(await EnableAsync(hub, p, ["t-01"]));
        var holder = await WaitAsync(hub, p, "t-01", s => S(s, "migrationState") == "Replicating", "t-01 replicating");
        await AcceptedAsync(await EnableAsync(hub, p, ["t-02"]));
        await WaitAsync(hub, p, "t-02", s => s["replicationQueuePosition"]?.GetValue<int>() == 1, "t-02 queued first");
        await AcceptedAsync(await EnableAsync(hub, p, ["t-03"]));
        await WaitAsync(hub, p, "t-03", s => s["replicationQueuePosition"]?.GetValue<int>() == 2, "t-03 queued second");

        // The holder's and the last waiter's lifecycles are terminated by hand: nothing gives their rows back by itself.
        var durable = host.Services.GetRequiredService<MigrateHub.DevHost.Durable.RoutingDurableTaskClient>();
        foreach (var server in new[] { "t-01", "t-03" })
        {
            var id = MigrateHub.Orchestrations.Machines.MachineLifecycleOrchestrator.InstanceId(p.ProjectId, server);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await durable.TerminateInstanceAsync(id, new Microsoft.DurableTask.Client.TerminateInstanceOptions { Output = "terminated by hand in a test" }, timeout.Token);
            await durable.WaitForInstanceCompletionAsync(id, timeout.Token);
        }

        var slots = host.Services.GetRequiredService<ReplicationSlots>();
        var applianceId = S(holder, "applianceId");
        var (used, holders, waiters) = await slots.DescribeAsync(p.Region, p.ProjectId, applianceId, CancellationToken.None);
        Assert.Equal(1, used);
        Assert.Equal(["t-01"], holders);
        Assert.Equal(["t-02", "t-03"], waiters);
        Assert.Equal(1, (await ItemAsync(hub, p, "t-02"))["replicationQueuePosition"]!.GetValue<int>());

        // The sweep drops both rows (the lifecycles are Terminated) and wakes the first waiter, which starts replicating.
        using (var swept = await hub.Http.PostAsync(new Uri(hub.Http.BaseAddress!, "admin/functions/ReplicationSlotSweep"), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, swept.StatusCode);
        }

        await WaitAsync(hub, p, "t-02", s => s["replicationQueuePosition"] is null && S(s, "migrationState") == "Replicating", "t-02 starts after the sweep");
        (used, holders, waiters) = await slots.DescribeAsync(p.Region, p.ProjectId, applianceId, CancellationToken.None);
        Assert.Equal(1, used);
        Assert.Equal(["t-02"], holders);
        Assert.Empty(waiters);
        Assert.Contains(appliance.Seen, w => S(w, "serverId") == "t-02" && S(w, "kind") == "InitialSeed");

        // A second sweep finds nothing more to drop: t-02's lifecycle runs.
        using (var again = await hub.Http.PostAsync(new Uri(hub.Http.BaseAddress!, "admin/functions/ReplicationSlotSweep"), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        Assert.Equal(["t-02"], (await slots.DescribeAsync(p.Region, p.ProjectId, applianceId, CancellationToken.None)).Holders);
    }

    [Fact]
    public async Task Work_items_outstanding_when_a_server_is_paused_or_disabled_are_cancelled_and_the_appliance_sees_it()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migc", [Server("c-01"), Server("c-02")]);
        await WaitAsync(hub, p, "c-01", s => S(s, "state") == "Discovered", "discovered");
        await WaitAsync(hub, p, "c-02", s => S(s, "state") == "Discovered", "discovered");
        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.FromMilliseconds(300))
        {
            // c-01's deltas and c-02's initial replication are never reported: they stay outstanding.
            Ignore = w => (S(w, "serverId") == "c-01" && S(w, "kind") == "Delta") || (S(w, "serverId") == "c-02" && S(w, "kind") == "InitialSeed"),
        };
        await AcceptedAsync(await EnableAsync(hub, p, ["c-01", "c-02"]));
        var delta = await WaitSeenAsync(appliance, "c-01", "Delta");
        var seed = await WaitSeenAsync(appliance, "c-02", "InitialSeed");
        var before = await WaitAsync(hub, p, "c-01", s => s["currentCycle"] is JsonObject c && S(c, "workItemId") == delta, "delta in flight");
        var cyclesBefore = before["cycles"]!.AsArray().Count;

        await AcceptedAsync(await OperationAsync(hub, p, "c-01", "pauseReplication"));
        await AcceptedAsync(await OperationAsync(hub, p, "c-02", "disableReplication"));
        await WaitAsync(hub, p, "c-01", s => S(s, "migrationState") == "ProtectionSuspended", "paused");
        await WaitAsync(hub, p, "c-02", s => S(s, "migrationState") == "None", "disabled");

        using var ap = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        ap.DefaultRequestHeaders.Add("x-appliance-key", p.Key);
        var workItems = $"api/projects/{p.Project}/appliances/{p.Appliance}/workItems";
        foreach (var id in new[] { delta, seed })
        {
            var item = await WaitWorkItemAsync(ap, $"{workItems}/{id}", "Cancelled");
            Assert.Equal(id, S(item, "id"));
        }

        var pending = JsonNode.Parse(await ap.GetStringAsync(workItems))!["value"]!.AsArray().Select(w => S(w!, "id")).ToList();
        Assert.DoesNotContain(delta, pending);
        Assert.DoesNotContain(seed, pending);
        var cancelled = JsonNode.Parse(await ap.GetStringAsync($"{workItems}?state=Cancelled"))!["value"]!.AsArray().ToList();
        var cancelledIds = cancelled.Select(w => S(w!, "id")).ToList();
        Assert.Contains(delta, cancelledIds);
        Assert.Contains(seed, cancelledIds);
        Assert.All(cancelled, w => Assert.Equal("Cancelled", S(w!, "state")));
        using (var badState = await ap.GetAsync($"{workItems}?state=Whatever"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        }

        // A late report of a cancelled work item changes nothing.
        using (var late = await ap.PostAsJsonAsync($"{workItems}/{delta}/report", new { succeeded = true }))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
            Assert.Equal("Cancelled", S(await HubClient.JsonAsync(late), "state"));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await ItemAsync(hub, p, "c-01");
        Assert.Equal("ProtectionSuspended", S(after, "migrationState"));
        Assert.Equal(cyclesBefore, after["cycles"]!.AsArray().Count);
        Assert.Equal("Cancelled", S(await WaitWorkItemAsync(ap, $"{workItems}/{delta}", "Cancelled"), "state"));
    }

    private static async Task<string> WaitSeenAsync(FakeAppliance appliance, string server, string kind)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (appliance.Seen.FirstOrDefault(w => S(w, "serverId") == server && S(w, "kind") == kind) is { } seen)
            {
                return S(seen, "id");
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{server}: no {kind} work item");
        return null!;
    }

    private static async Task<JsonNode> WaitWorkItemAsync(HttpClient appliance, string uri, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = JsonNode.Parse(await appliance.GetStringAsync(uri))!;
            if (S(last, "state") == state)
            {
                return last;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{uri}: not {state}; last {last?.ToJsonString()}");
        return null!;
    }

    private static async Task<IReadOnlyList<JsonNode>> WaitAllAsync(HubClient hub, MigrationProject p, IReadOnlyList<string> servers,
        Func<IReadOnlyList<JsonNode>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        IReadOnlyList<JsonNode> last = [];
        while (DateTime.UtcNow < deadline)
        {
            var all = new List<JsonNode>();
            foreach (var server in servers)
            {
                all.Add(await ItemAsync(hub, p, server));
            }

            last = all;
            if (condition(all))
            {
                return all;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out waiting for {what}; last {string.Join(" | ", last.Select(s => s.ToJsonString()))}");
        return null!;
    }

    private static async Task WaitListedAsync(HubClient hub, MigrationProject p, Func<IReadOnlyList<JsonNode>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await hub.GetAsync($"api/projects/{p.Project}/migrationItems");
            var list = (await HubClient.JsonAsync(response))["value"]!.AsArray().Select(n => n!).ToList();
            if (condition(list))
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out waiting for {what}");
    }
}
