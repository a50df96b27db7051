using System.Globalization;
using System.Text.Json.Nodes;
using MigrateHub.Appliance.Replication;
using MigrateHub.Functions.Migration;
using MigrateHub.Shared.Discovery.Simulation;
using MigrateHub.Shared.Inventory;
using Xunit.Abstractions;
using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>
/// Must-show 1 of the migration issue: servers of the RVTools sample discovered by the appliance simulator go through
/// the whole migration with the simulator answering the work items (the code of <c>migratehub-appliance migrate</c>:
/// <see cref="ReplicationAgent"/> for the appliance, <see cref="MigrationJourney"/> for the user's calls), and the
/// ARM-compatible endpoint holds exactly the expected resources after each step.
/// </summary>
[Collection(MigrationCollection.Name)]
public sealed class MigrationJourneyTests(MigrationFixture fixture, ITestOutputHelper output)
{
    private const string Disks = "Microsoft.Compute/disks";
    private const string Vms = "Microsoft.Compute/virtualMachines";
    private const string Nics = "Microsoft.Network/networkInterfaces";
    private const string Vnets = "Microsoft.Network/virtualNetworks";
    private const int Servers = 20;

    [Fact]
    public async Task Twenty_RVTools_servers_replicate_through_the_simulator_and_migrate_with_exactly_the_expected_Azure_resources_at_each_step()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var estate = EstateBuilder.FromRvTools(DiscoveryTestKit.RvToolsSample);

        // Discovery: the simulator registers its appliance and uploads the estate, as `migratehub-appliance --rvtools` does.
        var project = AppliancesTestApi.NewName("migrv");
        var (projectId, region) = await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe", "westeurope");
        var appliance = AppliancesTestApi.NewApplianceName();
        using var applianceClient = new ApplianceClient(new HttpClient { BaseAddress = new Uri(host.BaseUrl) }, host.Options.FunctionKey, project, appliance);
        await applianceClient.RegisterAsync("VMware", CancellationToken.None);
        await new Simulator(applianceClient).SendEstateAsync(estate, [], DateTimeOffset.UtcNow, 0, 0, "journey", null, CancellationToken.None);

        using var userHttp = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var journey = new MigrationJourney(userHttp, host.Options.FunctionKey, project) { DeltaCycles = 3, PollInterval = TimeSpan.FromMilliseconds(300), StepTimeout = TimeSpan.FromMinutes(3) };
        var picked = await journey.PickServersAsync(Servers, maxDataDisks: 8, CancellationToken.None);
        Assert.Equal(Servers, picked.Count);
        var ids = picked.Select(p => p.Id).ToList();
        var servers = ids.Select(id => estate.Single(s => s.Id == id)).ToList();
        var vm = servers.ToDictionary(s => s.Id, s => MigrationApi.VmNameFor(s.Name));
        var p = new MigrationProject(project, projectId, region, appliance, applianceClient.Credential!, "rg-" + Guid.NewGuid().ToString("N")[..10], "");
        p = p with { VnetId = await CreateTargetAsync(host, p.ResourceGroup) };
        foreach (var id in ids)
        {
            await WaitAsync(hub, p, id, s => S(s, "state") == "Discovered", "the lifecycle started by ingestion");
        }

        // The appliance: an hour of copying takes a second (the fixture's 1 s..4 s cycle bounds stand for 1 h..12 h).
        using var applianceHttp = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var agent = new ReplicationAgent(
            new WorkItemClient(applianceHttp, project, appliance, applianceClient.Credential!), estate,
            new ReplicationOptions { Speedup = 3600, BandwidthMbps = 1000, ChurnPercentPerHour = 0.5 },
            new AgentOptions { PollInterval = TimeSpan.FromMilliseconds(250), HeartbeatInterval = TimeSpan.FromSeconds(5) });
        var reported = new List<TransferView>();
        agent.Changed += e =>
        {
            if (e.Kind == "Reported")
            {
                lock (reported)
                {
                    reported.Add(e.Transfer!);
                }
            }
        };
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);

        var seeds = servers.SelectMany(s => SeedDisks(vm[s.Id], s)).Order(StringComparer.Ordinal).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await journey.RunAsync(ids, new JourneyTarget(SubscriptionId, p.ResourceGroup, "westeurope", "Standard_D4s_v5", p.VnetId, "apps"), null, (step, items) =>
        {
            output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {step} done");
            if (step == JourneySteps.Replicate)
            {
                foreach (var (id, item) in items.Take(5))
                {
                    output.WriteLine($"  {id}: {item["cycles"]!.ToJsonString()}");
                }
            }

            var expected = Expected(step, servers, vm, seeds);
            Assert.Equal(expected.Vms, Names(host, Vms, p.ResourceGroup));
            Assert.Equal(expected.Nics, Names(host, Nics, p.ResourceGroup));
            Assert.Equal(expected.Disks, Names(host, Disks, p.ResourceGroup));
            Assert.Equal(expected.Vnets, Names(host, Vnets, p.ResourceGroup));
            foreach (var (id, item) in items)
            {
                Check(step, id, item);
            }

            return Task.CompletedTask;
        }, CancellationToken.None);
        await stop.CancelAsync();
        await running;

        // The appliance did every piece of work once, with sizes from the disks; each server was shut down before its final delta.
        var status = agent.Status();
        Assert.Equal(0, status.FailedReports);
        Assert.True(status.Heartbeats >= 2, $"{status.Heartbeats} heartbeats");
        Assert.Equal(Servers, status.CompletedByKind["InitialSeed"]);
        Assert.Equal(Servers, status.CompletedByKind["SourceShutdown"]);
        Assert.Equal(Servers, status.CompletedByKind["FinalDelta"]);
        Assert.True(status.CompletedByKind["Delta"] >= 3 * Servers);
        foreach (var s in servers)
        {
            var work = reported.Where(t => t.ServerId == s.Id).ToList();
            var used = (long)(s.Disks.Sum(d => d.SizeGb) * 0.7 * (1L << 30));
            Assert.Equal(used, work.Single(t => t.Kind == "InitialSeed").TotalBytes);

            // Each delta copies what changed since the previous snapshot (0.5 % of the used data per simulated hour, at
            // least 64 MiB), so its size follows the time between the two starts, however the hub spaced the cycles.
            var copies = work.Where(t => t.Kind is "InitialSeed" or "Delta").OrderBy(t => t.StartedAt).ToList();
            foreach (var (before, delta) in copies.Zip(copies.Skip(1)))
            {
                var expected = Math.Min(used, Math.Max(64L << 20, (long)(used * 0.5 / 100 * (delta.StartedAt - before.StartedAt).TotalHours)));
                Assert.True(Math.Abs(delta.TotalBytes - expected) <= 1 + expected / 1000,
                    $"{s.Id} cycle {delta.Cycle}: {delta.TotalBytes} bytes, expected {expected} ({(delta.StartedAt - before.StartedAt).TotalHours:0.0} h after cycle {before.Cycle})");
            }

            Assert.All(work.Where(t => t.Kind == "FinalDelta"), t => Assert.InRange(t.TotalBytes, 64L << 20, used));
            Assert.Equal(["SourceShutdown", "FinalDelta"], work.Where(t => t.Kind is "SourceShutdown" or "FinalDelta").Select(t => t.Kind));
        }

        foreach (var t in result.Steps)
        {
            output.WriteLine($"{t.Step}: {t.Duration.TotalSeconds:0.0} s");
        }

        output.WriteLine($"operations sent again after a 409 with no allowed operation: {journey.BusyRetries}");
        output.WriteLine($"appliance: {status.Reported} reports, {status.BytesTransferred / (double)(1L << 30):0.0} GiB, {status.Heartbeats} heartbeats, " +
            $"{status.Cancelled} cancelled by the hub, {status.Gone} reports refused as no longer wanted");
    }

    [Fact]
    public async Task The_simulator_stops_work_the_hub_cancels_and_reports_nothing_for_it()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migcx", [Server("cx-01"), Server("cx-02")]);
        foreach (var id in new[] { "cx-01", "cx-02" })
        {
            await WaitAsync(hub, p, id, s => S(s, "state") == "Discovered", "the lifecycle started by ingestion");
        }

        // 8 Mbit/s in real time: a seed of 134 GB would take days, so both stay in flight.
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        // The appliance's inventory of them (the disks of MigrationTestKit.Server: 64 GB + 128 GB).
        var inventory = new[] { "cx-01", "cx-02" }.Select(id => new DiscoveredServer
        {
            Id = id,
            Name = id,
            Disks = [new DiscoveredDisk { Id = id + "-disk0", SizeGb = 64 }, new DiscoveredDisk { Id = id + "-disk1", SizeGb = 128 }],
        }).ToList();
        var agent = new ReplicationAgent(new WorkItemClient(http, p.Project, p.Appliance, p.Key), inventory,
            new ReplicationOptions { BandwidthMbps = 8 }, new AgentOptions { PollInterval = TimeSpan.FromMilliseconds(250) });
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);
        await AcceptedAsync(await EnableAsync(hub, p, ["cx-01", "cx-02"]));
        await Until(() => agent.Status().Active.Count == 2, "both initial seeds in flight");
        Assert.All(agent.Status().Active, t => Assert.Equal((long)(192 * 0.7 * (1L << 30)), t.TotalBytes));

        // Disabling one server cancels its work item: the simulator drops it and never reports it; the other goes on.
        await AcceptedAsync(await OperationAsync(hub, p, "cx-01", "disableReplication"));
        await WaitAsync(hub, p, "cx-01", s => S(s, "migrationState") == "None", "disable");
        await Until(() => agent.Status().Cancelled == 1, "the cancelled seed dropped");
        Assert.Equal("cx-02", agent.Status().Active.Single().ServerId);
        Assert.Equal(0, agent.Status().Reported + agent.Status().FailedReports + agent.Status().Gone);
        await stop.CancelAsync();
        await running;
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private static IEnumerable<string> SeedDisks(string vm, DiscoveredServer s) =>
        s.Disks.Select((_, i) => i == 0 ? $"{vm}-seed-osdisk" : $"{vm}-seed-datadisk-{i - 1}");

    private static IEnumerable<string> VmDisks(string vm, DiscoveredServer s) =>
        s.Disks.Select((_, i) => i == 0 ? $"{vm}-osdisk" : $"{vm}-datadisk-{i - 1}");

    private static (List<string> Vms, List<string> Nics, List<string> Disks, List<string> Vnets) Expected(
        string step, IReadOnlyList<DiscoveredServer> servers, IReadOnlyDictionary<string, string> vm, IReadOnlyList<string> seeds)
    {
        static List<string> Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToList();
        var names = servers.Select(s => vm[s.Id]).ToList();
        return step switch
        {
            JourneySteps.Replicate or JourneySteps.Cleanup => ([], [], [.. seeds], ["vnet-target"]),
            JourneySteps.TestMigrate => (
                Sorted(names.Select(n => n + "-test")), Sorted(names.Select(n => n + "-test-nic")),
                Sorted(seeds.Concat(servers.SelectMany(s => VmDisks(vm[s.Id] + "-test", s)))),
                Sorted(names.Select(n => n + "-test-vnet").Append("vnet-target"))),
            JourneySteps.Cutover => (
                Sorted(names), Sorted(names.Select(n => n + "-nic")), Sorted(seeds.Concat(servers.SelectMany(s => VmDisks(vm[s.Id], s)))), ["vnet-target"]),
            JourneySteps.Complete => (
                Sorted(names), Sorted(names.Select(n => n + "-nic")), Sorted(servers.SelectMany(s => VmDisks(vm[s.Id], s))), ["vnet-target"]),
            _ => throw new ArgumentException(step),
        };
    }

    private static void Check(string step, string id, JsonNode item)
    {
        switch (step)
        {
            case JourneySteps.Replicate:
                Assert.Equal("Replicating", S(item, "migrationState"));
                Assert.Equal("Normal", S(item, "health"));
                Assert.Equal(["DisableMigration", "Migrate", "PauseReplication", "StartResync", "TestMigrate"], Allowed(item));
                CheckSchedule(id, item);
                break;
            case JourneySteps.TestMigrate:
                Assert.Equal(["DisableMigration", "TestMigrateCleanup"], Allowed(item));
                break;
            case JourneySteps.Cleanup:
                Assert.Equal("Replicating", S(item, "migrationState"));
                break;
            case JourneySteps.Cutover:
                Assert.Equal("Migrated", S(item, "state"));
                Assert.Equal("FinalDelta", S(item["lastCycle"]!, "kind"));
                Assert.Equal(["DisableMigration"], Allowed(item));
                break;
            case JourneySteps.Complete:
                Assert.Equal("MigrationSucceeded", S(item, "migrationState"));
                Assert.Empty(Allowed(item));
                break;
        }
    }

    /// <summary>
    /// The recorded cycles follow the schedule: the first delta right after the initial replication, then each one
    /// min(max(1 s, previous cycle duration / 2), 4 s) after the previous one ended (1 h and 12 h, compressed). The
    /// view keeps the recent cycles (8): a server that ran more deltas while others finished their third no longer
    /// shows its initial seed.
    /// </summary>
    private static void CheckSchedule(string id, JsonNode item)
    {
        var cycles = item["cycles"]!.AsArray().Select(c => c!).ToList();
        Assert.True(cycles.Count >= 4, $"{id}: {cycles.Count} cycles");
        Assert.True(item["deltaCyclesCompleted"]!.GetValue<int>() >= 3);
        Assert.Contains(S(cycles[0], "kind"), new[] { "InitialSeed", "Delta" });
        for (var i = 1; i < cycles.Count; i++)
        {
            var previous = cycles[i - 1];
            var duration = previous["endedAt"]!.GetValue<DateTime>() - previous["startedAt"]!.GetValue<DateTime>();
            var half = duration / 2;
            var expected = S(previous, "kind") == "InitialSeed" ? TimeSpan.Zero : half < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : half > TimeSpan.FromSeconds(4) ? TimeSpan.FromSeconds(4) : half;
            Assert.Equal("Delta", S(cycles[i], "kind"));
            Assert.Equal(expected, TimeSpan.Parse(S(cycles[i], "delayBefore"), CultureInfo.InvariantCulture));
            Assert.True(cycles[i]["startedAt"]!.GetValue<DateTime>() >= previous["endedAt"]!.GetValue<DateTime>() + expected, $"{id}: cycle {i} started before its schedule");
            Assert.Equal("Succeeded", S(cycles[i], "outcome"));
        }
    }
}
