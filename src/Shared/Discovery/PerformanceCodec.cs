using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Compact storage of performance points: one entity per server and day, one binary property per
/// 10-minute slot of the day ("s000" .. "s143") holding the slot's points (one for 10-minute peaks,
/// two for 5-minute physical points). A slot is the unit of write: upserts merge slots, so a
/// redelivered or repeated upload rewrites the same bytes and a later upload adds its slots
/// without reading the entity first.
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
        var result = new List<PerformancePoint>();
        var span = data.AsSpan();
        var count = span[0];
        var o = 1;
        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var i = 0; i < count; i++)
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

            result.Add(new PerformancePoint(midnight.AddSeconds(seconds), cpu, mem, disks, netIn, netOut));
        }

        return result;
    }

    /// <summary>Every point of a day entity, in time order.</summary>
    public static IEnumerable<PerformancePoint> DecodeEntity(DateOnly day, TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        for (var slot = 0; slot < SlotsPerDay; slot++)
        {
            if (entity.TryGetValue(SlotName(slot), out var value) && value is byte[] bytes)
            {
                foreach (var p in Decode(day, bytes))
                {
                    yield return p;
                }
            }
        }
    }

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
