// Assessment throughput bench: 10,000 servers, each with a month of 10-minute performance points
// (4,464), assessed in memory. Goal: all 10,000 in under 2 s.
//
// Perf data is drawn from the Bitbrains GWA-T-12 trace (TU Delft Grid Workloads Archive; S. Shen,
// V. van Beek, A. Iosup, "Statistical Characterization of Business-Critical Workloads Hosted in Cloud
// Datacenters", CCGrid 2015): the 10-minute peaks of VMs 1-5 (samples/utilization) are replayed with a
// random rotation and scale per server; cores and memory come from the per-VM summary of all 500 VMs.
// The trace has disk KB/s but no IOPS: IOPS = KB/s / 8 (an assumed 8 KiB I/O), for the bench only.
//
// Usage: dotnet run -c Release --project bench/AssessmentBench [-- servers [region]]
// End to end through the durable orchestration on Azurite: ... -- e2e [--servers N] (see EndToEndBench.cs).
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;

if (args.Length > 0 && args[0] == "e2e")
{
    return await MigrateHub.Bench.EndToEndBench.RunAsync(args[1..]);
}

var inv = CultureInfo.InvariantCulture;
var count = args.Length > 0 ? int.Parse(args[0], inv) : 10_000;
var region = args.Length > 1 ? args[1] : "westeurope";
const int Points = 4464;
const double GoalSeconds = 2.0;

var dir = Path.Combine(AppContext.BaseDirectory, "utilization");
var traces = LoadTraces(Path.Combine(dir, "bitbrains_rnd_2013-7_vm1-5_10min_peak.csv.gz"));
var shapes = LoadSummary(Path.Combine(dir, "bitbrains_rnd_2013-7_per_vm_summary.csv"));
Console.WriteLine($"Bitbrains traces: {traces.Count} VMs ({string.Join(", ", traces.Select(t => t.Cpu.Length))} points), {shapes.Count} VM shapes");

var genWatch = Stopwatch.StartNew();
var rng = new Random(42);
var end = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
var step = TimeSpan.FromMinutes(10).Ticks;
var timestamps = new long[Points];
for (var i = 0; i < Points; i++)
{
    timestamps[i] = end - ((Points - 1 - i) * step);
}

string[] oses = ["Microsoft Windows Server 2019 (64-bit)", "Microsoft Windows Server 2016 (64-bit)", "Ubuntu 22.04 LTS", "Red Hat Enterprise Linux 8 (64-bit)", "Microsoft Windows Server 2012 R2 (64-bit)", "CentOS 7 (64-bit)"];
var inputs = new AssessmentInput[count];
for (var n = 0; n < count; n++)
{
    var t = traces[rng.Next(traces.Count)];
    var shape = shapes[rng.Next(shapes.Count)];
    var offset = rng.Next(t.Cpu.Length);
    var scale = 0.5f + (float)rng.NextDouble();
    var cpu = new float[Points];
    var mem = new float[Points];
    var netIn = new float[Points];
    var netOut = new float[Points];
    var disks = new DiskPerformanceSeries[2];
    for (var d = 0; d < 2; d++)
    {
        disks[d] = new DiskPerformanceSeries("disk" + d, new float[Points], new float[Points], new float[Points], new float[Points]);
    }

    for (var i = 0; i < Points; i++)
    {
        var j = (i + offset) % t.Cpu.Length;
        cpu[i] = Math.Min(100f, t.Cpu[j] * scale);
        mem[i] = Math.Min(100f, t.Mem[j] * scale);
        netIn[i] = t.NetRx[j] / 1024f * scale;
        netOut[i] = t.NetTx[j] / 1024f * scale;
        for (var d = 0; d < 2; d++)
        {
            var share = d == 0 ? 0.3f : 0.7f;
            disks[d].ReadMBps[i] = t.DiskRead[j] / 1024f * share * scale;
            disks[d].WriteMBps[i] = t.DiskWrite[j] / 1024f * share * scale;
            disks[d].ReadIops[i] = t.DiskRead[j] / 8f * share * scale;
            disks[d].WriteIops[i] = t.DiskWrite[j] / 8f * share * scale;
        }
    }

    var server = new DiscoveredServer
    {
        Id = "bench-" + n.ToString(inv),
        Name = "bench-" + n.ToString(inv),
        SourceType = SourceType.VMware,
        OperatingSystem = new OperatingSystemInfo(oses[n % oses.Length], null, OsArchitecture.X64),
        BootType = n % 3 == 0 ? BootType.Uefi : BootType.Bios,
        Cores = shape.Cores,
        MemoryMb = shape.MemoryGib * 1024,
        Disks = [new DiscoveredDisk { Id = "disk0", SizeGb = 128 }, new DiscoveredDisk { Id = "disk1", SizeGb = 256 << rng.Next(4) }],
        NetworkAdapters = [new NetworkAdapter { Name = "nic0" }],
        PowerState = PowerState.On,
    };
    inputs[n] = new AssessmentInput(server, new PerformanceSeries(TimeSpan.FromMinutes(10), timestamps, cpu, mem, netIn, netOut, disks));
}

genWatch.Stop();
Console.WriteLine($"Generated {count:N0} servers x {Points:N0} points in {genWatch.Elapsed.TotalSeconds:0.00} s");

var engine = new AssessmentEngine(AzureCatalog.Default);
var settings = new AssessmentSettings { TargetRegion = region };

// Warm-up (JIT, catalog load) on a small slice, then timed runs of the whole set.
engine.Assess(inputs.AsSpan(0, Math.Min(500, count)).ToArray(), settings);
var best = double.MaxValue;
var bestCpu = double.MaxValue;
AssessmentResult? result = null;
var proc = Process.GetCurrentProcess();
for (var run = 1; run <= 5; run++)
{
    GC.Collect();
    var gcCount = GC.CollectionCount(0);
    var pause = GC.GetTotalPauseDuration();
    proc.Refresh();
    var cpu0 = proc.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    result = engine.Assess(inputs, settings);
    sw.Stop();
    proc.Refresh();
    var cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
    best = Math.Min(best, sw.Elapsed.TotalSeconds);
    bestCpu = Math.Min(bestCpu, cpu);
    Console.WriteLine($"run {run}: {count:N0} servers in {sw.Elapsed.TotalSeconds:0.000} s wall, {cpu:0.000} s CPU = {count / sw.Elapsed.TotalSeconds:N0} servers/s (GC gen0 {GC.CollectionCount(0) - gcCount}, pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0} ms)");
}

// The CPU time is what the run needs on an idle machine with this many cores (the wall time also
// counts other processes competing for the cores).
var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
Console.WriteLine($"Load average during the bench: {load}; CPU-time estimate on {Environment.ProcessorCount} idle cores: {bestCpu / Environment.ProcessorCount:0.000} s = {count / (bestCpu / Environment.ProcessorCount):N0} servers/s");

// Floor: just reading every value the engine reads (CPU, memory, network out, disk read/write IOPS and MBps), in parallel.
{
    for (var rep = 0; rep < 2; rep++)
    {
        proc.Refresh();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var total = 0.0;
        var gate = new object();
        Parallel.For(0, count, () => 0.0, (i, _, acc) =>
        {
            var p = inputs[i].Performance!;
            float sum = 0;
            foreach (var v in p.Cpu) { sum += v; }
            foreach (var v in p.Memory) { sum += v; }
            foreach (var v in p.NetworkOut) { sum += v; }
            foreach (var d in p.Disks)
            {
                for (var j = 0; j < d.ReadIops.Length; j++) { sum += d.ReadIops[j] + d.WriteIops[j] + d.ReadMBps[j] + d.WriteMBps[j]; }
            }

            return acc + sum;
        }, acc => { lock (gate) { total += acc; } });
        sw.Stop();
        proc.Refresh();
        if (rep == 1)
        {
            Console.WriteLine($"read-only floor (sum of the {count * Points * 11L * 4 / 1e9:0.00} GB the engine reads): {sw.Elapsed.TotalSeconds:0.000} s wall, {(proc.TotalProcessorTime - cpu0).TotalSeconds:0.000} s CPU (checksum {total:E2})");
        }
    }
}

// Breakdown: the same servers sized as on premises (no percentiles computed).
{
    var asOnPrem = settings with { Sizing = SizingCriterion.AsOnPremises };
    engine.Assess(inputs, asOnPrem);
    var gc0 = GC.CollectionCount(0);
    var pause0 = GC.GetTotalPauseDuration();
    proc.Refresh();
    var cpu0 = proc.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    engine.Assess(inputs, asOnPrem);
    sw.Stop();
    proc.Refresh();
    Console.WriteLine($"as-on-premises (no percentiles): {sw.Elapsed.TotalSeconds:0.000} s wall, {(proc.TotalProcessorTime - cpu0).TotalSeconds:0.000} s CPU; GC gen0 {GC.CollectionCount(0) - gc0}, pause {(GC.GetTotalPauseDuration() - pause0).TotalMilliseconds:0} ms");
}

var sw1 = Stopwatch.StartNew();
var single = 0;
foreach (var input in inputs.AsSpan(0, Math.Min(2000, count)))
{
    single += engine.Assess(input, settings).Compute is null ? 0 : 1;
}

sw1.Stop();
var perSingle = sw1.Elapsed.TotalSeconds / Math.Min(2000, count);

var goalRate = 10_000 / GoalSeconds;
var rate = count / best;
Console.WriteLine();
Console.WriteLine($"Machines: {Environment.ProcessorCount} logical cores; region {region}; percentile {settings.Percentile}, comfort {settings.ComfortFactor}");
Console.WriteLine($"Best: {count:N0} servers in {best:0.000} s = {rate:N0} servers/s (goal {goalRate:N0}/s: 10,000 in {GoalSeconds} s)");
Console.WriteLine($"Ratio to goal: {rate / goalRate:0.00}x {(rate >= goalRate ? "(goal met)" : "(goal NOT met)")}");
Console.WriteLine($"Single-server API (one server per call, one thread): {1 / perSingle:N0} servers/s");
Console.WriteLine($"Readiness: {string.Join(", ", result!.ReadinessCounts.Select(kv => $"{kv.Key} {kv.Value}"))}; monthly compute {result.TotalMonthlyComputeCost:N0} USD, storage {result.TotalMonthlyStorageCost:N0} USD");
Console.WriteLine("Top sizes: " + string.Join(", ", result.Machines.Where(m => m.Compute is not null).GroupBy(m => m.Compute!.Size.Name).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Key} {g.Count()}")));
return 0;

static List<Trace> LoadTraces(string path)
{
    using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
    using var reader = new StreamReader(gz);
    reader.ReadLine();
    var byVm = new SortedDictionary<int, List<float[]>>();
    while (reader.ReadLine() is { } line)
    {
        var p = line.Split(',');
        var vm = int.Parse(p[0], CultureInfo.InvariantCulture);
        if (!byVm.TryGetValue(vm, out var list))
        {
            list = [];
            byVm[vm] = list;
        }

        list.Add(p.Skip(2).Select(x => float.Parse(x, CultureInfo.InvariantCulture)).ToArray());
    }

    return byVm.Values.Select(rows => new Trace(
        rows.Select(r => r[0]).ToArray(), rows.Select(r => r[1]).ToArray(), rows.Select(r => r[2]).ToArray(),
        rows.Select(r => r[3]).ToArray(), rows.Select(r => r[4]).ToArray(), rows.Select(r => r[5]).ToArray())).ToList();
}

static List<(int Cores, double MemoryGib)> LoadSummary(string path) =>
    File.ReadLines(path).Skip(1).Select(l => l.Split(','))
        .Select(p => (int.Parse(p[1], CultureInfo.InvariantCulture), Math.Max(0.5, double.Parse(p[3], CultureInfo.InvariantCulture))))
        .ToList();

internal sealed record Trace(float[] Cpu, float[] Mem, float[] DiskRead, float[] DiskWrite, float[] NetRx, float[] NetTx);
