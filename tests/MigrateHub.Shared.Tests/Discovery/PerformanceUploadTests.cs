using System.Text.Json;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Discovery;

public sealed class PerformanceUploadTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 3, 0, 10, 0, TimeSpan.Zero);

    private static List<PerformancePoint> Points(int n) =>
        Enumerable.Range(0, n).Select(i => new PerformancePoint(Start.AddMinutes(10 * i), i % 100, 40.5, [new DiskPerformance("scsi0:0", i, 2, 0.5, 0.25), new DiskPerformance("scsi0:1", 1, i, 0, 1)], 0.1, 0.2)).ToList();

    private static UploadPayload RoundTrip(UploadPayload payload) =>
        JsonSerializer.Deserialize<UploadPayload>(JsonSerializer.SerializeToUtf8Bytes(payload, DiscoveryJson.Options), DiscoveryJson.Options)!;

    [Fact]
    public void Columnar_points_read_back_as_the_same_points_and_count_as_items()
    {
        var points = Points(300);
        var payload = RoundTrip(new UploadPayload { Kind = UploadKinds.Performance, Performance = [ServerPerformance.Columnar("vm1", points)] });

        Assert.Empty(UploadValidator.Validate(payload));
        Assert.Equal(300, payload.ItemCount);
        var read = payload.Performance![0].AllPoints();
        Assert.Equal(points.Select(p => (p.Timestamp, p.CpuPercent, p.Disks[1].WriteIops)), read.Select(p => (p.Timestamp, p.CpuPercent, p.Disks[1].WriteIops)));
        Assert.Equal(points.SelectMany(p => p.Disks), read.SelectMany(p => p.Disks));
    }

    [Fact]
    public void The_columnar_form_is_much_smaller_than_one_object_per_point()
    {
        var points = Points(1000);
        var objects = JsonSerializer.SerializeToUtf8Bytes(new ServerPerformance("vm1", points), DiscoveryJson.Options).Length;
        var columns = JsonSerializer.SerializeToUtf8Bytes(ServerPerformance.Columnar("vm1", points), DiscoveryJson.Options).Length;
        Assert.True(columns * 2 < objects, $"{columns} vs {objects} bytes");
    }

    [Fact]
    public void Bad_columns_are_named_by_their_json_path()
    {
        var good = ServerPerformance.Columnar("vm1", Points(3)).Columns!;
        var payload = new UploadPayload
        {
            Kind = UploadKinds.Performance,
            Performance =
            [
                new ServerPerformance("vm1", null) { Columns = good with { CpuPercent = [1, -2, 3] } },
                new ServerPerformance("vm2", null) { Columns = good with { MemoryPercent = [1] } },
                new ServerPerformance("vm3", null) { Columns = good with { Disks = [good.Disks![0], good.Disks[0]] } },
                new ServerPerformance("vm4", Points(1)) { Columns = good },
                new ServerPerformance("vm5", null),
                new ServerPerformance("vm6", null) { Columns = good with { Timestamps = [1, 0, 3] } },
            ],
        };

        var errors = UploadValidator.Validate(payload);
        Assert.Contains("performance[0].columns.cpuPercent[1]", errors.Keys);
        Assert.Contains("performance[1].columns.memoryPercent", errors.Keys);
        Assert.Contains("performance[2].columns.disks[1].diskId", errors.Keys);
        Assert.Contains("performance[3]", errors.Keys);
        Assert.Contains("performance[4].points", errors.Keys);
        Assert.Contains("performance[5].columns.timestamps[1]", errors.Keys);
    }

    [Theory]
    [InlineData("{\"kind\":\"performance\",\"performance\":[{\"serverId\":\"a\",\"columns\":{\"timestamps\":[1,\"2\"]}}]}", "$.performance[0].columns.timestamps", "index 1")]
    [InlineData("{\"kind\":\"performance\",\"performance\":[{\"serverId\":\"a\",\"columns\":{\"timestamps\":[1],\"cpuPercent\":[null]}}]}", "$.performance[0].columns.cpuPercent", "index 0")]
    [InlineData("{\"kind\":\"performance\",\"performance\":[{\"serverId\":\"a\",\"columns\":{\"timestamps\":[1.5]}}]}", "$.performance[0].columns.timestamps", "index 0")]
    [InlineData("{\"kind\":\"performance\",\"performance\":[{\"serverId\":\"a\",\"columns\":{\"timestamps\":[1],\"memoryPercent\":{\"x\":1}}}]}", "$.performance[0].columns.memoryPercent", "array of numbers")]
    public void A_column_with_a_value_that_is_not_a_number_is_refused_with_its_path(string json, string path, string detail)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<UploadPayload>(json, DiscoveryJson.Options));
        Assert.Equal(path, error.Path);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_round_trip_every_double_exactly()
    {
        double[] values = [0, 0.1, 1e-300, 123456789.123456789, double.Epsilon, 99.99999999999999, 5e15];
        var columns = new PerformanceColumns { Timestamps = [1, long.MaxValue / 2, 3, 4, 5, 6, 7], CpuPercent = values };
        var read = JsonSerializer.Deserialize<PerformanceColumns>(JsonSerializer.SerializeToUtf8Bytes(columns, DiscoveryJson.Options), DiscoveryJson.Options)!;
        Assert.Equal(values, read.CpuPercent);
        Assert.Equal(columns.Timestamps, read.Timestamps);
        Assert.Null(read.MemoryPercent);
    }

    [Fact]
    public void Bad_points_are_still_named_by_their_json_path()
    {
        var points = Points(5);
        points[3] = points[3] with { MemoryPercent = double.NaN };
        points[4] = points[4] with { Disks = [new DiskPerformance("", 1, 1, 1, -1)] };
        var errors = UploadValidator.Validate(new UploadPayload { Kind = UploadKinds.Performance, Performance = [new ServerPerformance("vm1", points)] });
        Assert.Equal(["performance[0].points[3].memoryPercent", "performance[0].points[4].disks[0].diskId", "performance[0].points[4].disks[0].writeMBps"], errors.Keys.Order().ToArray());
    }
}
