using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using MigrateHub.DevHost;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Discovery.Simulation;
using MigrateHub.Shared.Inventory;

// Ingestion bench: a generated project (default 10,000 servers with 30 days of 10-minute perf data)
// through the full path (simulated appliance -> upload API -> blob -> Service Bus -> consumer -> Tables)
// on a DevHost, then the same entities written as raw 100-entity batches to the same Azurite.
// Usage: dotnet run -c Release --project bench/IngestionBench -- [--servers N] [--days D] [--per-upload K] [--uploads-in-flight U] [--points] [--persisted] [--lifecycle-in-flight L] [--overlap] [--raw-first] [--verbose]
// --overlap: perf uploads start as soon as the inventory is readable (default: once the lifecycles run).
// --points: perf uploads list one JSON object per point (default: the columnar form, one array per metric).
// --persisted: Azurite keeps its data on disk as in tests (default: in memory with a 16 GB Node heap,
// AzuriteSettings.ForLargeRuns, as a month of 10,000 servers does not fit Azurite's JSON dump).
if (!args.Contains("--persisted") && Environment.GetEnvironmentVariable(MigrateHub.LocalAzure.AzuriteSettings.LargeVariable) is null)
{
    Environment.SetEnvironmentVariable(MigrateHub.LocalAzure.AzuriteSettings.LargeVariable, "1");
}

var columnar = !args.Contains("--points");
var overlap = args.Contains("--overlap");
var servers = Arg("--servers", 10_000);
var days = Arg("--days", 30);
var perUpload = Arg("--per-upload", 50);
var inFlight = Arg("--uploads-in-flight", 4);
var samples = EstateBuilder.FindSamples() ?? throw new InvalidOperationException("Run from the repository (samples/ not found).");
var traces = UtilizationTrace.Load(Path.Combine(samples, "utilization", "bitbrains_rnd_2013-7_vm1-5_10min_peak.csv.gz"));

Console.WriteLine($"IngestionBench: {servers:N0} servers x {days} days of 10-minute points ({(long)servers * days * 144:N0} points), {perUpload} servers per perf upload ({(columnar ? "columnar" : "one object per point")}), {inFlight} uploads in flight, Azurite {MigrateHub.LocalAzure.AzuriteSettings.FromEnvironment()}");
var options = new DevHostOptions { TimersEnabled = false, FunctionKey = "bench-key", ConsoleLogLevel = args.Contains("--verbose") ? Microsoft.Extensions.Logging.LogLevel.Information : Microsoft.Extensions.Logging.LogLevel.Error };
options.Regions.Add("westeurope");
if (args.Contains("--verbose"))
{
    // Discovery's own lines (upload accepted / consumed / ingested), not the durable engine's.
    options.Settings["Logging:LogLevel:Default"] = "Warning";
    options.Settings["Logging:LogLevel:MigrateHub"] = "Information";
    options.Settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
}

if (args.Contains("--lifecycle-in-flight"))
{
    options.Settings["MigrateHub:Discovery:LifecycleStartsInFlight"] = Arg("--lifecycle-in-flight", 8).ToString(CultureInfo.InvariantCulture);
}

await using var host = await DevHostApp.StartAsync(options);
var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromMinutes(10) };
using var client = new ApplianceClient(http, options.FunctionKey, "bench-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture), "bench");
await client.EnsureProjectAsync("Europe", CancellationToken.None);
await client.RegisterAsync("VMware", CancellationToken.None);

var estate = EstateBuilder.Generate(servers, seed: 1);
var now = DateTimeOffset.UtcNow;

// The appliance's work (generate, serialise, gzip) is done before the clock starts, into temp files.
var chunks = estate.Select((s, i) => (s, i)).Chunk(perUpload).Select((c, n) => (c, n)).ToList();
var spool = Directory.CreateTempSubdirectory("ingestionbench-");
long points = 0;
var prep = Stopwatch.StartNew();
await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (chunk, ct) =>
{
    var perf = chunk.c.Select(x => EstateBuilder.Performance(x.s, x.i, traces, now, days) is var list && columnar
        ? ServerPerformance.Columnar(x.s.Id, list)
        : new ServerPerformance(x.s.Id, list)).ToList();
    Interlocked.Add(ref points, perf.Sum(p => (long)p.PointCount));
    await File.WriteAllBytesAsync(Path.Combine(spool.FullName, $"{chunk.n}.json.gz"), ApplianceClient.Compress(new UploadPayload { Kind = UploadKinds.Performance, Performance = perf }), ct);
});
var inventoryBody = ApplianceClient.Compress(new UploadPayload { Kind = UploadKinds.Inventory, Complete = true, Servers = estate });
Console.WriteLine($"  appliance side: payloads generated and compressed in {prep.Elapsed.TotalSeconds:0.0} s ({spool.EnumerateFiles().Sum(f => f.Length) / 1048576.0:0} MB gzip), not timed below");

// --raw-first: the raw writes run before the full path, on the empty Azurite, so that the full path meets the larger
// store; by default they run after it, on an emptied perf table (see below), so both meet the same store.
var rawFirst = args.Contains("--raw-first");
var raw = rawFirst ? await RawAsync() : default;
if (rawFirst)
{
    Console.WriteLine($"  raw first: {servers:N0} server rows in {raw.ServersSeconds:0.0} s, {points:N0} points in {raw.PerfSeconds:0.0} s");
}

// Full path. Phase 1: the inventory, until every server's data is readable and its lifecycle
// orchestration has run (not Pending). Phase 2: the performance uploads. With --overlap the perf
// uploads start as soon as the inventory is readable, while the lifecycles are still starting.
var serverRows = new TableServiceClient(host.Stack.Regions["westeurope"].ConnectionString).GetTableClient(DiscoveryTables.Servers);
var wall = Stopwatch.StartNew();
var inventory = await client.UploadCompressedAsync("bench-inventory", inventoryBody, CancellationToken.None);
var inventoryState = await client.WaitAsync(inventory, TimeSpan.FromMinutes(30), CancellationToken.None);
var inventorySeconds = wall.Elapsed.TotalSeconds;
var projectId = inventoryState["upload"]!["projectId"]!.GetValue<string>();
Console.WriteLine($"  inventory: {servers:N0} servers ingested and readable in {inventorySeconds:0.0} s -> {inventoryState["upload"]!["state"]}");
double? lifecycles = overlap ? null : await WaitForLifecyclesAsync();
var perfWall = Stopwatch.StartNew();
var statusUris = new ConcurrentBag<string>();
await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (chunk, ct) =>
{
    var body = await File.ReadAllBytesAsync(Path.Combine(spool.FullName, $"{chunk.n}.json.gz"), ct);
    statusUris.Add(await client.UploadCompressedAsync($"bench-perf-{chunk.n}", body, ct));
});
// Every status polled in parallel (8 at a time): waiting for them one after the other added one
// status round trip per upload after the last ingestion (minutes at 200 uploads on a loaded Azurite).
await Parallel.ForEachAsync(statusUris, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (uri, ct) =>
{
    var state = await client.WaitAsync(uri, TimeSpan.FromMinutes(60), ct);
    if (state["upload"]!["state"]!.GetValue<string>() != UploadStates.Ingested)
    {
        Console.WriteLine($"  upload not ingested: {state.ToJsonString()}");
    }
});

var perfSeconds = perfWall.Elapsed.TotalSeconds;
var fullSeconds = wall.Elapsed.TotalSeconds;
Console.WriteLine($"  performance: {points:N0} points in {chunks.Count} uploads ingested in {perfSeconds:0.0} s{(overlap ? " (overlapping the lifecycle starts)" : string.Empty)}");
lifecycles ??= await WaitForLifecyclesAsync();

async Task<double> WaitForLifecyclesAsync()
{
    // Started = marked in the Servers table by the consumer; running = no instance still Pending.
    var hub = host.Hubs["westeurope"].Client;
    var started = 0.0;
    while (wall.Elapsed < TimeSpan.FromMinutes(90))
    {
        var waiting = 0;
        if (started == 0)
        {
            await foreach (var _ in serverRows.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId} and LifecycleStarted eq {false}"), select: ["RowKey"]))
            {
                waiting++;
            }

            if (waiting == 0)
            {
                started = wall.Elapsed.TotalSeconds;
            }
        }

        if (started > 0)
        {
            await foreach (var _ in hub.GetAllInstancesAsync(new Microsoft.DurableTask.Client.OrchestrationQuery { InstanceIdPrefix = projectId + ":", Statuses = [Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Pending], PageSize = 1000 }))
            {
                waiting++;
            }

            if (waiting == 0)
            {
                Console.WriteLine($"  lifecycles: all {servers:N0} machine lifecycle orchestrations started {started:0.0} s and running {wall.Elapsed.TotalSeconds:0.0} s after the inventory upload");
                return wall.Elapsed.TotalSeconds;
            }
        }

        await Task.Delay(2000);
    }

    Console.WriteLine("  lifecycles: not all running after 90 minutes");
    return wall.Elapsed.TotalSeconds;
}

if (!rawFirst)
{
    // The raw writes meet the store the full path met: Azurite slows down as a table grows (its queries scan
    // collections), so writing them on top of the full path's 10.8-43 M points would measure the larger store, and
    // writing them first (--raw-first) would favour them. The full path's perf table is dropped (not timed) and the
    // raw writes fill an empty one, with the rest of the store (servers, lifecycles, uploads) as the full path had it.
    await new TableServiceClient(host.Stack.Regions["westeurope"].ConnectionString).DeleteTableAsync(DiscoveryTables.Performance);
    raw = await RawAsync();
}

var (rawServersSeconds, rawPerfSeconds, rawTotalSeconds) = raw;
spool.Delete(recursive: true);
Console.WriteLine();
Console.WriteLine($"{"",-36}{"full path",14}{"raw batches",14}{"ratio",8}");
Console.WriteLine($"{"servers/s (data readable)",-36}{servers / inventorySeconds,14:N0}{servers / rawServersSeconds,14:N0}{rawServersSeconds / inventorySeconds,8:0.00}");
Console.WriteLine($"{"servers/s (lifecycles running)",-36}{servers / lifecycles.Value,14:N0}{servers / rawServersSeconds,14:N0}{rawServersSeconds / lifecycles.Value,8:0.00}");
Console.WriteLine($"{"perf points/s",-36}{points / perfSeconds,14:N0}{points / rawPerfSeconds,14:N0}{rawPerfSeconds / perfSeconds,8:0.00}");
Console.WriteLine($"{"data path: inventory + perf (s)",-36}{inventorySeconds + perfSeconds,14:0.0}{rawTotalSeconds,14:0.0}{rawTotalSeconds / (inventorySeconds + perfSeconds),8:0.00}");
Console.WriteLine($"{"whole project incl. lifecycles (s)",-36}{fullSeconds,14:0.0}{rawTotalSeconds,14:0.0}{rawTotalSeconds / fullSeconds,8:0.00}");
Console.WriteLine("ratio = raw time / full-path time for the same data (goal >= 0.70). Full path = appliance upload API (gzip, validation), blob, Service Bus, consumer, Tables;");
Console.WriteLine($"lifecycles = one durable orchestration per server on the same Azurite (task hub), {(overlap ? "overlapping the perf uploads" : "before the perf uploads")}; raw writes {(rawFirst ? "before the full path (the full path meets their data)" : "after the full path, into an emptied perf table")}.");
return 0;

// Raw: the same entities as 100-entity batches, 8 in flight, straight to the same Azurite (another project id).
async Task<(double ServersSeconds, double PerfSeconds, double TotalSeconds)> RawAsync()
{
    var tables = new TableServiceClient(host.Stack.Regions["westeurope"].ConnectionString);
    var serversTable = tables.GetTableClient(DiscoveryTables.Servers);
    var perfTable = tables.GetTableClient(DiscoveryTables.Performance);
    var rawProject = "raw" + Guid.NewGuid().ToString("N")[..12];
    var rawWrite = TimeSpan.Zero;
    var rawServerEntities = estate.Select(s => new TableEntity(rawProject, DiscoveryTables.Escape(s.Id)) { ["Name"] = s.Name, ["Detail0"] = System.Text.Json.JsonSerializer.Serialize(s, DiscoveryJson.Options), ["Cores"] = s.Cores }).ToList();
    var sw = Stopwatch.StartNew();
    await WriteAsync(serversTable, rawServerEntities, TableTransactionActionType.UpsertReplace);
    var rawServersSeconds = sw.Elapsed.TotalSeconds;
    rawWrite += sw.Elapsed;
    foreach (var (chunk, _) in chunks)
    {
        // The same day entities (layout and write action) as the ingestion writes, encoded before the clock.
        var writes = new List<(TableEntity Entity, TableTransactionActionType Action)>();
        foreach (var (s, i) in chunk)
        {
            writes.AddRange(PerformanceCodec.DayEntities(rawProject, s.Id, EstateBuilder.Performance(s, i, traces, now, days), out _));
        }

        sw.Restart();
        await WriteActionsAsync(perfTable, writes);
        rawWrite += sw.Elapsed;
    }

    return (rawServersSeconds, rawWrite.TotalSeconds - rawServersSeconds, rawWrite.TotalSeconds);
}

static async Task WriteAsync(TableClient table, List<TableEntity> entities, TableTransactionActionType action)
{
    await table.CreateIfNotExistsAsync();
    var batches = entities.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, ct) =>
        await table.SubmitTransactionAsync(b.Select(e => new TableTransactionAction(action, e)), ct));
}

static async Task WriteActionsAsync(TableClient table, List<(TableEntity Entity, TableTransactionActionType Action)> writes)
{
    for (var attempt = 0; ; attempt++)
    {
        try
        {
            await table.CreateIfNotExistsAsync();
            break;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409 && attempt < 30)
        {
            await Task.Delay(1000); // the table is still being deleted
        }
    }

    var batches = writes.GroupBy(w => w.Entity.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, ct) =>
        await table.SubmitTransactionAsync(b.Select(w => new TableTransactionAction(w.Action, w.Entity)), ct));
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
