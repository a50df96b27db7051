using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrateHub.DevHost;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>A DevHost with one region (westeurope) for the group and assessment tests.</summary>
public sealed class AssessmentFixture : DevHostFixture
{
    protected override void Configure(DevHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Regions.Add("westeurope");
    }
}

/// <summary>Discovered estate for assessment tests: servers and perf sent through the appliance upload API.</summary>
internal static class AssessmentTestKit
{
    /// <summary>A small VMware estate: ready Windows and Linux servers, a not-ready UEFI 2008 R2, an "Other" OS, one without perf.</summary>
    public static IReadOnlyList<DiscoveredServer> Estate(int count)
    {
        string[] oses = ["Microsoft Windows Server 2019 (64-bit)", "Ubuntu Linux (64-bit)", "Microsoft Windows Server 2016 (64-bit)", "Red Hat Enterprise Linux 8 (64-bit)", "Microsoft Windows Server 2008 R2 (64-bit)", "Other"];
        return Enumerable.Range(0, count).Select(i => new DiscoveredServer
        {
            Id = $"4210{i:0000}-aaaa-bbbb-cccc-0000000000{i % 100:00}",
            Name = $"vm-{i:000}",
            SourceType = SourceType.VMware,
            OperatingSystem = new OperatingSystemInfo(oses[i % oses.Length], null, OsArchitecture.X64),
            BootType = i % oses.Length == 4 ? BootType.Uefi : BootType.Bios,
            Cores = 2 + (i % 4) * 2,
            MemoryMb = 4096 * (1 + i % 3),
            PowerState = i % 7 == 6 ? PowerState.Off : PowerState.On,
            Disks =
            [
                new DiscoveredDisk { Id = "disk-0", Name = "os", SizeGb = 128 },
                .. Enumerable.Range(1, i % 3).Select(d => new DiscoveredDisk { Id = $"disk-{d}", Name = $"data{d}", SizeGb = 256 * d }),
            ],
            NetworkAdapters = [new NetworkAdapter { Name = "nic0", MacAddress = $"00:50:56:00:00:{i % 256:X2}", IPv4Addresses = [$"10.0.0.{i % 250 + 1}"] }],
        }).ToList();
    }

    /// <summary>10-minute points ending at <paramref name="end"/> (whole minutes), deterministic per server.</summary>
    public static IReadOnlyList<PerformancePoint> Performance(DiscoveredServer server, DateTimeOffset end, int days, int seed)
    {
        var random = new Random(seed);
        var last = new DateTimeOffset(end.Year, end.Month, end.Day, end.Hour, end.Minute / 10 * 10, 0, TimeSpan.Zero);
        var n = days * 144;
        return Enumerable.Range(0, n).Select(k =>
        {
            var t = last.AddMinutes(-10 * (n - 1 - k));
            var busy = 10 + 60 * random.NextDouble() * (seed % 3 == 0 ? 1.2 : 0.5);
            return new PerformancePoint(
                t, Math.Min(100, busy), 30 + 40 * random.NextDouble(),
                server.Disks.Select(d => new DiskPerformance(d.Id, 50 * random.NextDouble(), 80 * random.NextDouble(), 2 * random.NextDouble(), 3 * random.NextDouble())).ToList(),
                0.5 * random.NextDouble(), 1.5 * random.NextDouble());
        }).ToList();
    }

    /// <summary>Sends one upload with the appliance credential and waits until it is ingested.</summary>
    public static async Task UploadAsync(HubClient hub, string project, string appliance, string key, string uploadId, object payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(hub.Http.BaseAddress!, $"api/projects/{project}/appliances/{appliance}/uploads/{uploadId}"))
        {
            Content = JsonContent.Create(payload, options: DiscoveryJson.Options),
        };
        request.Headers.Add("x-appliance-key", key);
        using var response = await hub.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var status = response.Headers.Location!.ToString();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, status);
            poll.Headers.Add("x-appliance-key", key);
            using var answer = await hub.Http.SendAsync(poll);
            var body = await HubClient.JsonAsync(answer);
            var state = body["upload"]?["state"]?.GetValue<string>();
            if (state == UploadStates.Ingested)
            {
                return;
            }

            Assert.True(state == UploadStates.Accepted && DateTime.UtcNow < deadline, $"upload {uploadId}: {body.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    /// <summary>A provisioned project in westeurope with a VMware appliance that uploaded the servers and their perf.</summary>
    public static async Task<(string Project, string ProjectId, string Appliance)> DiscoveredProjectAsync(
        HubClient hub, string prefix, IReadOnlyList<DiscoveredServer> servers, IReadOnlyDictionary<string, IReadOnlyList<PerformancePoint>> perf)
    {
        var project = AppliancesTestApi.NewName(prefix);
        var (projectId, _) = await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe", "westeurope");
        var appliance = AppliancesTestApi.NewApplianceName();
        var (_, key) = await AppliancesTestApi.RegisterAsync(hub, project, appliance, "VMware");
        await UploadAsync(hub, project, appliance, key, "inv-1", new { kind = "inventory", complete = true, servers });
        var part = 0;
        foreach (var chunk in perf.Chunk(10))
        {
            await UploadAsync(hub, project, appliance, key, $"perf-{part++}", new
            {
                kind = "performance",
                performance = chunk.Select(p => new ServerPerformance(p.Key, p.Value)).ToList(),
            });
        }

        return (project, projectId, appliance);
    }

    /// <summary>Starts (PUT/POST) and waits for the computation; returns the 202 body and the final status.</summary>
    public static async Task<(JsonNode Accepted, JsonNode Status)> ComputeAsync(HubClient hub, HttpRequestMessage request)
    {
        using var response = await hub.Http.SendAsync(request);
        var body = await HubClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToJsonString());
        Assert.Equal(body["links"]!["statusQueryGetUri"]!.GetValue<string>(), response.Headers.Location!.ToString());
        var status = await hub.WaitForStatusAsync(body["links"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromMinutes(3));
        Assert.True(status["runtimeStatus"]!.GetValue<string>() == "Completed", status.ToJsonString());
        return (body, status);
    }

    public static HttpRequestMessage Put(HubClient hub, string path, object body) =>
        new(HttpMethod.Put, new Uri(hub.Http.BaseAddress!, path)) { Content = JsonContent.Create(body) };

    public static HttpRequestMessage PutJson(HubClient hub, string path, string json) =>
        new(HttpMethod.Put, new Uri(hub.Http.BaseAddress!, path)) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
