using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Functions.Migration;
using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

[Collection(MigrationCollection.Name)]
public sealed class MigrationLifecycleTests(MigrationFixture fixture)
{
    private const string Disks = "Microsoft.Compute/disks";
    private const string Vms = "Microsoft.Compute/virtualMachines";
    private const string Nics = "Microsoft.Network/networkInterfaces";
    private const string Vnets = "Microsoft.Network/virtualNetworks";

    [Fact]
    public async Task Servers_go_from_discovery_through_replication_deltas_test_migration_cutover_and_completion_with_the_expected_Azure_resources()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        string[] ids = ["web-01", "app-02", "db-03"];
        var p = await CreateAsync(host, hub, "migj", [Server(ids[0]), Server(ids[1], uefi: false, dataDisks: 2), Server(ids[2], dataDisks: 0)]);
        foreach (var id in ids)
        {
            var discovered = await WaitAsync(hub, p, id, s => S(s, "state") == "Discovered", "the lifecycle started by ingestion");
            Assert.Equal("None", S(discovered, "migrationState"));
            Assert.Empty(Allowed(discovered));
        }

        // Deltas take 2.5 s, the initial seed 1 s: with bounds 1 s..4 s the next delta waits 1.25 s.
        await using var appliance = new FakeAppliance(host, p, item => item["kind"]!.GetValue<string>() == "Delta" ? TimeSpan.FromSeconds(2.5) : TimeSpan.FromSeconds(1));
        await AcceptedAsync(await EnableAsync(hub, p, ids));

        var items = new Dictionary<string, JsonNode>();
        foreach (var id in ids)
        {
            items[id] = await WaitAsync(hub, p, id, s => (s["deltaCyclesCompleted"]?.GetValue<int>() ?? 0) >= 3, "three delta cycles", TimeSpan.FromMinutes(2));
        }

        // Seed disks: one per source disk (2 + 3 + 1), nothing else yet.
        Assert.Equal(6, Names(host, Disks, p.ResourceGroup).Count(n => n.Contains("-seed-", StringComparison.Ordinal)));
        Assert.Empty(Names(host, Vms, p.ResourceGroup));
        foreach (var (id, item) in items)
        {
            Assert.Equal("Replicating", S(item, "migrationState"));
            Assert.Equal("Normal", S(item, "health"));
            Assert.Equal(100, item["replicationProgressPercent"]!.GetValue<int>());
            Assert.Equal(180, item["freeUsageDaysLeft"]!.GetValue<int>());
            Assert.Equal(["DisableMigration", "Migrate", "PauseReplication", "StartResync", "TestMigrate"], Allowed(item));
            var cycles = item["cycles"]!.AsArray().Select(c => c!).ToList();
            Assert.Equal("InitialSeed", S(cycles[0], "kind"));
            for (var i = 1; i < cycles.Count; i++)
            {
                var previous = cycles[i - 1];
                var duration = previous["endedAt"]!.GetValue<DateTime>() - previous["startedAt"]!.GetValue<DateTime>();
                var half = duration / 2;
                var expected = i == 1 ? TimeSpan.Zero : half < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : half > TimeSpan.FromSeconds(4) ? TimeSpan.FromSeconds(4) : half;
                var recorded = TimeSpan.Parse(S(cycles[i], "delayBefore"), System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(expected, recorded);
                Assert.True(cycles[i]["startedAt"]!.GetValue<DateTime>() >= previous["endedAt"]!.GetValue<DateTime>() + recorded, $"{id}: cycle {i} started before its schedule");
                Assert.Equal("Succeeded", S(cycles[i], "outcome"));
            }
        }

        // Test migration: <vm>-test in an isolated network.
        foreach (var id in ids)
        {
            await AcceptedAsync(await OperationAsync(hub, p, id, "testMigrate"));
        }

        foreach (var id in ids)
        {
            var tested = await WaitAsync(hub, p, id, s => S(s, "testMigrateState") == "TestMigrationSucceeded", "test migration");
            Assert.Equal(["DisableMigration", "TestMigrateCleanup"], Allowed(tested));
        }

        Assert.Equal(ids.Select(i => i + "-test").Order(StringComparer.Ordinal), Names(host, Vms, p.ResourceGroup));
        Assert.Equal(3, Names(host, Vnets, p.ResourceGroup).Count(n => n.EndsWith("-test-vnet", StringComparison.Ordinal)));

        // A second test before cleanup is refused, naming what is allowed.
        using (var again = await OperationAsync(hub, p, ids[0], "testMigrate"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            var problem = await HubClient.JsonAsync(again);
            Assert.Equal(["DisableMigration", "TestMigrateCleanup"], problem["allowedOperations"]!.AsArray().Select(n => n!.GetValue<string>()));
        }

        foreach (var id in ids)
        {
            await AcceptedAsync(await OperationAsync(hub, p, id, "testMigrateCleanup"));
        }

        foreach (var id in ids)
        {
            await WaitAsync(hub, p, id, s => S(s, "testMigrateState") == "None" && S(s, "migrationState") == "Replicating", "cleanup");
        }

        Assert.Empty(Names(host, Vms, p.ResourceGroup));
        Assert.DoesNotContain(Names(host, Disks, p.ResourceGroup), n => n.Contains("-test-", StringComparison.Ordinal));
        Assert.Equal(["vnet-target"], Names(host, Vnets, p.ResourceGroup));

        // Cutover: one with source shutdown, the others without.
        await AcceptedAsync(await OperationAsync(hub, p, ids[0], "migrate", new { performShutdown = true }));
        await AcceptedAsync(await OperationAsync(hub, p, ids[1], "migrate"));
        await AcceptedAsync(await OperationAsync(hub, p, ids[2], "migrate", new { performShutdown = false }));
        foreach (var id in ids)
        {
            var migrated = await WaitAsync(hub, p, id, s => S(s, "migrationState") == "MigrationSucceeded", "cutover");
            Assert.Equal(["DisableMigration"], Allowed(migrated));
            Assert.Equal("Migrated", S(migrated, "state"));
            var last = migrated["lastCycle"]!;
            Assert.Equal("FinalDelta", S(last, "kind"));
        }

        // (A delta in flight when the cutover started is abandoned; its late report is ignored.)
        var kinds = appliance.Seen.Where(w => S(w, "serverId") == ids[0] && S(w, "kind") != "Delta").Select(w => S(w, "kind")).ToList();
        Assert.Equal(["SourceShutdown", "FinalDelta"], kinds.TakeLast(2));
        Assert.DoesNotContain("SourceShutdown", appliance.Seen.Where(w => S(w, "serverId") == ids[1]).Select(w => S(w, "kind")));
        Assert.Equal(ids.Order(StringComparer.Ordinal), Names(host, Vms, p.ResourceGroup));
        Assert.Equal(6, Names(host, Disks, p.ResourceGroup).Count(n => n.Contains("-seed-", StringComparison.Ordinal)));
        Assert.Equal(3, Names(host, Nics, p.ResourceGroup).Count);
        var gen = host.Stack.Arm!.Resources(Disks, p.ResourceGroup).Single(d => d.Name == "app-02-osdisk").Body();
        Assert.Equal("V1", gen["properties"]!["hyperVGeneration"]!.GetValue<string>());

        // Complete migration: replication stops, seed disks go, the VMs stay; the lifecycle ends.
        foreach (var id in ids)
        {
            await AcceptedAsync(await OperationAsync(hub, p, id, "completeMigration"));
        }

        foreach (var id in ids)
        {
            var done = await WaitAsync(hub, p, id, s => S(s, "state") == "Completed", "completion");
            Assert.Empty(Allowed(done));
            Assert.Null(done["freeUsageDaysLeft"]);
            // The item shows Completed once the lifecycle's last activity recorded it; the orchestration itself
            // completes when that episode is committed, a moment later.
            var status = await hub.WaitForStatusAsync($"runtime/webhooks/durabletask/instances/{p.ProjectId}:{id}", TimeSpan.FromSeconds(60));
            Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        }

        Assert.DoesNotContain(Names(host, Disks, p.ResourceGroup), n => n.Contains("-seed-", StringComparison.Ordinal));
        Assert.Equal(ids.Order(StringComparer.Ordinal), Names(host, Vms, p.ResourceGroup));
        using (var after = await OperationAsync(hub, p, ids[0], "enableReplication", Target(p)))
        {
            Assert.Equal(HttpStatusCode.Conflict, after.StatusCode);
        }

        var list = await HubClient.JsonAsync(await hub.GetAsync($"api/projects/{p.Project}/migrationItems"));
        Assert.Equal(ids.Order(StringComparer.Ordinal), list["value"]!.AsArray().Select(v => S(v!, "serverId")));
        Assert.All(list["value"]!.AsArray(), v => Assert.Equal("Completed", S(v!, "state")));
    }
}
