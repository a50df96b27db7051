using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Storage of performance points: one entity per server and UTC day (PK <c>{projectId}_{yyyyMMdd}</c>,
/// RK server id), in one of two layouts, both readable by <see cref="DecodeEntity"/>:
/// <list type="bullet">
/// <item>An upload that holds <b>every 10-minute slot of a day</b> (the usual case: an appliance's
/// first upload and every past day of it) writes the day as a few binary chunks (<c>d0</c>, <c>d1</c>, ...,
/// at most 64 KiB each) of one columnar encoding of all its points, with an <b>upsert-replace</b>: it
/// supersedes every slot of that day, which is what a merge of all 144 slots would do, and it removes
/// older per-slot properties with it.</item>
/// <item>An upload that holds <b>part of a day</b> (periodic updates) merges one binary property per
/// 10-minute slot (<c>s000</c>..<c>s143</c>), as before: a later upload adds its slots to the day without a
/// read, and a slot written this way overrides the same slot of the chunks (it was written after them,
/// since a replace would have removed it).</item>
/// </list>
/// Both writes are idempotent: the same upload again writes the same bytes.
/// </summary>
public static class PerformanceCodec
{
    /// <summary>Slots per day.</summary>
    public const int SlotsPerDay = 144;

    /// <summary>Property name of a slot.</summary>
    public static string SlotName(int slot) => "s" + slot.ToString("000", CultureInfo.InvariantCulture);

    /// <summary>Groups points by UTC day and slot: day -> slot -> points (ordered by time).</summary>
    public static SortedDictionary<DateOnly, SortedDictionary<int, List<PerformancePoint>>> Group(IEnumerable<PerformancePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var days = new SortedDictionary<DateOnly, SortedDictionary<int, List<PerformancePoint>>>();
        foreach (var p in points)
        {
            var utc = p.Timestamp.UtcDateTime;
            var day = DateOnly.FromDateTime(utc);
            if (!days.TryGetValue(day, out var slots))
            {
                days[day] = slots = [];
            }

            var slot = (int)(utc.TimeOfDay.TotalMinutes / 10);
            if (!slots.TryGetValue(slot, out var list))
            {
                slots[slot] = list = [];
            }

            list.Add(p);
        }

        foreach (var slots in days.Values)
        {
            foreach (var list in slots.Values)
            {
                list.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
            }
        }

        return days;
    }

    /// <summary>Encodes the points of one slot.</summary>
    public static byte[] Encode(IReadOnlyList<PerformancePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var size = 1;
        foreach (var p in points)
        {
            size += 4 + 16 + 1;
            foreach (var d in p.Disks)
            {
                size += 1 + Encoding.UTF8.GetByteCount(d.DiskId) + 16;
            }
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = (byte)Math.Min(points.Count, 255);
        var o = 1;
        foreach (var p in points.Take(255))
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], (int)(p.Timestamp.UtcDateTime.TimeOfDay.Ticks / TimeSpan.TicksPerSecond));
            o += 4;
            o = Float(span, o, p.CpuPercent);
            o = Float(span, o, p.MemoryPercent);
            o = Float(span, o, p.NetworkInMBps);
            o = Float(span, o, p.NetworkOutMBps);
            var disks = p.Disks.Take(255).ToList();
            span[o++] = (byte)disks.Count;
            foreach (var d in disks)
            {
                var n = Encoding.UTF8.GetBytes(d.DiskId, span[(o + 1)..]);
                span[o] = (byte)n;
                o += 1 + n;
                o = Float(span, o, d.ReadIops);
                o = Float(span, o, d.WriteIops);
                o = Float(span, o, d.ReadMBps);
                o = Float(span, o, d.WriteMBps);
            }
        }

        return o == buffer.Length ? buffer : buffer[..o];
    }

    /// <summary>Decodes one slot of a day.</summary>
    public static IEnumerable<PerformancePoint> Decode(DateOnly day, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var span = data.AsSpan();
        var count = span[0];
        var result = new List<PerformancePoint>(count);
        var o = 1;
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            result.Add(ReadPoint(span, ref o, midnight));
        }

        return result;
    }

    private static PerformancePoint ReadPoint(ReadOnlySpan<byte> span, ref int o, DateTimeOffset midnight)
    {
        var seconds = BinaryPrimitives.ReadInt32LittleEndian(span[o..]);
        o += 4;
        var cpu = ReadFloat(span, ref o);
        var mem = ReadFloat(span, ref o);
        var netIn = ReadFloat(span, ref o);
        var netOut = ReadFloat(span, ref o);
        var diskCount = span[o++];
        var disks = new DiskPerformance[diskCount];
        for (var d = 0; d < diskCount; d++)
        {
            var n = span[o++];
            var id = Encoding.UTF8.GetString(span.Slice(o, n));
            o += n;
            disks[d] = new DiskPerformance(id, ReadFloat(span, ref o), ReadFloat(span, ref o), ReadFloat(span, ref o), ReadFloat(span, ref o));
        }

        return new PerformancePoint(midnight.AddSeconds(seconds), cpu, mem, disks, netIn, netOut);
    }

    /// <summary>Every point of a day entity, in time order.</summary>
    public static IEnumerable<PerformancePoint> DecodeEntity(DateOnly day, TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        List<PerformancePoint>? result = null;
        if (entity.TryGetValue(DayChunkName(0), out var first) && first is byte[] firstChunk)
        {
            result = DecodeDay(day, JoinChunks(entity, firstChunk));
        }

        SortedDictionary<int, byte[]>? slots = null;
        foreach (var (key, value) in entity)
        {
            if (value is byte[] bytes && TrySlotNumber(key, out var slot))
            {
                (slots ??= [])[slot] = bytes;
            }
        }

        if (slots is null)
        {
            return result ?? [];
        }

        // Per-slot properties were merged after the chunks were written: they win for their slots.
        result = result is null ? [] : result.Where(p => !slots.ContainsKey(SlotOf(p.Timestamp))).ToList();
        foreach (var (_, bytes) in slots)
        {
            result.AddRange(Decode(day, bytes));
        }

        result.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return result;
    }

    /// <summary>Property name of the <paramref name="index"/>th chunk of a whole-day entity.</summary>
    public static string DayChunkName(int index) => "d" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Largest binary property Table Storage accepts (64 KiB).</summary>
    public const int MaxChunkBytes = 64 * 1024;

    /// <summary>
    /// Largest whole-day encoding written as chunks (an entity may hold 1 MiB including keys and
    /// property names); a bigger day is written per slot.
    /// </summary>
    public const int MaxDayBytes = 15 * MaxChunkBytes;

    /// <summary>
    /// The day entities of one server's points, each with how to write it: a whole day (all 144 slots)
    /// as chunks with <see cref="TableTransactionActionType.UpsertReplace"/>, a partial day as slot
    /// properties with <see cref="TableTransactionActionType.UpsertMerge"/>. <paramref name="points"/>
    /// counts the points written.
    /// </summary>
    public static List<(TableEntity Entity, TableTransactionActionType Action)> DayEntities(
        string projectId, string serverId, IReadOnlyList<PerformancePoint> serverPoints, out int points)
    {
        ArgumentNullException.ThrowIfNull(serverPoints);
        var row = DiscoveryTables.Escape(serverId);
        var result = new List<(TableEntity, TableTransactionActionType)>();
        points = 0;
        foreach (var (day, slots) in Group(serverPoints))
        {
            var partition = DiscoveryTables.PerformancePartition(projectId, day);
            var dayPoints = slots.Values.SelectMany(l => l).ToList();
            points += dayPoints.Count;
            result.Add(slots.Count == SlotsPerDay && EncodeDay(dayPoints) is { Length: <= MaxDayBytes } encoded
                ? WholeDay(partition, row, encoded)
                : SlotDay(partition, row, slots));
        }

        return result;
    }

    /// <summary>
    /// The same entities as <see cref="DayEntities(string, string, IReadOnlyList{PerformancePoint}, out int)"/> for
    /// the points of <paramref name="columns"/> (a validated entry), byte for byte, encoded from the columns without a
    /// point object per point when the timestamps increase (the appliance's order); otherwise through the points.
    /// </summary>
    public static List<(TableEntity Entity, TableTransactionActionType Action)> DayEntities(
        string projectId, string serverId, PerformanceColumns columns, out int points)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var ts = columns.Timestamps!;
        var disks = columns.Disks ?? [];
        var increasing = disks.Count <= 255 && disks.All(d => Encoding.UTF8.GetByteCount(d.DiskId!) <= 255);
        for (var i = 1; increasing && i < ts.Length; i++)
        {
            increasing = ts[i] > ts[i - 1];
        }

        if (!increasing)
        {
            return DayEntities(projectId, serverId, columns.ToPoints(), out points);
        }

        var row = DiscoveryTables.Escape(serverId);
        var result = new List<(TableEntity, TableTransactionActionType)>();
        points = ts.Length;
        for (var start = 0; start < ts.Length;)
        {
            var dayNumber = ts[start] / SecondsPerDay;
            var end = start;
            var distinctSlots = 0;
            var lastSlot = -1L;
            for (; end < ts.Length && ts[end] / SecondsPerDay == dayNumber; end++)
            {
                var slot = ts[end] % SecondsPerDay / SecondsPerSlot;
                distinctSlots += slot != lastSlot ? 1 : 0;
                lastSlot = slot;
            }

            var day = DateOnly.FromDayNumber(UnixEpochDayNumber + (int)dayNumber);
            var partition = DiscoveryTables.PerformancePartition(projectId, day);
            var count = end - start;
            result.Add(distinctSlots == SlotsPerDay && count <= ushort.MaxValue && EncodeDay(columns, start, count, dayNumber * SecondsPerDay) is { Length: <= MaxDayBytes } encoded
                ? WholeDay(partition, row, encoded)
                : SlotDay(partition, row, Group(columns.ToPoints(start, count))[day]));
            start = end;
        }

        return result;
    }

    private const long SecondsPerDay = 86_400;
    private const long SecondsPerSlot = 600;
    private static readonly int UnixEpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static (TableEntity, TableTransactionActionType) WholeDay(string partition, string row, byte[] encoded)
    {
        var entity = new TableEntity(partition, row);
        for (var i = 0; i * MaxChunkBytes < encoded.Length; i++)
        {
            entity[DayChunkName(i)] = encoded.AsSpan(i * MaxChunkBytes, Math.Min(MaxChunkBytes, encoded.Length - (i * MaxChunkBytes))).ToArray();
        }

        return (entity, TableTransactionActionType.UpsertReplace);
    }

    private static (TableEntity, TableTransactionActionType) SlotDay(string partition, string row, SortedDictionary<int, List<PerformancePoint>> slots)
    {
        var entity = new TableEntity(partition, row);
        foreach (var (slot, list) in slots)
        {
            entity[SlotName(slot)] = Encode(list);
        }

        return (entity, TableTransactionActionType.UpsertMerge);
    }

    /// <summary>Most binary bytes in one transaction: base64 makes them 4/3 larger, and a batch request may carry 4 MiB.</summary>
    public const int MaxBatchBinaryBytes = 2_500_000;

    /// <summary>
    /// Writes grouped into transactions: one partition each, at most 100 entities and at most
    /// <see cref="MaxBatchBinaryBytes"/> of binary properties (days of servers with many disks are large).
    /// </summary>
    public static List<List<(TableEntity Entity, TableTransactionActionType Action)>> Batches(IEnumerable<(TableEntity Entity, TableTransactionActionType Action)> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var batches = new List<List<(TableEntity Entity, TableTransactionActionType Action)>>();
        foreach (var partition in writes.GroupBy(w => w.Entity.PartitionKey, StringComparer.Ordinal))
        {
            List<(TableEntity Entity, TableTransactionActionType Action)>? batch = null;
            var bytes = 0L;
            foreach (var write in partition)
            {
                var size = ((IDictionary<string, object>)write.Entity).Values.OfType<byte[]>().Sum(b => (long)b.Length);
                if (batch is null || batch.Count == DiscoveryTables.BatchSize || (batch.Count > 0 && bytes + size > MaxBatchBinaryBytes))
                {
                    batches.Add(batch = []);
                    bytes = 0;
                }

                batch.Add(write);
                bytes += size;
            }
        }

        return batches;
    }

    /// <summary>
    /// The points of <paramref name="earlier"/> and <paramref name="later"/> of one server, where a
    /// 10-minute slot present in <paramref name="later"/> replaces that slot of <paramref name="earlier"/>.
    /// </summary>
    public static IReadOnlyList<PerformancePoint> Overlay(IReadOnlyList<PerformancePoint> earlier, IReadOnlyList<PerformancePoint> later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        var replaced = later.Select(p => (DateOnly.FromDateTime(p.Timestamp.UtcDateTime), SlotOf(p.Timestamp))).ToHashSet();
        return earlier.Where(p => !replaced.Contains((DateOnly.FromDateTime(p.Timestamp.UtcDateTime), SlotOf(p.Timestamp)))).Concat(later).ToList();
    }

    private const byte ColumnarLayout = 2;
    private const byte RowLayout = 1;

    /// <summary>
    /// Encodes the points of a day (ordered by time). Columnar when every point has the same disks in
    /// the same order (the usual case): layout 2, point count, disk ids once, then seconds of day, CPU,
    /// memory, network in, network out and each disk's four rates as float32 columns. Otherwise row by
    /// row (layout 1) in the slot encoding.
    /// </summary>
    public static byte[] EncodeDay(IReadOnlyList<PerformancePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var n = points.Count;
        if (n > ushort.MaxValue)
        {
            throw new ArgumentException("Too many points for one day.", nameof(points));
        }

        var disks = n > 0 ? points[0].Disks : [];
        var columnar = disks.Count <= 255 && disks.All(d => Encoding.UTF8.GetByteCount(d.DiskId) <= 255);
        for (var i = 1; columnar && i < n; i++)
        {
            var other = points[i].Disks;
            columnar = other.Count == disks.Count;
            for (var d = 0; columnar && d < disks.Count; d++)
            {
                columnar = string.Equals(other[d].DiskId, disks[d].DiskId, StringComparison.Ordinal);
            }
        }

        if (!columnar)
        {
            var rows = points.Select(p => Encode([p])).ToList();
            var buffer = new byte[3 + rows.Sum(r => r.Length - 1)];
            buffer[0] = RowLayout;
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(1), (ushort)n);
            var at = 3;
            foreach (var r in rows)
            {
                r.AsSpan(1).CopyTo(buffer.AsSpan(at));
                at += r.Length - 1;
            }

            return buffer;
        }

        var (result, o) = ColumnarDay(disks.Select(d => d.DiskId).ToList(), n);
        var span = result.AsSpan();
        foreach (var p in points)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], (int)(p.Timestamp.UtcDateTime.TimeOfDay.Ticks / TimeSpan.TicksPerSecond));
            o += 4;
        }

        foreach (var p in points) { o = Float(span, o, p.CpuPercent); }
        foreach (var p in points) { o = Float(span, o, p.MemoryPercent); }
        foreach (var p in points) { o = Float(span, o, p.NetworkInMBps); }
        foreach (var p in points) { o = Float(span, o, p.NetworkOutMBps); }
        for (var d = 0; d < disks.Count; d++)
        {
            foreach (var p in points) { o = Float(span, o, p.Disks[d].ReadIops); }
            foreach (var p in points) { o = Float(span, o, p.Disks[d].WriteIops); }
            foreach (var p in points) { o = Float(span, o, p.Disks[d].ReadMBps); }
            foreach (var p in points) { o = Float(span, o, p.Disks[d].WriteMBps); }
        }

        return result;
    }

    /// <summary>
    /// <see cref="EncodeDay(IReadOnlyList{PerformancePoint})"/> of the points <paramref name="start"/> ..
    /// <paramref name="start"/> + <paramref name="n"/> of <paramref name="columns"/> (increasing timestamps of one day that
    /// begins at Unix second <paramref name="midnight"/>), written column by column.
    /// </summary>
    private static byte[] EncodeDay(PerformanceColumns columns, int start, int n, long midnight)
    {
        var disks = columns.Disks ?? [];
        var (result, o) = ColumnarDay(disks.Select(d => d.DiskId!).ToList(), n);
        var span = result.AsSpan();
        foreach (var t in columns.Timestamps.AsSpan(start, n))
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], (int)(t - midnight));
            o += 4;
        }

        o = Floats(span, o, columns.CpuPercent!, start, n);
        o = Floats(span, o, columns.MemoryPercent!, start, n);
        o = Floats(span, o, columns.NetworkInMBps!, start, n);
        o = Floats(span, o, columns.NetworkOutMBps!, start, n);
        foreach (var d in disks)
        {
            o = Floats(span, o, d.ReadIops!, start, n);
            o = Floats(span, o, d.WriteIops!, start, n);
            o = Floats(span, o, d.ReadMBps!, start, n);
            o = Floats(span, o, d.WriteMBps!, start, n);
        }

        return result;
    }

    /// <summary>A columnar day's buffer for <paramref name="n"/> points with its header written (layout, count, disk ids), and where its columns start.</summary>
    private static (byte[] Buffer, int ColumnsAt) ColumnarDay(IReadOnlyList<string> diskIds, int n)
    {
        var buffer = new byte[1 + 2 + 1 + diskIds.Sum(id => 1 + Encoding.UTF8.GetByteCount(id)) + (n * (4 + 16 + (16 * diskIds.Count)))];
        var span = buffer.AsSpan();
        span[0] = ColumnarLayout;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], (ushort)n);
        span[3] = (byte)diskIds.Count;
        var o = 4;
        foreach (var id in diskIds)
        {
            var len = Encoding.UTF8.GetBytes(id, span[(o + 1)..]);
            span[o] = (byte)len;
            o += 1 + len;
        }

        return (buffer, o);
    }

    private static int Floats(Span<byte> span, int o, double[] values, int start, int n)
    {
        foreach (var v in values.AsSpan(start, n))
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[o..], (float)v);
            o += 4;
        }

        return o;
    }

    /// <summary>Decodes what <see cref="EncodeDay(IReadOnlyList{PerformancePoint})"/> wrote.</summary>
    public static List<PerformancePoint> DecodeDay(DateOnly day, ReadOnlySpan<byte> data)
    {
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var n = BinaryPrimitives.ReadUInt16LittleEndian(data[1..]);
        var result = new List<PerformancePoint>(n);
        if (data[0] == RowLayout)
        {
            var o = 3;
            for (var i = 0; i < n; i++)
            {
                result.Add(ReadPoint(data, ref o, midnight));
            }

            return result;
        }

        if (data[0] != ColumnarLayout)
        {
            throw new InvalidDataException($"Unknown performance day layout {data[0]}.");
        }

        var diskCount = data[3];
        var ids = new string[diskCount];
        var at = 4;
        for (var d = 0; d < diskCount; d++)
        {
            var len = data[at];
            ids[d] = Encoding.UTF8.GetString(data.Slice(at + 1, len));
            at += 1 + len;
        }

        var seconds = at;
        var columns = seconds + (4 * n);
        for (var i = 0; i < n; i++)
        {
            var disks = new DiskPerformance[diskCount];
            for (var d = 0; d < diskCount; d++)
            {
                var c = 4 + (4 * d);
                disks[d] = new DiskPerformance(ids[d], Column(data, columns, n, c, i), Column(data, columns, n, c + 1, i), Column(data, columns, n, c + 2, i), Column(data, columns, n, c + 3, i));
            }

            result.Add(new PerformancePoint(
                midnight.AddSeconds(BinaryPrimitives.ReadInt32LittleEndian(data[(seconds + (4 * i))..])),
                Column(data, columns, n, 0, i), Column(data, columns, n, 1, i), disks, Column(data, columns, n, 2, i), Column(data, columns, n, 3, i)));
        }

        return result;
    }

    private static float Column(ReadOnlySpan<byte> data, int columns, int n, int column, int i) =>
        BinaryPrimitives.ReadSingleLittleEndian(data[(columns + (4 * ((column * n) + i)))..]);

    private static byte[] JoinChunks(TableEntity entity, byte[] first)
    {
        var chunks = new List<byte[]> { first };
        for (var i = 1; entity.TryGetValue(DayChunkName(i), out var value) && value is byte[] chunk; i++)
        {
            chunks.Add(chunk);
        }

        if (chunks.Count == 1)
        {
            return first;
        }

        var joined = new byte[chunks.Sum(c => c.Length)];
        var at = 0;
        foreach (var c in chunks)
        {
            c.CopyTo(joined, at);
            at += c.Length;
        }

        return joined;
    }

    private static bool TrySlotNumber(string key, out int slot)
    {
        slot = -1;
        return key.Length == 4 && key[0] == 's' && int.TryParse(key.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out slot) && slot < SlotsPerDay;
    }

    private static int SlotOf(DateTimeOffset timestamp) => (int)(timestamp.UtcDateTime.TimeOfDay.TotalMinutes / 10);

    private static int Float(Span<byte> span, int o, double value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(span[o..], (float)value);
        return o + 4;
    }

    private static double ReadFloat(ReadOnlySpan<byte> span, ref int o)
    {
        var v = BinaryPrimitives.ReadSingleLittleEndian(span[o..]);
        o += 4;
        return v;
    }
}
