// End-to-end assessment bench: N servers with D days of 10-minute perf points written to the
// discovery tables of a DevHost (Azurite) through the ingestion service (not timed), then
//   1. bare reads of the same perf window (nothing else: no engine, no writes):
//      a. per server with DiscoveryReader.GetPerformanceAsync (one point read per server and day),
//      b. per batch with BatchPerformanceReader (one range query per day and batch, what the activities do),
//   2. the assessment orchestration over HTTP (PUT assessment of a filter group -> 202 -> Completed), with
//      historyEnd = the bare reads' end, so that both read the same window,
//   3. the batch bare read again (and, after the last batch size, the per-server one),
// for each batch size given, and the ratio of each (2) to the fastest bare read of the run (goal <= 2).
//
// Azurite runs with the launcher's large-run settings (in memory, bigger Node heap) unless
// MIGRATEHUB_AZURITE_LARGE / _IN_MEMORY is set otherwise.
//
// Usage: dotnet run -c Release --project bench/AssessmentBench -- e2e [--servers 10000] [--days 31] [--batch 250[,1000,...]]
//        [--history Month|Week|Day]   (the window both the bare reads and the assessment read)
//        [--read-parallelism 32]      (servers in flight in the per-server read; 0 skips it)
//        [--batch-read-parallelism 4] (batches in flight in the batch read)
//        [--batches-in-flight 16]     (activities the orchestration keeps running)
//        [--seed-chunk 100] [--seed-parallelism 3] (servers per ingestion call, calls in flight)
//        [--log-batches]              (the runner's timing line per batch)
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.DevHost;
using MigrateHub.Shared.Assessments;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Bench;

internal static class EndToEndBench
{
    private const string Region = "westeurope";

    public static async Task<int> RunAsync(string[] args)
    {
        var servers = Option(args, "--servers", 10_000);
        var days = Option(args, "--days", 31);
        var batchIndex = Array.IndexOf(args, "--batch");
        var batchSizes = (batchIndex >= 0 && batchIndex + 1 < args.Length ? args[batchIndex + 1] : "250")
            .Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
        var readParallelism = Option(args, "--read-parallelism", 32);
        var batchReadParallelism = Option(args, "--batch-read-parallelism", 4);
        var batchesInFlight = Option(args, "--batches-in-flight", AssessmentRunRequest.DefaultBatchesInFlight);
        var seedChunk = Option(args, "--seed-chunk", 100);
        var seedParallelism = Option(args, "--seed-parallelism", 3);
        var historyIndex = Array.IndexOf(args, "--history");
        var history = historyIndex >= 0 && historyIndex + 1 < args.Length ? args[historyIndex + 1] : "Month";
        var window = history switch { "Day" => TimeSpan.FromDays(1), "Week" => TimeSpan.FromDays(7), "Month" => TimeSpan.FromDays(31), _ => throw new ArgumentException("--history is Day, Week or Month.") };
        var total = Stopwatch.StartNew();
        Console.WriteLine($"End-to-end: {servers:N0} servers x {days * 144:N0} points ({days} days of 10-minute points), batch {string.Join(" and ", batchSizes)} ({batchesInFlight} in flight), history {history}, {Environment.ProcessorCount} cores");

        if (Environment.GetEnvironmentVariable("MIGRATEHUB_AZURITE_LARGE") is null && Environment.GetEnvironmentVariable("MIGRATEHUB_AZURITE_IN_MEMORY") is null)
        {
            Environment.SetEnvironmentVariable("MIGRATEHUB_AZURITE_LARGE", "1");
        }

        Console.WriteLine($"Azurite: MIGRATEHUB_AZURITE_LARGE={Environment.GetEnvironmentVariable("MIGRATEHUB_AZURITE_LARGE")}, IN_MEMORY={Environment.GetEnvironmentVariable("MIGRATEHUB_AZURITE_IN_MEMORY")}");
        var options = new DevHostOptions { TimersEnabled = false, FunctionKey = "bench-" + Guid.NewGuid().ToString("N") };
        options.Regions.Add(Region);
        if (args.Contains("--log-batches"))
        {
            options.Settings["Logging:LogLevel:MigrateHub.Shared.Assessments.AssessmentRunner"] = "Information";
        }
        await using var host = await DevHostApp.StartAsync(options);
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add("x-functions-key", options.FunctionKey);

        var project = "bench-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await http.PutAsJsonAsync($"api/projects/{project}", new { geography = "Europe", preferredRegion = Region });
        var createdBody = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        await WaitAsync(http, createdBody["provisioning"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromMinutes(2));
        var projectId = createdBody["project"]!["properties"]!["projectId"]!.GetValue<string>();

        // Prepare: inventory and perf through the ingestion service (the consumer's write path).
        var prep = Stopwatch.StartNew();
        var ingestion = host.Services.GetRequiredService<IngestionService>();
        var asOf = DateTimeOffset.UtcNow;
        var end = new DateTimeOffset(asOf.Year, asOf.Month, asOf.Day, asOf.Hour, asOf.Minute / 10 * 10, 0, TimeSpan.Zero).AddMinutes(-10);
        var estate = Enumerable.Range(0, servers).Select(Server).ToList();
        var upload = 0;
        foreach (var chunk in estate.Chunk(1000))
        {
            await ingestion.IngestAsync(Source(projectId, ref upload, asOf), new UploadPayload { Kind = UploadKinds.Inventory, Servers = chunk }, CancellationToken.None);
        }

        var written = 0;
        var chunks = estate.Chunk(seedChunk).ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = seedParallelism }, async (chunk, ct) =>
        {
            var perf = chunk.Select(s => new ServerPerformance(s.Id, Points(s, end, days))).ToList();
            var id = Interlocked.Increment(ref upload);
            await ingestion.IngestAsync(new UploadSource(Region, projectId, "bench-appliance", "perf-" + id.ToString(CultureInfo.InvariantCulture), asOf), new UploadPayload { Kind = UploadKinds.Performance, Performance = perf }, ct);
            var done = Interlocked.Add(ref written, chunk.Length);
            if (done % 1000 < chunk.Length)
            {
                Console.WriteLine($"  written {done:N0}/{servers:N0} servers' perf ({prep.Elapsed.TotalSeconds:0} s)");
            }
        });
        prep.Stop();
        Console.WriteLine($"Prepared {servers:N0} servers and {(long)servers * days * 144:N0} perf points in {prep.Elapsed.TotalSeconds:0.0} s");

        // Bare reads of the window, per server and per batch (the activities' way).
        var reader = host.Services.GetRequiredService<DiscoveryReader>();
        var batchReader = host.Services.GetRequiredService<BatchPerformanceReader>();
        var reads = new List<double>();
        async Task BareReadsAsync(int round, int batch, bool perServer)
        {
            if (perServer && readParallelism > 0)
            {
                var (seconds, points) = await BareReadAsync(reader, projectId, estate, asOf, window, readParallelism);
                reads.Add(seconds);
                Console.WriteLine($"Bare read {round}, per server (DiscoveryReader, {readParallelism} servers in flight): {points:N0} points in {seconds:0.00} s = {servers / seconds:N0} servers/s");
            }

            var (batchSeconds, batchPoints) = await BatchReadAsync(batchReader, projectId, estate, asOf, window, batch, batchReadParallelism);
            reads.Add(batchSeconds);
            Console.WriteLine($"Bare read {round}, per batch (BatchPerformanceReader, {batch} servers per batch, {batchReadParallelism} batches in flight): {batchPoints:N0} points in {batchSeconds:0.00} s = {servers / batchSeconds:N0} servers/s");
        }

        using (var g = await http.PutAsJsonAsync($"api/projects/{project}/groups/all", new { filter = new { sourceType = "VMware" } }))
        {
            g.EnsureSuccessStatusCode();
        }

        var runs = new List<(int Batch, double Seconds)>();
        var round = 0;
        foreach (var batch in batchSizes)
        {
            await BareReadsAsync(++round, batch, perServer: runs.Count == 0);

            // End to end: assessment of the group (filter) -> orchestration -> Completed.
            var name = "bench-" + batch.ToString(CultureInfo.InvariantCulture);
            var e2e = Stopwatch.StartNew();
            using var put = await http.PutAsJsonAsync($"api/projects/{project}/groups/all/assessments/{name}?batchSize={batch}&batchesInFlight={batchesInFlight}", new { targetRegion = Region, history, historyEnd = asOf });
            var accepted = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;
            if ((int)put.StatusCode != 202)
            {
                throw new InvalidOperationException(accepted.ToJsonString());
            }

            var status = await WaitAsync(http, accepted["links"]!["statusQueryGetUri"]!.GetValue<string>(), TimeSpan.FromHours(1));
            e2e.Stop();
            runs.Add((batch, e2e.Elapsed.TotalSeconds));
            var assessment = JsonNode.Parse(await http.GetStringAsync($"api/projects/{project}/groups/all/assessments/{name}"))!;
            var summary = assessment["summary"]!;
            Console.WriteLine($"Orchestration: {status["runtimeStatus"]} {status["customStatus"]?.ToJsonString()}");
            Console.WriteLine($"End to end, batch {batch}: {summary["machines"]} machines assessed in {e2e.Elapsed.TotalSeconds:0.00} s = {servers / e2e.Elapsed.TotalSeconds:N0} servers/s");
            Console.WriteLine($"  readiness {summary["readiness"]!.ToJsonString()}, confidence {summary["confidence"]!.ToJsonString()}, monthly compute {summary["monthlyComputeCost"]!.GetValue<double>():N0} + storage {summary["monthlyStorageCost"]!.GetValue<double>():N0} {summary["currency"]}");

            await BareReadsAsync(++round, batch, perServer: runs.Count == batchSizes.Count);
        }

        var bare = reads.Min();
        Console.WriteLine();
        Console.WriteLine($"Fastest bare read of the window: {bare:0.00} s ({reads.Count} reads: {string.Join(", ", reads.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))} s)");
        foreach (var (batch, seconds) in runs)
        {
            var ratio = seconds / bare;
            Console.WriteLine($"Batch {batch}: end to end {seconds:0.00} s = {servers / seconds:N0} machines/s; ratio end-to-end / fastest bare read = {ratio:0.00} (goal <= 2: {(ratio <= 2 ? "met" : "NOT met")})");
        }

        Console.WriteLine($"Total bench time {total.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private static async Task<(double Seconds, long Points)> BareReadAsync(DiscoveryReader reader, string projectId, IReadOnlyList<DiscoveredServer> estate, DateTimeOffset asOf, TimeSpan window, int parallelism)
    {
        long points = 0;
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(estate, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (s, ct) =>
        {
            var list = await reader.GetPerformanceAsync(Region, projectId, s.Id, asOf - window, asOf, ct);
            Interlocked.Add(ref points, list.Count);
        });
        sw.Stop();
        return (sw.Elapsed.TotalSeconds, points);
    }

    private static async Task<(double Seconds, long Points)> BatchReadAsync(BatchPerformanceReader reader, string projectId, IReadOnlyList<DiscoveredServer> estate, DateTimeOffset asOf, TimeSpan window, int batch, int parallelism)
    {
        long points = 0;
        var batches = estate.OrderBy(s => DiscoveryTables.Escape(s.Id), StringComparer.Ordinal).Chunk(batch).ToList();
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (chunk, ct) =>
        {
            var series = await reader.ReadAsync(Region, projectId, chunk, asOf - window, asOf, ct);
            Interlocked.Add(ref points, series.Values.Sum(v => (long)v.Count));
        });
        sw.Stop();
        return (sw.Elapsed.TotalSeconds, points);
    }

    private static async Task<JsonNode> WaitAsync(HttpClient http, string statusUri, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var body = JsonNode.Parse(await http.GetStringAsync(statusUri))!;
            var state = body["runtimeStatus"]?.GetValue<string>();
            if (state is not ("Running" or "Pending"))
            {
                if (state != "Completed")
                {
                    throw new InvalidOperationException(body.ToJsonString());
                }

                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(body.ToJsonString());
            }

            await Task.Delay(200);
        }
    }

    private static UploadSource Source(string projectId, ref int upload, DateTimeOffset at) =>
        new(Region, projectId, "bench-appliance", "inv-" + (++upload).ToString(CultureInfo.InvariantCulture), at);

    private static DiscoveredServer Server(int n)
    {
        string[] oses = ["Microsoft Windows Server 2019 (64-bit)", "Microsoft Windows Server 2016 (64-bit)", "Ubuntu Linux (64-bit)", "Red Hat Enterprise Linux 8 (64-bit)", "Microsoft Windows Server 2012 R2 (64-bit)", "CentOS 7 (64-bit)"];
        return new DiscoveredServer
        {
            Id = "bench-" + n.ToString("00000", CultureInfo.InvariantCulture),
            Name = "bench-" + n.ToString("00000", CultureInfo.InvariantCulture),
            SourceType = SourceType.VMware,
            OperatingSystem = new OperatingSystemInfo(oses[n % oses.Length], null, OsArchitecture.X64),
            BootType = n % 3 == 0 ? BootType.Uefi : BootType.Bios,
            Cores = 2 << (n % 4),
            MemoryMb = 4096 << (n % 3),
            Disks = [new DiscoveredDisk { Id = "disk0", SizeGb = 128 }, new DiscoveredDisk { Id = "disk1", SizeGb = 256 << (n % 4) }],
            NetworkAdapters = [new NetworkAdapter { Name = "nic0" }],
            PowerState = PowerState.On,
        };
    }

    private static List<PerformancePoint> Points(DiscoveredServer s, DateTimeOffset end, int days)
    {
        var rng = new Random(s.Id.GetHashCode(StringComparison.Ordinal));
        var n = days * 144;
        var level = 5 + 50 * rng.NextDouble();
        var list = new List<PerformancePoint>(n);
        for (var k = 0; k < n; k++)
        {
            var t = end.AddMinutes(-10 * (n - 1 - k));
            var daily = Math.Sin(t.TimeOfDay.TotalHours / 24 * 2 * Math.PI);
            var cpu = Math.Clamp(level * (1 + 0.5 * daily) + 10 * rng.NextDouble(), 0, 100);
            list.Add(new PerformancePoint(
                t, cpu, Math.Clamp(30 + 20 * rng.NextDouble() + 0.2 * cpu, 0, 100),
                [new DiskPerformance("disk0", 20 * rng.NextDouble(), 30 * rng.NextDouble(), 0.5 * rng.NextDouble(), 1 * rng.NextDouble()),
                 new DiskPerformance("disk1", 200 * rng.NextDouble() * cpu / 50, 300 * rng.NextDouble() * cpu / 50, 5 * rng.NextDouble(), 8 * rng.NextDouble())],
                0.5 * rng.NextDouble(), 2 * rng.NextDouble() * cpu / 50));
        }

        return list;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
