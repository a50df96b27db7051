using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using MigrateHub.DevHost;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>
/// A DevHost with compressed migration durations: 1 s to 4 s between cycles, 60 s report timeout. Timers are off in
/// test hosts, so the work item check sweep (every minute in Azure) runs here every second, as its timer would with
/// compressed time. Its first look at a work item is 20 s after issue, far above any cycle here, so a report taken
/// from the sweep instead of its event shows as a cycle of 20 s or more.
/// </summary>
public sealed class MigrationFixture : DevHostFixture
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _sweeps;

    protected override void Started(DevHostApp host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _sweeps = Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
            http.DefaultRequestHeaders.Add("x-functions-key", host.Options.FunctionKey);
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var swept = await http.PostAsync("admin/functions/WorkItemCheckSweep", null, _stop.Token);
                    await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    // A region stopped by a test answers with an error or slowly (client timeout); the next sweep tries again.
                }
            }
        });
    }

    protected override async Task StoppingAsync()
    {
        await _stop.CancelAsync();
        if (_sweeps is not null)
        {
            await _sweeps;
        }

        _stop.Dispose();
    }

    protected override void Configure(DevHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Regions.Add("westeurope");
        options.Regions.Add("northeurope");
        options.Settings["MigrateHub:Migration:MinimumCycleInterval"] = "00:00:01";
        options.Settings["MigrateHub:Migration:MaximumCycleInterval"] = "00:00:04";
        options.Settings["MigrateHub:Migration:ReportTimeout"] = "00:01:00";
        options.Settings["MigrateHub:Migration:ReportPollInterval"] = "00:00:20";
        options.Settings["MigrateHub:Migration:QueueCheckInterval"] = "00:00:03";
    }
}

[CollectionDefinition(Name)]
public sealed class MigrationCollection : ICollectionFixture<MigrationFixture>
{
    public const string Name = "Migration";
}

/// <summary>A project with a VMware appliance, discovered servers, and a target resource group with a VNet.</summary>
internal sealed record MigrationProject(string Project, string ProjectId, string Region, string Appliance, string Key, string ResourceGroup, string VnetId);

/// <summary>Helpers of the migration end-to-end tests: discovery, target, operations, polling, and an appliance that answers work items.</summary>
internal static class MigrationTestKit
{
    public const string SubscriptionId = "5f1c3b2a-0000-4000-8000-00000000a001";

    public static object Server(string id, bool uefi = true, int dataDisks = 1, string? host = null) => new
    {
        id,
        name = id,
        sourceType = "VMware",
        bootType = uefi ? "Uefi" : "Bios",
        cores = 2,
        memoryMb = 4096,
        operatingSystem = new { name = "Microsoft Windows Server 2019 (64-bit)", version = "2019", architecture = "X64" },
        powerState = "On",
        host = host ?? "esx01.contoso.local",
        disks = Enumerable.Range(0, dataDisks + 1).Select(i => new { id = $"{id}-disk{i}", name = $"Hard disk {i + 1}", sizeGb = i == 0 ? 64 : 128 }).ToArray(),
    };

    public static async Task<MigrationProject> CreateAsync(DevHostApp host, HubClient hub, string prefix, IReadOnlyList<object> servers, string? preferredRegion = "westeurope")
    {
        var project = AppliancesTestApi.NewName(prefix);
        var (projectId, region) = await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe", preferredRegion);
        var appliance = AppliancesTestApi.NewApplianceName();
        var (_, key) = await AppliancesTestApi.RegisterAsync(hub, project, appliance, "VMware");
        foreach (var (chunk, i) in servers.Chunk(500).Select((c, i) => (c, i)))
        {
            await AssessmentTestKit.UploadAsync(hub, project, appliance, key, $"inv-{i}", new { kind = "inventory", complete = false, servers = chunk });
        }

        var rg = "rg-" + Guid.NewGuid().ToString("N")[..10];
        var vnet = await CreateTargetAsync(host, rg);
        return new MigrationProject(project, projectId, region, appliance, key, rg, vnet);
    }

    public static async Task<string> CreateTargetAsync(DevHostApp host, string resourceGroup)
    {
        var arm = host.Stack.Arm!;
        var client = ArmClientFactory.CreateLocal(arm.Endpoint, arm.CertificateThumbprint, new ArmProvisioningOptions { MaxRetries = 2 });
        var subscription = client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(SubscriptionId));
        await subscription.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, resourceGroup, new ResourceGroupData(new AzureLocation("westeurope")));
        var id = new ResourceIdentifier($"/subscriptions/{SubscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet-target");
        var properties = new JsonObject
        {
            ["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray("10.10.0.0/16") },
            ["subnets"] = new JsonArray(new JsonObject { ["name"] = "apps", ["properties"] = new JsonObject { ["addressPrefix"] = "10.10.0.0/20" } }),
        }.ToJsonString();
        await client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, id, new GenericResourceData(new AzureLocation("westeurope"))
        {
            Properties = BinaryData.FromString(properties),
        });
        return id.ToString();
    }

    public static object Target(MigrationProject p, IReadOnlyList<string>? servers = null, object? extra = null) => new
    {
        servers,
        subscriptionId = SubscriptionId,
        resourceGroup = p.ResourceGroup,
        targetRegion = "westeurope",
        vmSize = "Standard_D2s_v5",
        network = new { virtualNetworkId = p.VnetId, subnetName = "apps" },
    };

    public static async Task<HttpResponseMessage> EnableAsync(HubClient hub, MigrationProject p, IReadOnlyList<string> servers) =>
        await hub.Http.PostAsJsonAsync($"api/projects/{p.Project}/migrationItems", Target(p, servers));

    public static async Task<HttpResponseMessage> OperationAsync(HubClient hub, MigrationProject p, string server, string operation, object? body = null) =>
        body is null
            ? await hub.Http.PostAsync(new Uri(hub.Http.BaseAddress!, $"api/projects/{p.Project}/migrationItems/{server}/{operation}"), null)
            : await hub.Http.PostAsJsonAsync($"api/projects/{p.Project}/migrationItems/{server}/{operation}", body);

    public static async Task AcceptedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static async Task<JsonNode> ItemAsync(HubClient hub, MigrationProject p, string server)
    {
        using var response = await hub.GetAsync($"api/projects/{p.Project}/migrationItems/{server}");
        var body = await HubClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    /// <summary>Polls the migration item until the condition holds.</summary>
    public static async Task<JsonNode> WaitAsync(HubClient hub, MigrationProject p, string server, Func<JsonNode, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await hub.GetAsync($"api/projects/{p.Project}/migrationItems/{server}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await HubClient.JsonAsync(response);
                if (condition(last))
                {
                    return last;
                }
            }
            else
            {
                using var durable = await hub.GetAsync($"runtime/webhooks/durabletask/instances/{p.ProjectId}:{server}");
                var text = await durable.Content.ReadAsStringAsync();
                Assert.DoesNotContain("\"runtimeStatus\":\"Failed\"", text, StringComparison.Ordinal);
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{server}: timed out waiting for {what}; last status {last?.ToJsonString()}");
        return null!;
    }

    public static string S(JsonNode node, string name) => node[name]?.GetValue<string>() ?? string.Empty;

    public static IReadOnlyList<string> Allowed(JsonNode node) => node["allowedOperations"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    public static IReadOnlyList<string> Names(DevHostApp host, string type, string resourceGroup) =>
        host.Stack.Arm!.Resources(type, resourceGroup).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
}

/// <summary>Plays the appliance: pulls work items and reports them after a delay, success unless <see cref="Fail"/> says otherwise.</summary>
internal sealed class FakeAppliance : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, byte> _handled = new();

    public FakeAppliance(DevHostApp host, MigrationProject project, Func<JsonNode, TimeSpan> duration)
    {
        _http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        _http.DefaultRequestHeaders.Add("x-appliance-key", project.Key);
        _loop = Task.Run(() => RunAsync(project, duration, _stop.Token));
    }

    /// <summary>Decides that a work item fails (returns the error) or succeeds (null).</summary>
    public Func<JsonNode, string?> Fail { get; set; } = _ => null;

    /// <summary>Work items ignored (never reported): the cycle goes silent.</summary>
    public Func<JsonNode, bool> Ignore { get; set; } = _ => false;

    /// <summary>Every work item seen, in order.</summary>
    public ConcurrentQueue<JsonNode> Seen { get; } = new();

    private async Task RunAsync(MigrationProject project, Func<JsonNode, TimeSpan> duration, CancellationToken ct)
    {
        var inFlight = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await _http.GetAsync($"api/projects/{project.Project}/appliances/{project.Appliance}/workItems", ct);
                if (response.IsSuccessStatusCode)
                {
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
                    foreach (var item in body["value"]!.AsArray())
                    {
                        var id = item!["id"]!.GetValue<string>();
                        if (!_handled.TryAdd(id, 0))
                        {
                            continue;
                        }

                        Seen.Enqueue(item);
                        if (Ignore(item))
                        {
                            continue;
                        }

                        inFlight.Add(ReportAsync(project, item, duration(item), ct));
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Host stopping or a region down: try again.
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            try
            {
                await Task.Delay(200, ct);
            }
            catch (TaskCanceledException)
            {
                break;
            }
        }
    }

    private async Task ReportAsync(MigrationProject project, JsonNode item, TimeSpan after, CancellationToken ct)
    {
        await Task.Delay(after, ct);
        var id = item["id"]!.GetValue<string>();
        var error = Fail(item);
        for (var attempt = 0; attempt < 100 && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                using var response = await _http.PostAsJsonAsync($"api/projects/{project.Project}/appliances/{project.Appliance}/workItems/{id}/report",
                    new { succeeded = error is null, error, bytesTransferred = 1024 }, ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
