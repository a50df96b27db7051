using Azure.Data.Tables;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Tests.Discovery;

public sealed class PerformanceCodecTests
{
    private static readonly DateOnly Day = new(2026, 11, 3);

    private static List<PerformancePoint> Points(DateOnly day, int fromSlot, int toSlot, int disks = 2, double bias = 0) =>
        Enumerable.Range(fromSlot, toSlot - fromSlot)
            .Select(s => new PerformancePoint(
                new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(10 * s),
                s * 0.5 + bias, 100 - (s * 0.25), Enumerable.Range(0, disks).Select(d => new DiskPerformance($"scsi0:{d}", s + d, s * 2.0, s / 8.0, d / 4.0)).ToArray(), s / 16.0, s / 32.0))
            .ToList();

    private static void AssertSame(IReadOnlyList<PerformancePoint> expected, IReadOnlyList<PerformancePoint> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal(e.Timestamp.UtcDateTime, a.Timestamp.UtcDateTime);
            Assert.Equal((float)e.CpuPercent, (float)a.CpuPercent);
            Assert.Equal((float)e.MemoryPercent, (float)a.MemoryPercent);
            Assert.Equal((float)e.NetworkInMBps, (float)a.NetworkInMBps);
            Assert.Equal((float)e.NetworkOutMBps, (float)a.NetworkOutMBps);
            Assert.Equal(e.Disks.Select(d => (d.DiskId, (float)d.ReadIops, (float)d.WriteIops, (float)d.ReadMBps, (float)d.WriteMBps)),
                         a.Disks.Select(d => (d.DiskId, (float)d.ReadIops, (float)d.WriteIops, (float)d.ReadMBps, (float)d.WriteMBps)));
        }
    }

    /// <summary>What the table holds after the writes, in order: replace sets the entity, merge adds properties.</summary>
    private static TableEntity Apply(TableEntity? stored, (TableEntity Entity, TableTransactionActionType Action) write)
    {
        if (stored is null || write.Action == TableTransactionActionType.UpsertReplace)
        {
            return new TableEntity(write.Entity);
        }

        var merged = new TableEntity(stored);
        foreach (var (k, v) in write.Entity)
        {
            merged[k] = v;
        }

        return merged;
    }

    [Fact]
    public void A_whole_day_is_a_few_chunks_written_with_replace_and_reads_back_every_point()
    {
        var points = Points(Day, 0, 144);
        var writes = PerformanceCodec.DayEntities("p1", "vm/1", points, out var count);

        var (entity, action) = Assert.Single(writes);
        Assert.Equal(144, count);
        Assert.Equal(TableTransactionActionType.UpsertReplace, action);
        Assert.Equal("p1_20261103", entity.PartitionKey);
        Assert.Equal(DiscoveryTables.Escape("vm/1"), entity.RowKey);
        Assert.Equal(["d0"], entity.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")).ToArray());
        Assert.True(((byte[])entity["d0"]).Length < 144 * (20 + (2 * 24)), "columnar: disk ids once per day");
        AssertSame(points, PerformanceCodec.DecodeEntity(Day, entity).ToList());
    }

    [Fact]
    public void A_partial_day_merges_slot_properties_and_a_later_upload_adds_its_slots_without_losing_earlier_ones()
    {
        var morning = PerformanceCodec.DayEntities("p1", "vm1", Points(Day, 0, 50), out _);
        var evening = PerformanceCodec.DayEntities("p1", "vm1", Points(Day, 50, 100), out _);
        Assert.All(morning.Concat(evening), w => Assert.Equal(TableTransactionActionType.UpsertMerge, w.Action));
        Assert.Contains("s049", morning[0].Entity.Keys);

        var stored = Apply(Apply(null, morning[0]), evening[0]);
        AssertSame(Points(Day, 0, 100), PerformanceCodec.DecodeEntity(Day, stored).ToList());
    }

    [Fact]
    public void A_slot_merged_after_a_whole_day_overrides_that_slot_and_a_later_whole_day_replaces_everything()
    {
        var whole = PerformanceCodec.DayEntities("p1", "vm1", Points(Day, 0, 144), out _).Single();
        var correction = PerformanceCodec.DayEntities("p1", "vm1", Points(Day, 10, 12, bias: 7), out _).Single();
        var stored = Apply(Apply(null, whole), correction);

        var expected = Points(Day, 0, 10).Concat(Points(Day, 10, 12, bias: 7)).Concat(Points(Day, 12, 144)).ToList();
        AssertSame(expected, PerformanceCodec.DecodeEntity(Day, stored).ToList());

        stored = Apply(stored, whole); // the whole day again (a redelivery): replace drops the slot properties
        Assert.DoesNotContain("s010", stored.Keys);
        AssertSame(Points(Day, 0, 144), PerformanceCodec.DecodeEntity(Day, stored).ToList());
    }

    [Fact]
    public void The_same_points_always_encode_to_the_same_bytes()
    {
        var points = Points(Day, 0, 144).Concat(Points(Day.AddDays(1), 0, 30)).ToList();
        var first = PerformanceCodec.DayEntities("p1", "vm1", points, out _);
        var second = PerformanceCodec.DayEntities("p1", "vm1", points.AsEnumerable().Reverse().ToList(), out _);
        Assert.Equal(first.Count, second.Count);
        foreach (var (a, b) in first.Zip(second))
        {
            Assert.Equal(a.Action, b.Action);
            Assert.Equal(a.Entity.Keys.Order(), b.Entity.Keys.Order());
            foreach (var key in a.Entity.Keys.Where(k => a.Entity[k] is byte[]))
            {
                Assert.Equal((byte[])a.Entity[key], (byte[])b.Entity[key]);
            }
        }
    }

    [Fact]
    public void A_day_larger_than_one_binary_property_spans_several_chunks()
    {
        var points = Points(Day, 0, 144, disks: 40);
        var (entity, action) = PerformanceCodec.DayEntities("p1", "vm1", points, out _).Single();
        Assert.Equal(TableTransactionActionType.UpsertReplace, action);
        Assert.Contains("d1", entity.Keys);
        Assert.All(((IDictionary<string, object>)entity).Values.OfType<byte[]>(), b => Assert.True(b.Length <= PerformanceCodec.MaxChunkBytes));
        AssertSame(points, PerformanceCodec.DecodeEntity(Day, entity).ToList());
    }

    [Fact]
    public void Points_whose_disks_change_during_the_day_are_kept_row_by_row()
    {
        var points = Points(Day, 0, 72, disks: 1).Concat(Points(Day, 72, 144, disks: 3)).ToList();
        var (entity, _) = PerformanceCodec.DayEntities("p1", "vm1", points, out _).Single();
        AssertSame(points, PerformanceCodec.DecodeEntity(Day, entity).ToList());
    }

    [Fact]
    public void Five_minute_points_two_per_slot_round_trip_through_a_whole_day()
    {
        var midnight = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var points = Enumerable.Range(0, 288).Select(i => new PerformancePoint(midnight.AddMinutes(5 * i), i % 100, 50, [new DiskPerformance("d", i, 1, 2, 3)], 1, 2)).ToList();
        var (entity, action) = PerformanceCodec.DayEntities("p1", "vm1", points, out var count).Single();
        Assert.Equal(288, count);
        Assert.Equal(TableTransactionActionType.UpsertReplace, action);
        AssertSame(points, PerformanceCodec.DecodeEntity(Day, entity).ToList());
    }

    public static TheoryData<string> ColumnarShapes => new()
    {
        "three whole days", "partial first and last day", "five-minute points", "a day with a missing slot", "unordered timestamps",
        "duplicate timestamp", "no disks", "forty disks (several chunks)", "no points",
    };

    [Theory]
    [MemberData(nameof(ColumnarShapes))]
    public void Columnar_entries_encode_to_the_same_entities_as_their_points_byte_for_byte(string shape)
    {
        var midnight = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        List<PerformancePoint> points = shape switch
        {
            "three whole days" => [.. Points(Day, 0, 144), .. Points(Day.AddDays(1), 0, 144), .. Points(Day.AddDays(2), 0, 144)],
            "partial first and last day" => [.. Points(Day, 100, 144), .. Points(Day.AddDays(1), 0, 144), .. Points(Day.AddDays(2), 0, 7)],
            "five-minute points" => Enumerable.Range(0, 600).Select(i => new PerformancePoint(midnight.AddMinutes(5 * i), i % 100, 50, [new DiskPerformance("d", i, 1, 2, 3)], 1, 2)).ToList(),
            "a day with a missing slot" => Points(Day, 0, 144).Where((_, i) => i != 77).ToList(),
            "unordered timestamps" => [.. Points(Day.AddDays(1), 0, 144), .. Points(Day, 0, 144)],
            "duplicate timestamp" => [.. Points(Day, 0, 50), .. Points(Day, 49, 144, bias: 3)],
            "no disks" => Points(Day, 0, 144, disks: 0),
            "forty disks (several chunks)" => Points(Day, 0, 144, disks: 40),
            _ => [],
        };

        var fromPoints = PerformanceCodec.DayEntities("p1", "vm/1", points, out var pointCount);
        var fromColumns = PerformanceCodec.DayEntities("p1", "vm/1", ServerPerformance.Columnar("vm/1", points).Columns!, out var columnCount);

        Assert.Equal(points.Count, columnCount);
        Assert.Equal(pointCount, columnCount);
        Assert.Equal(fromPoints.Count, fromColumns.Count);
        foreach (var (expected, actual) in fromPoints.Zip(fromColumns))
        {
            Assert.Equal(expected.Action, actual.Action);
            Assert.Equal((expected.Entity.PartitionKey, expected.Entity.RowKey), (actual.Entity.PartitionKey, actual.Entity.RowKey));
            Assert.Equal(expected.Entity.Keys.Order(), actual.Entity.Keys.Order());
            foreach (var key in expected.Entity.Keys.Where(k => expected.Entity[k] is byte[]))
            {
                Assert.Equal((byte[])expected.Entity[key], (byte[])actual.Entity[key]);
            }
        }
    }

    [Fact]
    public void Overlay_keeps_the_later_points_of_a_slot()
    {
        var merged = PerformanceCodec.Overlay(Points(Day, 0, 20), Points(Day, 10, 30, bias: 1));
        var expected = Points(Day, 0, 10).Concat(Points(Day, 10, 30, bias: 1)).ToList();
        AssertSame(expected, merged.OrderBy(p => p.Timestamp).ToList());
    }

    [Fact]
    public void Slot_encoding_round_trips()
    {
        var points = Points(Day, 5, 6, disks: 3);
        AssertSame(points, PerformanceCodec.Decode(Day, PerformanceCodec.Encode(points)).ToList());
    }

    [Fact]
    public void Transactions_hold_one_partition_at_most_100_entities_and_a_bounded_number_of_bytes()
    {
        var small = Enumerable.Range(0, 250).SelectMany(v => PerformanceCodec.DayEntities("p1", $"vm{v}", Points(Day, 0, 144, disks: 1), out _)).ToList();
        var large = Enumerable.Range(0, 60).SelectMany(v => PerformanceCodec.DayEntities("p1", $"big{v}", Points(Day.AddDays(1), 0, 144, disks: 40), out _)).ToList();
        var batches = PerformanceCodec.Batches(small.Concat(large));

        Assert.Equal(310, batches.Sum(b => b.Count));
        Assert.All(batches, b => Assert.Single(b.Select(w => w.Entity.PartitionKey).Distinct()));
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 100));
        Assert.All(batches, b => Assert.True(b.Sum(w => ((IDictionary<string, object>)w.Entity).Values.OfType<byte[]>().Sum(x => x.Length)) <= PerformanceCodec.MaxBatchBinaryBytes));
        Assert.Equal([100, 100, 50], batches.Where(b => b[0].Entity.PartitionKey == "p1_20261103").Select(b => b.Count));
        Assert.True(batches.Count(b => b[0].Entity.PartitionKey == "p1_20261104") > 1, "60 days of 40 disks exceed one request");
    }
}
