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
// Usage: dotnet run -c Release --project bench/IngestionBench -- [--servers N] [--days D] [--per-upload K] [--uploads-in-flight U]
var servers = Arg("--servers", 10_000);
var days = Arg("--days", 30);
var perUpload = Arg("--per-upload", 50);
var inFlight = Arg("--uploads-in-flight", 4);
var samples = EstateBuilder.FindSamples() ?? throw new InvalidOperationException("Run from the repository (samples/ not found).");
var traces = UtilizationTrace.Load(Path.Combine(samples, "utilization", "bitbrains_rnd_2013-7_vm1-5_10min_peak.csv.gz"));

Console.WriteLine($"IngestionBench: {servers:N0} servers x {days} days of 10-minute points ({(long)servers * days * 144:N0} points), {perUpload} servers per perf upload, {inFlight} uploads in flight");
var options = new DevHostOptions { TimersEnabled = false, FunctionKey = "bench-key", ConsoleLogLevel = Microsoft.Extensions.Logging.LogLevel.Error };
options.Regions.Add("westeurope");
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
    var perf = chunk.c.Select(x => new ServerPerformance(x.s.Id, EstateBuilder.Performance(x.s, x.i, traces, now, days))).ToList();
    Interlocked.Add(ref points, perf.Sum(p => (long)p.Points!.Count));
    await File.WriteAllBytesAsync(Path.Combine(spool.FullName, $"{chunk.n}.json.gz"), ApplianceClient.Compress(new UploadPayload { Kind = UploadKinds.Performance, Performance = perf }), ct);
});
var inventoryBody = ApplianceClient.Compress(new UploadPayload { Kind = UploadKinds.Inventory, Complete = true, Servers = estate });
Console.WriteLine($"  appliance side: payloads generated and compressed in {prep.Elapsed.TotalSeconds:0.0} s ({spool.EnumerateFiles().Sum(f => f.Length) / 1048576.0:0} MB gzip), not timed below");

// Full path.
var wall = Stopwatch.StartNew();
var inventory = await client.UploadCompressedAsync("bench-inventory", inventoryBody, CancellationToken.None);
var inventoryState = await client.WaitAsync(inventory, TimeSpan.FromMinutes(30), CancellationToken.None);
var inventorySeconds = wall.Elapsed.TotalSeconds;
Console.WriteLine($"  inventory: {servers:N0} servers ingested and readable in {inventorySeconds:0.0} s -> {inventoryState["upload"]!["state"]}");
var statusUris = new ConcurrentBag<string>();
var perfWall = Stopwatch.StartNew();
await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (chunk, ct) =>
{
    var body = await File.ReadAllBytesAsync(Path.Combine(spool.FullName, $"{chunk.n}.json.gz"), ct);
    statusUris.Add(await client.UploadCompressedAsync($"bench-perf-{chunk.n}", body, ct));
});
foreach (var uri in statusUris)
{
    var state = await client.WaitAsync(uri, TimeSpan.FromMinutes(30), CancellationToken.None);
    if (state["upload"]!["state"]!.GetValue<string>() != UploadStates.Ingested)
    {
        Console.WriteLine($"  upload not ingested: {state.ToJsonString()}");
    }
}

var perfSeconds = perfWall.Elapsed.TotalSeconds;
var fullSeconds = wall.Elapsed.TotalSeconds;
var projectId = (await client.GetStatusAsync(inventory, CancellationToken.None))["upload"]!["projectId"]!.GetValue<string>();
var serverRows = new TableServiceClient(host.Stack.Regions["westeurope"].ConnectionString).GetTableClient(DiscoveryTables.Servers);
while (true)
{
    var notStarted = 0;
    await foreach (var _ in serverRows.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId} and LifecycleStarted eq {false}"), select: ["RowKey"]))
    {
        notStarted++;
    }

    if (notStarted == 0 || wall.Elapsed > TimeSpan.FromMinutes(30))
    {
        break;
    }

    await Task.Delay(500);
}

Console.WriteLine($"  lifecycles: all {servers:N0} machine lifecycle orchestrations started {wall.Elapsed.TotalSeconds:0.0} s after the first upload (they run after the data is readable)");
Console.WriteLine($"  performance: {points:N0} points in {chunks.Count} uploads ingested in {perfSeconds:0.0} s");

// Raw: the same entities as 100-entity batches, 8 in flight, straight to the same Azurite.
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
    var entities = new List<TableEntity>();
    foreach (var (s, i) in chunk)
    {
        foreach (var (day, slots) in PerformanceCodec.Group(EstateBuilder.Performance(s, i, traces, now, days)))
        {
            var e = new TableEntity(DiscoveryTables.PerformancePartition(rawProject, day), DiscoveryTables.Escape(s.Id));
            foreach (var (slot, list) in slots)
            {
                e[PerformanceCodec.SlotName(slot)] = PerformanceCodec.Encode(list);
            }

            entities.Add(e);
        }
    }

    sw.Restart();
    await WriteAsync(perfTable, entities, TableTransactionActionType.UpsertMerge);
    rawWrite += sw.Elapsed;
}

var rawPerfSeconds = rawWrite.TotalSeconds - rawServersSeconds;
spool.Delete(recursive: true);
Console.WriteLine();
Console.WriteLine($"{"",-28}{"full path",14}{"raw batches",14}{"ratio",8}");
Console.WriteLine($"{"servers/s (inventory)",-28}{servers / inventorySeconds,14:N0}{servers / rawServersSeconds,14:N0}{rawServersSeconds / inventorySeconds,8:0.00}");
Console.WriteLine($"{"perf points/s",-28}{points / perfSeconds,14:N0}{points / rawPerfSeconds,14:N0}{rawPerfSeconds / perfSeconds,8:0.00}");
Console.WriteLine($"{"whole project (s)",-28}{fullSeconds,14:0.0}{rawWrite.TotalSeconds,14:0.0}{rawWrite.TotalSeconds / fullSeconds,8:0.00}");
Console.WriteLine("ratio = raw time / full-path time for the same data (goal >= 0.70). Full path = appliance upload API (gzip, validation), blob, Service Bus, consumer, Tables; lifecycle starts reported above.");
return 0;

static async Task WriteAsync(TableClient table, List<TableEntity> entities, TableTransactionActionType action)
{
    await table.CreateIfNotExistsAsync();
    var batches = entities.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, ct) =>
        await table.SubmitTransactionAsync(b.Select(e => new TableTransactionAction(action, e)), ct));
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
