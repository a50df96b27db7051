using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Checks an upload payload before anything is stored; every error names the JSON path of the field
/// at fault (e.g. <c>servers[3].disks[0].sizeGb</c>).
/// </summary>
public static class UploadValidator
{
    /// <summary>Longest id accepted (server, disk, appliance, upload).</summary>
    public const int MaxIdLength = 200;

    /// <summary>Most items of one upload (servers, points, software entries, connections).</summary>
    public const int MaxItems = 2_000_000;

    /// <summary>The errors by field path; empty when the payload is valid.</summary>
    public static Dictionary<string, string[]> Validate(UploadPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            if (list.Count < 3 && errors.Count <= 50)
            {
                list.Add(message);
            }
        }

        var kind = UploadKinds.Normalize(payload.Kind);
        if (kind is null)
        {
            Add("kind", payload.Kind is null
                ? $"The kind is required: one of {string.Join(", ", UploadKinds.All)}."
                : $"Unknown kind '{payload.Kind}': use one of {string.Join(", ", UploadKinds.All)}.");
            return Flatten(errors);
        }

        switch (kind)
        {
            case UploadKinds.Inventory:
                ValidateInventory(payload.Servers, Add);
                break;
            case UploadKinds.Performance:
                ValidatePerformance(payload.Performance, Add);
                break;
            case UploadKinds.Software:
                ValidateSoftware(payload.Software, Add);
                break;
            case UploadKinds.Dependencies:
                ValidateDependencies(payload.Connections, Add);
                break;
        }

        if (errors.Count == 0 && payload.ItemCount > MaxItems)
        {
            Add("kind", $"An upload holds at most {MaxItems} items; split it.");
        }

        return Flatten(errors);
    }

    /// <summary>Checks an id used in a route or a key.</summary>
    public static string? CheckId(string? id, string what)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return $"The {what} is required.";
        }

        if (id.Length > MaxIdLength)
        {
            return $"The {what} is longer than {MaxIdLength} characters.";
        }

        return id.Any(char.IsControl) ? $"The {what} contains control characters." : null;
    }

    private static void ValidateInventory(IReadOnlyList<DiscoveredServer>? servers, Action<string, string> add)
    {
        if (servers is null)
        {
            add("servers", "An inventory upload needs a 'servers' list.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < servers.Count; i++)
        {
            var s = servers[i];
            var p = $"servers[{i}]";
            if (s is null)
            {
                add(p, "A server cannot be null.");
                continue;
            }

            if (CheckId(s.Id, "server id") is { } idError)
            {
                add(p + ".id", idError);
            }
            else if (!seen.Add(s.Id))
            {
                add(p + ".id", $"Server id '{s.Id}' appears more than once.");
            }

            if (string.IsNullOrWhiteSpace(s.Name))
            {
                add(p + ".name", "The server name is required.");
            }

            NonNegative(s.Cores, p + ".cores", add);
            NonNegative(s.MemoryMb, p + ".memoryMb", add);
            if (s.Disks is null)
            {
                add(p + ".disks", "Disks must be a list (empty when none).");
            }
            else
            {
                var diskIds = new HashSet<string>(StringComparer.Ordinal);
                for (var d = 0; d < s.Disks.Count; d++)
                {
                    var disk = s.Disks[d];
                    var dp = $"{p}.disks[{d}]";
                    if (disk is null)
                    {
                        add(dp, "A disk cannot be null.");
                        continue;
                    }

                    if (CheckId(disk.Id, "disk id") is { } diskError)
                    {
                        add(dp + ".id", diskError);
                    }
                    else if (!diskIds.Add(disk.Id))
                    {
                        add(dp + ".id", $"Disk id '{disk.Id}' appears more than once on the server.");
                    }

                    NonNegative(disk.SizeGb, dp + ".sizeGb", add);
                    NonNegative(disk.ReadIops, dp + ".readIops", add);
                    NonNegative(disk.WriteIops, dp + ".writeIops", add);
                    NonNegative(disk.ReadMBps, dp + ".readMBps", add);
                    NonNegative(disk.WriteMBps, dp + ".writeMBps", add);
                }
            }

            if (s.NetworkAdapters is null)
            {
                add(p + ".networkAdapters", "Network adapters must be a list (empty when none).");
            }
            else
            {
                for (var n = 0; n < s.NetworkAdapters.Count; n++)
                {
                    var nic = s.NetworkAdapters[n];
                    if (nic is null)
                    {
                        add($"{p}.networkAdapters[{n}]", "A network adapter cannot be null.");
                        continue;
                    }

                    NonNegative(nic.ReceiveMBps, $"{p}.networkAdapters[{n}].receiveMBps", add);
                    NonNegative(nic.TransmitMBps, $"{p}.networkAdapters[{n}].transmitMBps", add);
                }
            }
        }
    }

    private static void ValidatePerformance(IReadOnlyList<ServerPerformance>? performance, Action<string, string> add)
    {
        if (performance is null)
        {
            add("performance", "A performance upload needs a 'performance' list.");
            return;
        }

        for (var i = 0; i < performance.Count; i++)
        {
            var s = performance[i];
            var p = $"performance[{i}]";
            if (s is null)
            {
                add(p, "An entry cannot be null.");
                continue;
            }

            if (CheckId(s.ServerId, "server id") is { } idError)
            {
                add(p + ".serverId", idError);
            }

            if (s.Points is not null && s.Columns is not null)
            {
                add(p, "Send either 'points' or 'columns', not both.");
                continue;
            }

            if (s.Columns is not null)
            {
                ValidateColumns(s.Columns, p + ".columns", add);
                continue;
            }

            if (s.Points is null)
            {
                add(p + ".points", "The points (or 'columns') are required.");
                continue;
            }

            // Fast pass: paths are only built for a point at fault.
            var validIds = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < s.Points.Count; j++)
            {
                if (!IsValidPoint(s.Points[j], validIds))
                {
                    ValidatePoint(s.Points[j], $"{p}.points[{j}]", add);
                }
            }
        }
    }

    private static bool Ok(double v) => v >= 0 && double.IsFinite(v);

    private static bool IsValidDiskId(string? id, HashSet<string> validIds) =>
        id is not null && (validIds.Contains(id) || (CheckId(id, "disk id") is null && System.Text.Encoding.UTF8.GetByteCount(id) <= 255 && validIds.Add(id)));

    private static bool IsValidPoint(PerformancePoint? point, HashSet<string> validIds)
    {
        if (point is null || point.Timestamp == default || !Ok(point.CpuPercent) || !Ok(point.MemoryPercent)
            || !Ok(point.NetworkInMBps) || !Ok(point.NetworkOutMBps) || point.Disks is null)
        {
            return false;
        }

        foreach (var disk in point.Disks)
        {
            if (!IsValidDiskId(disk.DiskId, validIds) || !Ok(disk.ReadIops) || !Ok(disk.WriteIops) || !Ok(disk.ReadMBps) || !Ok(disk.WriteMBps))
            {
                return false;
            }
        }

        return true;
    }

    private static void ValidatePoint(PerformancePoint? point, string pp, Action<string, string> add)
    {
        if (point is null)
        {
            add(pp, "A point cannot be null.");
            return;
        }

        if (point.Timestamp == default)
        {
            add(pp + ".timestamp", "The timestamp is required.");
        }

        NonNegative(point.CpuPercent, pp + ".cpuPercent", add);
        NonNegative(point.MemoryPercent, pp + ".memoryPercent", add);
        NonNegative(point.NetworkInMBps, pp + ".networkInMBps", add);
        NonNegative(point.NetworkOutMBps, pp + ".networkOutMBps", add);
        if (point.Disks is null)
        {
            add(pp + ".disks", "Disks must be a list (empty when none).");
            return;
        }

        for (var d = 0; d < point.Disks.Count; d++)
        {
            var disk = point.Disks[d];
            var dp = $"{pp}.disks[{d}]";
            if (CheckId(disk.DiskId, "disk id") is { } e)
            {
                add(dp + ".diskId", e);
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(disk.DiskId) > 255)
            {
                add(dp + ".diskId", "The disk id is longer than 255 bytes.");
            }

            NonNegative(disk.ReadIops, dp + ".readIops", add);
            NonNegative(disk.WriteIops, dp + ".writeIops", add);
            NonNegative(disk.ReadMBps, dp + ".readMBps", add);
            NonNegative(disk.WriteMBps, dp + ".writeMBps", add);
        }
    }

    private static void ValidateColumns(PerformanceColumns columns, string p, Action<string, string> add)
    {
        if (columns.Timestamps is null)
        {
            add(p + ".timestamps", "The timestamps are required.");
            return;
        }

        var n = columns.Timestamps.Length;
        for (var i = 0; i < n; i++)
        {
            if (columns.Timestamps[i] <= 0 || columns.Timestamps[i] > 253_402_300_799)
            {
                add($"{p}.timestamps[{i}]", "A timestamp is Unix time in seconds, after 1970 and before 10000.");
            }
        }

        void Column(double[]? values, string field)
        {
            if (values is null || values.Length != n)
            {
                add(field, $"One value per timestamp ({n}) is required.");
                return;
            }

            for (var i = 0; i < values.Length; i++)
            {
                if (!Ok(values[i]))
                {
                    add($"{field}[{i}]", "The value must be a finite number, zero or more.");
                }
            }
        }

        Column(columns.CpuPercent, p + ".cpuPercent");
        Column(columns.MemoryPercent, p + ".memoryPercent");
        Column(columns.NetworkInMBps, p + ".networkInMBps");
        Column(columns.NetworkOutMBps, p + ".networkOutMBps");
        if (columns.Disks is null)
        {
            add(p + ".disks", "Disks must be a list (empty when none).");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var d = 0; d < columns.Disks.Count; d++)
        {
            var disk = columns.Disks[d];
            var dp = $"{p}.disks[{d}]";
            if (disk is null)
            {
                add(dp, "A disk cannot be null.");
                continue;
            }

            if (CheckId(disk.DiskId, "disk id") is { } e)
            {
                add(dp + ".diskId", e);
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(disk.DiskId!) > 255)
            {
                add(dp + ".diskId", "The disk id is longer than 255 bytes.");
            }
            else if (!ids.Add(disk.DiskId!))
            {
                add(dp + ".diskId", "The disk is listed twice.");
            }

            Column(disk.ReadIops, dp + ".readIops");
            Column(disk.WriteIops, dp + ".writeIops");
            Column(disk.ReadMBps, dp + ".readMBps");
            Column(disk.WriteMBps, dp + ".writeMBps");
        }
    }

    private static void ValidateSoftware(IReadOnlyList<ServerSoftware>? software, Action<string, string> add)
    {
        if (software is null)
        {
            add("software", "A software upload needs a 'software' list.");
            return;
        }

        for (var i = 0; i < software.Count; i++)
        {
            var s = software[i];
            var p = $"software[{i}]";
            if (s is null)
            {
                add(p, "An entry cannot be null.");
                continue;
            }

            if (CheckId(s.ServerId, "server id") is { } idError)
            {
                add(p + ".serverId", idError);
            }

            CheckNames(s.Applications, p + ".applications", a => a.Name, add);
            CheckNames(s.Features, p + ".features", f => f.Name, add);
            CheckNames(s.WebApps, p + ".webApps", w => w.Name, add);
            CheckNames(s.SqlInstances, p + ".sqlInstances", q => q.Name, add);
            if (s.SqlInstances is not null)
            {
                for (var q = 0; q < s.SqlInstances.Count; q++)
                {
                    var dbs = s.SqlInstances[q]?.Databases;
                    CheckNames(dbs, $"{p}.sqlInstances[{q}].databases", d => d.Name, add);
                    for (var d = 0; dbs is not null && d < dbs.Count; d++)
                    {
                        NonNegative(dbs[d]?.SizeMb ?? 0, $"{p}.sqlInstances[{q}].databases[{d}].sizeMb", add);
                    }
                }
            }
        }
    }

    private static void ValidateDependencies(IReadOnlyList<DependencyConnection>? connections, Action<string, string> add)
    {
        if (connections is null)
        {
            add("connections", "A dependencies upload needs a 'connections' list.");
            return;
        }

        for (var i = 0; i < connections.Count; i++)
        {
            var c = connections[i];
            var p = $"connections[{i}]";
            if (c is null)
            {
                add(p, "A connection cannot be null.");
                continue;
            }

            if (c.TimeSlotStart == default)
            {
                add(p + ".timeSlotStart", "The time slot start is required.");
            }
            else if (c.TimeSlotStart.UtcDateTime.Hour % 6 != 0 || c.TimeSlotStart.UtcDateTime.TimeOfDay.Ticks % TimeSpan.TicksPerHour != 0)
            {
                add(p + ".timeSlotStart", "A time slot starts at 00:00, 06:00, 12:00 or 18:00 UTC.");
            }

            if (CheckId(c.SourceServerId, "source server id") is { } idError)
            {
                add(p + ".sourceServerId", idError);
            }

            if (string.IsNullOrWhiteSpace(c.DestinationServerName) && string.IsNullOrWhiteSpace(c.DestinationIp))
            {
                add(p + ".destinationIp", "A destination server name or IP address is required.");
            }

            if (c.DestinationPort is < 0 or > 65535)
            {
                add(p + ".destinationPort", "The port must be between 0 and 65535.");
            }

            if (c.Connections < 0)
            {
                add(p + ".connections", "The connection count cannot be negative.");
            }
        }
    }

    private static void CheckNames<T>(IReadOnlyList<T?>? items, string path, Func<T, string?> name, Action<string, string> add)
        where T : class
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item || string.IsNullOrWhiteSpace(name(item)))
            {
                add($"{path}[{i}].name", "The name is required.");
            }
        }
    }

    private static void NonNegative(double? value, string field, Action<string, string> add)
    {
        if (value is { } v && (double.IsNaN(v) || double.IsInfinity(v) || v < 0))
        {
            add(field, "The value must be a finite number, zero or more.");
        }
    }

    private static Dictionary<string, string[]> Flatten(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
