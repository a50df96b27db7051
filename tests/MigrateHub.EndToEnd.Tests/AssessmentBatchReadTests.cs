using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Assessments;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Storage;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>
/// The activities read a batch's performance with one range query per day (<see cref="BatchPerformanceReader"/>);
/// the series must be exactly what <see cref="PerformanceSeries.FromPoints"/> builds from the per-server
/// reader (<see cref="DiscoveryReader.GetPerformanceAsync"/>), on what ingestion wrote.
/// </summary>
public sealed class AssessmentBatchReadTests(AssessmentFixture fixture) : IClassFixture<AssessmentFixture>
{
    private const string Region = "westeurope";

    [Fact]
    public async Task Batch_read_gives_the_per_server_series_for_escaped_ids_partial_days_changing_disks_and_missing_data()
    {
        using var hub = new HubClient(fixture.Host);
        var (projectId, _) = await AppliancesTestApi.CreateProjectAsync(hub, AppliancesTestApi.NewName("bread"), "Europe", Region);
        var services = fixture.Host.Services;
        var ingestion = services.GetRequiredService<IngestionService>();
        var reader = services.GetRequiredService<DiscoveryReader>();
        var batchReader = services.GetRequiredService<BatchPerformanceReader>();

        var now = DateTimeOffset.UtcNow;
        var end = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 10 * 10, 0, TimeSpan.Zero).AddMinutes(-10);
        var servers = new[]
        {
            Server("srv-a", SourceType.VMware, 1), Server("srv/b", SourceType.VMware, 2), Server("srv|c", SourceType.VMware, 1),
            Server("srv-d", SourceType.VMware, 1), Server("srv-e", SourceType.VMware, 2), Server("srv-f", SourceType.VMware, 2),
            Server("srv#g", SourceType.Physical, 1), Server("srv%h", SourceType.VMware, 1),
        };
        var perf = new List<ServerPerformance>
        {
            new("srv-a", Points(servers[0], end, TimeSpan.FromDays(4), TimeSpan.FromMinutes(10), 1)),
            new("srv/b", Points(servers[1], end, TimeSpan.FromDays(3), TimeSpan.FromMinutes(10), 2)),
            new("srv|c", Points(servers[2], end.AddDays(-1), TimeSpan.FromDays(2), TimeSpan.FromMinutes(10), 3)),
            // srv-d: no performance at all.
            new("srv-e", Points(servers[4], end, TimeSpan.FromHours(5), TimeSpan.FromMinutes(10), 5)),
            // srv-f: a second disk appears half way.
            new("srv-f", Points(servers[5], end, TimeSpan.FromDays(3), TimeSpan.FromMinutes(10), 6, secondDiskFrom: end.AddDays(-1.5))),
            new("srv#g", Points(servers[6], end, TimeSpan.FromDays(2), TimeSpan.FromMinutes(5), 7)),
            new("srv%h", Points(servers[7], end, TimeSpan.FromDays(1), TimeSpan.FromMinutes(10), 8)),
        };
        await ingestion.IngestAsync(new UploadSource(Region, projectId, "bench-appliance", "inv", now), new UploadPayload { Kind = UploadKinds.Inventory, Servers = servers }, CancellationToken.None);
        await ingestion.IngestAsync(new UploadSource(Region, projectId, "bench-appliance", "perf-1", now), new UploadPayload { Kind = UploadKinds.Performance, Performance = perf }, CancellationToken.None);
        // A later upload rewrites part of srv-a's last day (slots merged over what was written before).
        var update = Points(servers[0], end, TimeSpan.FromHours(3), TimeSpan.FromMinutes(10), 99);
        await ingestion.IngestAsync(new UploadSource(Region, projectId, "bench-appliance", "perf-2", now), new UploadPayload { Kind = UploadKinds.Performance, Performance = [new("srv-a", update)] }, CancellationToken.None);

        var windows = new[]
        {
            (From: end.AddDays(-1), To: end),
            (From: end.AddDays(-7), To: end),
            (From: end.AddDays(-2.5).AddMinutes(3), To: end.AddHours(-12)),
            (From: end.AddDays(-20), To: end.AddDays(-10)),
            (From: end.AddHours(-2), To: end.AddHours(1)),
        };
        var subsets = new[] { servers, new[] { servers[0], servers[4] }, new[] { servers[1] }, new[] { servers[3] } };
        var compared = 0;
        foreach (var (from, to) in windows)
        {
            foreach (var subset in subsets)
            {
                var batch = await batchReader.ReadAsync(Region, projectId, subset, from, to, CancellationToken.None);
                Assert.True(batch.Keys.All(id => subset.Any(s => s.Id == id)), "only the batch's servers");
                foreach (var s in subset)
                {
                    var points = await reader.GetPerformanceAsync(Region, projectId, s.Id, from, to, CancellationToken.None);
                    var expected = points.Count == 0 ? null : PerformanceSeries.FromPoints(points, AssessmentRunner.IntervalOf(s.SourceType));
                    batch.TryGetValue(s.Id, out var actual);
                    AssertSame(expected, actual, $"{s.Id} in [{from:O}, {to:O}]");
                    compared += expected is null ? 0 : 1;
                }
            }
        }

        Assert.True(compared > 30, $"{compared} non-empty series compared");
    }

    [Fact]
    public async Task Results_are_stored_compressed_and_rows_written_as_json_text_before_still_read()
    {
        var services = fixture.Host.Services;
        var store = services.GetRequiredService<AssessmentStore>();
        var storage = services.GetRequiredService<HubStorage>();
        var partition = "p" + Guid.NewGuid().ToString("N") + "_g~a_1";
        var server = Server("srv/x", SourceType.VMware, 2);
        var engine = new AssessmentEngine();
        var settings = new AssessmentSettings { TargetRegion = Region };
        var now = DateTimeOffset.UtcNow;
        var machine = engine.Assess(new AssessmentInput(server, PerformanceSeries.FromPoints(Points(server, now, TimeSpan.FromDays(1), TimeSpan.FromMinutes(10), 1), TimeSpan.FromMinutes(10))), settings);
        var older = engine.Assess(new AssessmentInput(Server("srv-old", SourceType.VMware, 1), null), settings);

        await store.WriteResultsAsync(Region, partition, [machine], CancellationToken.None);
        var table = await storage.Region(Region).TableAsync(AssessmentKeys.ResultsTable);
        var row = (await table.GetEntityAsync<TableEntity>(partition, DiscoveryTables.Escape(machine.ServerId))).Value;
        Assert.NotNull(row.GetBinary("DataGz0"));
        Assert.Null(row.GetString("Data0"));

        // A row in the layout written before (chunked JSON text).
        var json = JsonSerializer.Serialize(older, AssessmentStore.Json);
        await table.UpsertEntityAsync(new TableEntity(partition, older.ServerId) { ["Name"] = older.Name, ["DataChunks"] = 1, ["Data0"] = json });

        var page = await store.PageResultsAsync(Region, partition, 10, null, CancellationToken.None);
        Assert.Equal(2, page.Value.Count);
        Assert.Equal(JsonSerializer.Serialize(machine, AssessmentStore.Json), JsonSerializer.Serialize(page.Value.Single(m => m.ServerId == machine.ServerId), AssessmentStore.Json));
        Assert.Equal(json, JsonSerializer.Serialize(page.Value.Single(m => m.ServerId == older.ServerId), AssessmentStore.Json));
    }

    private static void AssertSame(PerformanceSeries? expected, PerformanceSeries? actual, string what)
    {
        if (expected is null)
        {
            Assert.True(actual is null, what + ": no series expected");
            return;
        }

        Assert.True(actual is not null, what + ": a series expected");
        Assert.Equal(expected.Interval, actual.Interval);
        Assert.Equal(expected.Timestamps, actual.Timestamps);
        Assert.Equal(expected.Cpu.ToArray(), actual.Cpu.ToArray());
        Assert.Equal(expected.Memory.ToArray(), actual.Memory.ToArray());
        Assert.Equal(expected.NetworkIn.ToArray(), actual.NetworkIn.ToArray());
        Assert.Equal(expected.NetworkOut.ToArray(), actual.NetworkOut.ToArray());
        Assert.Equal(expected.Disks.Select(d => d.DiskId), actual.Disks.Select(d => d.DiskId));
        for (var d = 0; d < expected.Disks.Count; d++)
        {
            Assert.Equal(expected.Disks[d].ReadIops, actual.Disks[d].ReadIops);
            Assert.Equal(expected.Disks[d].WriteIops, actual.Disks[d].WriteIops);
            Assert.Equal(expected.Disks[d].ReadMBps, actual.Disks[d].ReadMBps);
            Assert.Equal(expected.Disks[d].WriteMBps, actual.Disks[d].WriteMBps);
        }
    }

    private static DiscoveredServer Server(string id, SourceType source, int disks) => new()
    {
        Id = id,
        Name = "vm-" + id,
        SourceType = source,
        OperatingSystem = new OperatingSystemInfo("Ubuntu Linux (64-bit)", null, OsArchitecture.X64),
        Cores = 4,
        MemoryMb = 8192,
        PowerState = PowerState.On,
        Disks = Enumerable.Range(0, disks).Select(d => new DiscoveredDisk { Id = "disk" + d, SizeGb = 128 }).ToList(),
    };

    private static List<PerformancePoint> Points(DiscoveredServer s, DateTimeOffset end, TimeSpan span, TimeSpan step, int seed, DateTimeOffset? secondDiskFrom = null)
    {
        var random = new Random(seed);
        var n = (int)(span / step);
        return Enumerable.Range(0, n).Select(k =>
        {
            var t = end - ((n - 1 - k) * step);
            var disks = s.Disks.Where((d, i) => i == 0 || secondDiskFrom is null || t >= secondDiskFrom)
                .Select(d => new DiskPerformance(d.Id, 100 * random.NextDouble(), 50 * random.NextDouble(), 3 * random.NextDouble(), 2 * random.NextDouble()))
                .ToList();
            return new PerformancePoint(t, 100 * random.NextDouble(), 100 * random.NextDouble(), disks, random.NextDouble(), 2 * random.NextDouble());
        }).ToList();
    }
}
