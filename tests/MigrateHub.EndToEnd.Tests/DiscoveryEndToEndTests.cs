using System.Globalization;
using System.Net;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Discovery.Simulation;
using MigrateHub.Shared.Inventory;
using static MigrateHub.EndToEnd.Tests.DiscoveryTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Must-show 1: the simulator's RVTools estate with perf, software and dependencies, end to end over DevHost.</summary>
public sealed class DiscoveryEndToEndTests(DiscoveryFixture fixture) : IClassFixture<DiscoveryFixture>
{
    [Fact]
    public async Task RvTools_estate_uploaded_by_the_simulator_is_readable_with_correct_fields_and_percentiles()
    {
        var host = fixture.Host;
        var (appliance, projectId, region) = await ApplianceAsync(host, "disc");
        using var _ = appliance;
        var servers = EstateBuilder.FromRvTools(RvToolsSample);
        Assert.True(servers.Count >= 120, $"the RVTools sample has {servers.Count} VMs");
        var now = DateTimeOffset.UtcNow;
        var sent = await new Simulator(appliance) { ServersPerPerformanceUpload = 45 }
            .SendEstateAsync(servers, Traces, now, perfDays: 7, dependencyDays: 2, runId: "run1", progress: null, CancellationToken.None);

        using var hub = new HubClient(host);
        var listed = await AllServersAsync(hub, appliance.Project);
        Assert.Equal(servers.Count, listed.Count);
        var byId = listed.ToDictionary(n => n["server"]!["id"]!.GetValue<string>());
        foreach (var s in servers)
        {
            var v = byId[s.Id]["server"]!;
            Assert.Equal(s.Name, v["name"]!.GetValue<string>());
            Assert.Equal(s.Cores, v["cores"]!.GetValue<int>());
            Assert.Equal(s.MemoryMb, v["memoryMb"]!.GetValue<double>());
            Assert.Equal(s.OperatingSystem.Name, v["operatingSystem"]!["name"]?.GetValue<string>());
            Assert.Equal(s.PowerState.ToString(), v["powerState"]!.GetValue<string>());
            Assert.Equal(s.BootType.ToString(), v["bootType"]!.GetValue<string>());
            Assert.Equal(s.Host, v["host"]?.GetValue<string>());
            Assert.Equal(s.Cluster, v["cluster"]?.GetValue<string>());
            Assert.Equal(s.Disks.Count, v["disks"]!.AsArray().Count);
            Assert.Equal(s.Disks.Sum(d => d.SizeGb), v["disks"]!.AsArray().Sum(d => d!["sizeGb"]!.GetValue<double>()), 6);
            Assert.Equal(s.NetworkAdapters.Count, v["networkAdapters"]!.AsArray().Count);
            Assert.Equal(
                s.NetworkAdapters.SelectMany(n => n.IPv4Addresses).Order(),
                v["networkAdapters"]!.AsArray().SelectMany(n => n!["iPv4Addresses"]!.AsArray().Select(a => a!.GetValue<string>())).Order());
            Assert.Equal(SourceType.VMware.ToString(), v["sourceType"]!.GetValue<string>());
            Assert.Equal(appliance.Appliance, byId[s.Id]["applianceId"]!.GetValue<string>());
        }

        // Filters: power state and OS family partition the estate.
        var on = await AllServersAsync(hub, appliance.Project, "&powerState=On");
        Assert.Equal(servers.Count(s => s.PowerState == PowerState.On), on.Count);
        var windows = await AllServersAsync(hub, appliance.Project, "&os=windows");
        Assert.Equal(servers.Count(s => OsFamilies.Of(s.OperatingSystem.Name) == "Windows"), windows.Count);

        // Performance read back: percentiles and series match what was sent (float storage).
        foreach (var s in servers.Take(3))
        {
            var points = sent.Performance[s.Id];
            using var response = await hub.GetAsync($"api/projects/{appliance.Project}/servers/{Uri.EscapeDataString(s.Id)}/performance?from={Uri.EscapeDataString(points[0].Timestamp.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(now.ToString("O", CultureInfo.InvariantCulture))}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await HubClient.JsonAsync(response);
            Assert.Equal(points.Count, body["points"]!.AsArray().Count);
            var cpu = points.Select(p => p.CpuPercent).Order().ToList();
            var mem = points.Select(p => p.MemoryPercent).Order().ToList();
            foreach (var (metric, values) in new[] { ("cpu", cpu), ("memory", mem) })
            {
                foreach (var (name, pct) in new[] { ("p50", 50.0), ("p95", 95.0), ("p99", 99.0) })
                {
                    Assert.Equal(PerformanceSummary.NearestRank(values, pct), body["summary"]![metric]![name]!.GetValue<double>(), 3);
                }
            }

            var iops = points.Select(p => p.Disks.Sum(d => d.ReadIops + d.WriteIops)).Order().ToList();
            Assert.Equal(PerformanceSummary.NearestRank(iops, 95), body["summary"]!["diskIops"]!["p95"]!.GetValue<double>(), 1);

            var detail = await HubClient.JsonAsync(await hub.GetAsync($"api/projects/{appliance.Project}/servers/{Uri.EscapeDataString(s.Id)}"));
            Assert.Equal(points.Count, detail["performance"]!["points"]!.GetValue<int>());
            Assert.Equal(sent.Software.Single(x => x.ServerId == s.Id).Applications.Count, detail["software"]!["applications"]!.AsArray().Count);
        }

        // Software and dependencies, as JSON and as the CSV exports.
        var software = await HubClient.JsonAsync(await hub.GetAsync($"api/projects/{appliance.Project}/software"));
        Assert.Equal(servers.Count, software["value"]!.AsArray().Count);
        var softwareCsv = await (await hub.GetAsync($"api/projects/{appliance.Project}/exports/software")).Content.ReadAsStringAsync();
        var softwareLines = softwareCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', DiscoveryReader.SoftwareColumns), softwareLines[0]);
        var expectedSoftwareRows = sent.Software.Sum(x => x.Applications.Count + x.Features.Count + x.SqlInstances.Sum(i => 1 + (i.Databases?.Count ?? 0)) + x.WebApps.Count);
        Assert.Equal(expectedSoftwareRows, softwareLines.Length - 1);

        var dependencyCsv = await (await hub.GetAsync($"api/projects/{appliance.Project}/exports/dependencies")).Content.ReadAsStringAsync();
        var dependencyLines = dependencyCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Timeslot,Source server name,Source application,Source process,Destination server name,Destination IP,Destination application,Destination process,Destination port", dependencyLines[0]);
        Assert.Equal(sent.Dependencies.Count, dependencyLines.Length - 1);

        // Every server started its lifecycle orchestration in state Discovered.
        var first = servers[0];
        var instance = $"{projectId}:{DiscoveryTables.Escape(first.Id)}";
        var status = await WaitForCustomStatusAsync(hub, instance);
        Assert.Equal("Discovered", status["customStatus"]!["State"]!.GetValue<string>());
        for (var i = 0; i < 300 && (await RowsAsync(host, region, DiscoveryTables.Servers, projectId)).Any(r => !r.Contains("LifecycleStarted=True", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(200);
        }

        Assert.All(await RowsAsync(host, region, DiscoveryTables.Servers, projectId), row => Assert.Contains("LifecycleStarted=True", row, StringComparison.Ordinal));
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForCustomStatusAsync(HubClient hub, string instanceId)
    {
        for (var i = 0; ; i++)
        {
            using var response = await hub.GetAsync($"runtime/webhooks/durabletask/instances/{Uri.EscapeDataString(instanceId)}");
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted)
            {
                var body = await HubClient.JsonAsync(response);
                if (body["customStatus"] is System.Text.Json.Nodes.JsonObject || i > 100)
                {
                    return body;
                }
            }

            await Task.Delay(200);
        }
    }
}
