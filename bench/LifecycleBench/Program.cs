// Lifecycle bench: N servers driven concurrently through the machine lifecycle on a DevHost with compressed
// time (cycles 1-2 s apart): enable replication -> initial replication -> 3 delta cycles -> migrate (final delta,
// VM on the local ARM endpoint) -> complete migration. The appliance is played in process over the work-item API.
// Prints the wall time, the durable history size per server (rows of the instance in the hub's History table,
// which ContinueAsNew keeps to the current step), and the ratio of the same number of bare orchestrations, each
// calling a no-op activity as many times as a lifecycle calls activities, on the same backend, to the lifecycle's
// wall time (goal >= 0.5). The bare run goes first on the empty host and is purged before the lifecycles start.
//
// Usage: dotnet run -c Release --project bench/LifecycleBench -- [--servers 500] [--deltas 3] [--in-memory]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.ResourceManager.Resources;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Bench;
using MigrateHub.DevHost;
using MigrateHub.DevHost.Durable;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Provisioning;

// Azurite persists to disk as in the tests (its default). --in-memory runs it in memory with a large Node heap instead:
// measured on 2026-12-06, in memory stalled the durable engine for minutes at 100 lifecycles (Azurite at 100 % on a
// few requests a second, DTFx's partition-table renewals timing out: 0.06-0.12 against 0.61 on disk) and was no
// faster at 500 (0.40 both ways), so on disk is the default.
if (args.Contains("--in-memory") && Environment.GetEnvironmentVariable(MigrateHub.LocalAzure.AzuriteSettings.LargeVariable) is null)
{
    Environment.SetEnvironmentVariable(MigrateHub.LocalAzure.AzuriteSettings.LargeVariable, "1");
}

const string Region = "westeurope";
const string Subscription = "5f1c3b2a-0000-4000-8000-00000000b001";
var servers = Option(args, "--servers", 500);
var deltas = Option(args, "--deltas", 3);

var options = new DevHostOptions { TimersEnabled = false, FunctionKey = "bench-" + Guid.NewGuid().ToString("N") };
options.Regions.Add(Region);
options.Settings["MigrateHub:Migration:MinimumCycleInterval"] = "00:00:01";
options.Settings["MigrateHub:Migration:MaximumCycleInterval"] = "00:00:02";
options.Settings["MigrateHub:Migration:ReportTimeout"] = "00:10:00";
options.Settings["MigrateHub:Migration:ReportPollInterval"] = "00:01:00";
options.ExtraDurableTypes.Add(typeof(BareLifecycleOrchestrator));
options.ExtraDurableTypes.Add(typeof(NoopActivity));
await using var host = await DevHostApp.StartAsync(options);
using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Add("x-functions-key", options.FunctionKey);
Console.WriteLine($"Lifecycle bench: {servers:N0} servers, {deltas} delta cycles each, {Environment.ProcessorCount} cores, Azurite {MigrateHub.LocalAzure.AzuriteSettings.FromEnvironment()}");

// Project, appliance, servers, target resource group and network.
var project = "lbench-" + Guid.NewGuid().ToString("N")[..8];
using var created = await http.PutAsJsonAsync($"api/projects/{project}", new { geography = "Europe", preferredRegion = Region });
var createdBody = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
var projectId = createdBody["project"]!["properties"]!["projectId"]!.GetValue<string>();
await WaitProvisionedAsync(http, createdBody["provisioning"]!["statusQueryGetUri"]!.GetValue<string>());
var appliance = "ap-bench";
using var registered = await http.PutAsJsonAsync($"api/projects/{project}/appliances/{appliance}", new { sourceType = "VMware" });
var key = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["credential"]!["key"]!.GetValue<string>();

// Every server replicates at once (the hub's default is 300 per appliance; scale-out raises it to 500).
using (var limit = await http.PutAsJsonAsync($"api/projects/{project}/migrationSettings", new { maxConcurrentReplicationsPerAppliance = Math.Max(servers, 1) }))
{
    limit.EnsureSuccessStatusCode();
}

var ingestion = host.Services.GetRequiredService<IngestionService>();
var ids = Enumerable.Range(0, servers).Select(i => $"srv-{i:D5}").ToList();
var upload = 0;
foreach (var chunk in ids.Chunk(1000))
{
    var inventory = chunk.Select(id => new DiscoveredServer
    {
        Id = id, Name = id, SourceType = SourceType.VMware, BootType = BootType.Uefi, Cores = 2, MemoryMb = 4096,
        Disks = [new DiscoveredDisk { Id = id + "-d0", SizeGb = 64 }],
    }).ToList();
    await ingestion.IngestAsync(new UploadSource(Region, projectId, appliance, "inv-" + upload++, DateTimeOffset.UtcNow),
        new UploadPayload { Kind = UploadKinds.Inventory, Servers = inventory }, CancellationToken.None);
}

// The target region's vCPU quota raised for the estate (each cutover VM is a Standard_D2s_v5: 2 vCPUs), as an
// operator has a quota increase granted before a 500-VM migration; the local endpoint's default (350) fits 175.
host.Stack.Arm!.SetVcpuQuota(Region, Math.Max(MigrateHub.LocalAzure.Arm.LocalArmOptions.DefaultVcpuQuota, 2 * servers));
var arm = ArmClientFactory.CreateLocal(host.Stack.Arm!.Endpoint, host.Stack.Arm.CertificateThumbprint, new ArmProvisioningOptions { MaxRetries = 2 });
var sub = arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Subscription));
await sub.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "rg-bench", new ResourceGroupData(new AzureLocation(Region)));
var vnetId = new ResourceIdentifier($"/subscriptions/{Subscription}/resourceGroups/rg-bench/providers/Microsoft.Network/virtualNetworks/vnet-bench");
await arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, vnetId, new GenericResourceData(new AzureLocation(Region))
{
    Properties = BinaryData.FromString("""{"addressSpace":{"addressPrefixes":["10.0.0.0/8"]},"subnets":[{"name":"apps","properties":{"addressPrefix":"10.0.0.0/9"}}]}"""),
});

// The appliance: pull and report at once.
using var stop = new CancellationTokenSource();
using var applianceHttp = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromMinutes(5) };
applianceHttp.DefaultRequestHeaders.Add("x-appliance-key", key);
var reported = new ConcurrentDictionary<string, byte>();
var applianceLoop = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        try
        {
            try
            {
                var body = JsonNode.Parse(await applianceHttp.GetStringAsync($"api/projects/{project}/appliances/{appliance}/workItems?max=500", stop.Token))!;
                var items = body["value"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Where(i => reported.TryAdd(i, 0)).ToList();
                await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = stop.Token }, async (id, ct) =>
                {
                    try
                    {
                        using var r = await applianceHttp.PostAsJsonAsync($"api/projects/{project}/appliances/{appliance}/workItems/{id}/report", new { succeeded = true }, ct);
                        if (!r.IsSuccessStatusCode)
                        {
                            reported.TryRemove(id, out _); // report again on the next pull
                        }
                    }
                    catch (HttpRequestException)
                    {
                        reported.TryRemove(id, out _);
                    }
                });
            }
            catch (HttpRequestException)
            {
                // A busy local stack answers 503 now and then: pull again after the same pause (without it, a host that
                // answers 503 at once turned this loop into a busy loop that took a core from the host it waited for).
            }

            await Task.Delay(200, stop.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }
    }
});

// The work item check sweep, a timer function every minute in Azure (timers are off in this host): it sends again a
// report whose event was lost, after the poll interval (a minute here, as the sweep's own period).
var sweeps = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stop.Token);
            using var swept = await http.PostAsync("admin/functions/WorkItemCheckSweep", null, stop.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }
        catch (HttpRequestException)
        {
            // A busy local stack answers 503 now and then: the next sweep tries again.
        }
    }
});

// Activities of one lifecycle on this path: slot acquire and release, seed disks, cutover VM, delete seeds, and one
// record per step (enable, initial issued/reported, each delta issued/reported, migrate, final delta reported, complete).
var activities = 2 + 3 + 2 + 2 * (deltas + 1) + 3;

// The bare comparison runs first, on the same host while it is empty; its instances are purged before the lifecycles.
var client = host.Services.GetRequiredService<RoutingDurableTaskClient>();
var bare = Stopwatch.StartNew();
var bareIds = Enumerable.Range(0, servers).Select(i => $"{projectId}:bare-{i:D5}").ToHashSet();
await Parallel.ForEachAsync(bareIds, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, ct) =>
    await client.ScheduleNewOrchestrationInstanceAsync(nameof(BareLifecycleOrchestrator), activities, new StartOrchestrationOptions(id), ct));
await Parallel.ForEachAsync(bareIds, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, ct) =>
    await client.WaitForInstanceCompletionAsync(id, ct));
bare.Stop();
Console.WriteLine($"Bare: {servers:N0} orchestrations x {activities} no-op activities in {bare.Elapsed.TotalSeconds:0.0} s");

// The bare instances are purged (not timed) so the lifecycles start on an emptied task hub as the bare run did:
// Azurite answers a history query by scanning the whole History table, so 500 finished bare instances left behind
// (~40 rows each) would slow every lifecycle episode and penalise the phase that runs second.
var purge = Stopwatch.StartNew();
await Parallel.ForEachAsync(bareIds, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
    await client.PurgeInstanceAsync(id, cancellation: ct));
Console.WriteLine($"Bare instances purged in {purge.Elapsed.TotalSeconds:0.0} s (not timed)");

// Drive: enable in batches, then migrate after the deltas, then complete.
var wall = Stopwatch.StartNew();
foreach (var batch in ids.Chunk(100))
{
    using var enabled = await http.PostAsJsonAsync($"api/projects/{project}/migrationItems", new
    {
        servers = batch, subscriptionId = Subscription, resourceGroup = "rg-bench", targetRegion = Region, vmSize = "Standard_D2s_v5",
        network = new { virtualNetworkId = vnetId.ToString(), subnetName = "apps" },
    });
    if (!enabled.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"enable: {(int)enabled.StatusCode} {await enabled.Content.ReadAsStringAsync()}");
    }
}

var asked = new ConcurrentDictionary<string, string>();
var sent = new ConcurrentDictionary<string, DateTime>();
bool Due(string key)
{
    var now = DateTime.UtcNow;
    var last = sent.GetOrAdd(key, DateTime.MinValue);
    return now - last > TimeSpan.FromSeconds(30) && sent.TryUpdate(key, now, last);
}

var completed = 0;
var retriedCutovers = 0;
while (completed < servers)
{
    // One read of the stored items per round (the driver should not load the host with a GET per server).
    var states = new List<(string Id, string State, string Migration, int Deltas)>();
    try
    {
        var list = JsonNode.Parse(await http.GetStringAsync($"api/projects/{project}/migrationItems"))!["value"]!.AsArray();
        foreach (var s in list)
        {
            var id = s!["serverId"]!.GetValue<string>();
            if (asked.GetValueOrDefault(id) != "done")
            {
                states.Add((id, s["state"]!.GetValue<string>(), s["migrationState"]!.GetValue<string>(), s["deltaCyclesCompleted"]!.GetValue<int>()));
            }
        }
    }
    catch (HttpRequestException)
    {
        // A busy local stack answers 503 now and then: read again next round.
    }

    await Parallel.ForEachAsync(states, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, ct) =>
    {
        if (s.State == "Completed")
        {
            asked[s.Id] = "done";
        }
        else if (s.Migration == "Replicating" && s.Deltas >= deltas && Due(s.Id + "/migrate"))
        {
            // Sent once, and again only if the item still shows Replicating 30 s later (a lost request); re-sending every
            // round while the stored view lags floods the lifecycles with duplicates that are refused one step each.
            using var r = await http.PostAsync($"api/projects/{project}/migrationItems/{s.Id}/migrate", null, ct);
        }
        else if (s.Migration == "MigrationFailed" && Due(s.Id + "/migrate"))
        {
            // A failed cutover (the lifecycle names the reason) is tried again, as an operator would.
            Interlocked.Increment(ref retriedCutovers);
            using var r = await http.PostAsync($"api/projects/{project}/migrationItems/{s.Id}/migrate", null, ct);
        }
        else if (s.Migration == "MigrationSucceeded" && s.State != "Completed" && Due(s.Id + "/complete"))
        {
            using var r = await http.PostAsync($"api/projects/{project}/migrationItems/{s.Id}/completeMigration", null, ct);
        }
    });
    completed = asked.Count(a => a.Value == "done");
    var byStep = string.Join(", ", states.GroupBy(s => s.Migration == "Replicating" ? $"Replicating d{Math.Min(s.Deltas, deltas)}" : s.Migration)
        .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
    Console.WriteLine($"  {wall.Elapsed.TotalSeconds,6:0.0} s: {completed}/{servers} completed; {byStep}");
    await Task.Delay(1000);
}

wall.Stop();
await stop.CancelAsync();
await applianceLoop;
await sweeps;

// History per server and activity count per lifecycle (from the last execution's history and the recorded cycles).
var history = new TableServiceClient(host.Stack.Regions[Region].ConnectionString).GetTableClient(options.TaskHubName + "History");
var rows = new Dictionary<string, int>();
await foreach (var e in history.QueryAsync<TableEntity>(select: ["PartitionKey"]))
{
    if (e.PartitionKey.StartsWith(projectId + ":", StringComparison.Ordinal) && !bareIds.Contains(e.PartitionKey))
    {
        rows[e.PartitionKey] = rows.GetValueOrDefault(e.PartitionKey) + 1;
    }
}

Console.WriteLine($"Lifecycle: {servers:N0} servers enable -> initial -> {deltas} deltas -> migrate -> complete in {wall.Elapsed.TotalSeconds:0.0} s");
Console.WriteLine($"Failed cutovers migrated again: {retriedCutovers}");
Console.WriteLine($"History rows per server (last execution): avg {rows.Values.DefaultIfEmpty().Average():0.0}, max {rows.Values.DefaultIfEmpty().Max()}");

Console.WriteLine($"Ratio bare / lifecycle = {bare.Elapsed.TotalSeconds / wall.Elapsed.TotalSeconds:0.00} (goal >= 0.5; the lifecycle also waits for the compressed cycle intervals)");
return 0;

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static async Task WaitProvisionedAsync(HttpClient http, string statusUri)
{
    for (var i = 0; i < 600; i++)
    {
        var status = JsonNode.Parse(await http.GetStringAsync(statusUri))!;
        if (status["runtimeStatus"]?.GetValue<string>() == "Completed")
        {
            return;
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("project provisioning");
}

namespace MigrateHub.Bench
{
    /// <summary>The bare comparison: an orchestration calling a no-op activity N times in sequence.</summary>
    public sealed class BareLifecycleOrchestrator : TaskOrchestrator<int, int>
    {
        /// <inheritdoc />
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            ArgumentNullException.ThrowIfNull(context);
            for (var i = 0; i < input; i++)
            {
                await context.CallActivityAsync<int>(nameof(NoopActivity), i);
            }

            return input;
        }
    }

    /// <summary>Does nothing.</summary>
    public sealed class NoopActivity : TaskActivity<int, int>
    {
        /// <inheritdoc />
        public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
    }
}
