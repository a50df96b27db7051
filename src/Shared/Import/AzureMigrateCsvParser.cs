using System.Globalization;
using CsvHelper;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Import;

/// <summary>
/// Reads the Azure Migrate import CSV (template columns: Server name, IP addresses, Cores, Memory (In MB),
/// OS name, OS version, OS architecture, Number of disks, Disk N size (In GB), Disk N read/write ops and
/// throughput, CPU/Memory utilization percentage, Total disks ..., Network In/Out throughput, Firmware
/// type, MAC address). Headers are matched by name ignoring case, spaces and punctuation, so "Memory (MB)"
/// and "Memory (In MB)" both work. Invalid rows are reported with their line number; valid rows are kept.
/// Pure: reads only the stream given.
/// </summary>
public static class AzureMigrateCsvParser
{
    private static readonly string[] NameHeaders = ["servername", "machinename", "name", "vmname", "hostname"];
    private static readonly string[] CoresHeaders = ["cores", "numberofcores", "cpus", "vcpus"];
    private static readonly string[] MemoryHeaders = ["memoryinmb", "memorymb", "memory"];
    private static readonly string[] OsHeaders = ["osname", "operatingsystem", "os"];

    /// <summary>Parses the CSV.</summary>
    /// <exception cref="ImportFormatException">No header, or a mandatory column is missing.</exception>
    public static ImportResult Parse(Stream csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var servers = new List<DiscoveredServer>();
        var rejected = new List<RejectedRow>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var reader = CsvReader.Create(csv, new CsvReaderOptions { TrackLineNumbers = true, TrimWhitespace = true }, leaveOpen: true);
        IReadOnlyList<string> header;
        try
        {
            header = reader.Headers;
        }
        catch (Exception ex) when (ex is CsvFormatException or System.Text.DecoderFallbackException)
        {
            throw new ImportFormatException($"Not a readable CSV file: {ex.Message}", ex);
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            index.TryAdd(ImportValues.NormalizeHeader(header[i]), i);
        }

        var nameCol = Find(index, NameHeaders);
        var coresCol = Find(index, CoresHeaders);
        var memCol = Find(index, MemoryHeaders);
        var osCol = Find(index, OsHeaders);
        var missing = new List<string>();
        if (nameCol < 0)
        {
            missing.Add("Server name");
        }

        if (coresCol < 0)
        {
            missing.Add("Cores");
        }

        if (memCol < 0)
        {
            missing.Add("Memory (In MB)");
        }

        if (osCol < 0)
        {
            missing.Add("OS name");
        }

        if (missing.Count > 0)
        {
            throw new ImportFormatException($"Not an Azure Migrate import CSV: missing mandatory column(s) {string.Join(", ", missing)}.");
        }

        while (true)
        {
            bool more;
            try
            {
                more = reader.Read();
            }
            catch (CsvFormatException ex)
            {
                throw new ImportFormatException($"Malformed CSV: {ex.Message}", ex);
            }

            if (!more)
            {
                break;
            }

            var line = (int)reader.LineNumber;
            string? Get(int col) => col >= 0 && col < reader.FieldCount ? reader.GetString(col)?.Trim() : null;
            var name = Get(nameCol);
            if (reader.FieldCount > header.Count)
            {
                rejected.Add(new RejectedRow("csv", line, $"The row has {reader.FieldCount} fields but the header has {header.Count} (unquoted comma?).", name));
                continue;
            }

            var row = new RowReader(index, Get);
            var server = ReadRow(row, name, line, out var reason);
            if (server is null)
            {
                rejected.Add(new RejectedRow("csv", line, reason!, string.IsNullOrEmpty(name) ? null : name));
                continue;
            }

            if (!names.Add(server.Name))
            {
                rejected.Add(new RejectedRow("csv", line, $"Duplicate server name '{server.Name}' (the first row with it is kept).", server.Name));
                continue;
            }

            servers.Add(server);
        }

        return new ImportResult(servers, rejected, []);
    }

    private static int Find(Dictionary<string, int> index, string[] names)
    {
        foreach (var n in names)
        {
            if (index.TryGetValue(n, out var i))
            {
                return i;
            }
        }

        return -1;
    }

    private static DiscoveredServer? ReadRow(RowReader row, string? name, int line, out string? reason)
    {
        reason = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            reason = "Server name is empty.";
            return null;
        }

        if (!row.Number(CoresHeaders, out var cores, out reason) || !row.Number(MemoryHeaders, out var memory, out reason))
        {
            return null;
        }

        if (cores is null || cores <= 0 || cores != Math.Floor(cores.Value))
        {
            reason = $"Cores must be a positive whole number (got '{row.Text(CoresHeaders)}').";
            return null;
        }

        if (memory is null || memory <= 0)
        {
            reason = $"Memory (In MB) must be a positive number (got '{row.Text(MemoryHeaders)}').";
            return null;
        }

        var osName = row.Text(OsHeaders);
        if (string.IsNullOrWhiteSpace(osName))
        {
            reason = "OS name is empty.";
            return null;
        }

        if (!row.Number(["cpuutilizationpercentage", "cpuutilization"], out var cpu, out reason) ||
            !row.Number(["memoryutilizationpercentage", "memoryutilization"], out var memPct, out reason) ||
            !row.Number(["networkinthroughputmbpersecond", "networkinthroughput"], out var netIn, out reason) ||
            !row.Number(["networkoutthroughputmbpersecond", "networkoutthroughput"], out var netOut, out reason) ||
            !row.Number(["numberofdisks"], out var diskCount, out reason) ||
            !row.Number(["totaldisksreadopsoperationspersecond"], out var totRIops, out reason) ||
            !row.Number(["totaldiskswriteopsoperationspersecond"], out var totWIops, out reason) ||
            !row.Number(["totaldisksreadthroughputmbpersecond"], out var totRMBps, out reason) ||
            !row.Number(["totaldiskswritethroughputmbpersecond"], out var totWMBps, out reason))
        {
            return null;
        }

        if (cpu is < 0 or > 100 || memPct is < 0 or > 100)
        {
            reason = "Utilization percentages must be between 0 and 100.";
            return null;
        }

        var disks = new List<DiscoveredDisk>();
        for (var n = 1; n <= 64; n++)
        {
            var p = "disk" + n.ToString(CultureInfo.InvariantCulture);
            if (!row.Has(p + "sizeingb") && !row.Has(p + "sizegb"))
            {
                if (n > 8)
                {
                    break;
                }

                continue;
            }

            if (!row.Number([p + "sizeingb", p + "sizegb"], out var size, out reason) ||
                !row.Number([p + "readopsoperationspersecond", p + "readiops"], out var rIops, out reason) ||
                !row.Number([p + "writeopsoperationspersecond", p + "writeiops"], out var wIops, out reason) ||
                !row.Number([p + "readthroughputmbpersecond", p + "readmbps"], out var rMBps, out reason) ||
                !row.Number([p + "writethroughputmbpersecond", p + "writembps"], out var wMBps, out reason))
            {
                return null;
            }

            if (size is null)
            {
                continue;
            }

            if (size <= 0)
            {
                reason = $"Disk {n} size must be positive.";
                return null;
            }

            disks.Add(new DiscoveredDisk { Id = "disk" + n.ToString(CultureInfo.InvariantCulture), SizeGb = size.Value, ReadIops = rIops, WriteIops = wIops, ReadMBps = rMBps, WriteMBps = wMBps });
        }

        // Totals given but no per-disk rates: spread them evenly over the disks.
        if (disks.Count > 0 && disks.TrueForAll(d => d.ReadIops is null && d.WriteIops is null && d.ReadMBps is null && d.WriteMBps is null) &&
            (totRIops ?? totWIops ?? totRMBps ?? totWMBps) is not null)
        {
            var k = disks.Count;
            for (var i = 0; i < k; i++)
            {
                disks[i] = disks[i] with { ReadIops = totRIops / k, WriteIops = totWIops / k, ReadMBps = totRMBps / k, WriteMBps = totWMBps / k };
            }
        }

        var osVersion = row.Text(["osversion"]);
        var arch = ImportValues.ParseArchitecture(row.Text(["osarchitecture"]), osName);
        var macs = ImportValues.SplitList(row.Text(["macaddress", "macaddresses"]));
        var ips = ImportValues.SplitList(row.Text(["ipaddress", "ipaddresses"]));
        var nics = new List<NetworkAdapter>();
        var nicCount = Math.Max(1, macs.Count);
        for (var i = 0; i < nicCount; i++)
        {
            nics.Add(new NetworkAdapter
            {
                Name = "nic" + (i + 1).ToString(CultureInfo.InvariantCulture),
                MacAddress = i < macs.Count ? macs[i] : null,
                IPv4Addresses = i == 0 ? ips.Where(a => !a.Contains(':', StringComparison.Ordinal)).ToArray() : [],
                IPv6Addresses = i == 0 ? ips.Where(a => a.Contains(':', StringComparison.Ordinal)).ToArray() : [],
            });
        }

        _ = diskCount;
        return new DiscoveredServer
        {
            Id = name,
            Name = name,
            SourceType = SourceType.Other,
            OperatingSystem = new OperatingSystemInfo(osName, osVersion, arch),
            BootType = ImportValues.ParseBoot(row.Text(["firmwaretype", "boottype", "firmware"])),
            Cores = (int)cores.Value,
            MemoryMb = memory.Value,
            Disks = disks,
            NetworkAdapters = nics,
            Utilization = cpu is null && memPct is null && netIn is null && netOut is null ? null : new UtilizationSnapshot(cpu, memPct, netIn, netOut),
            IsImported = true,
        };
    }

    private sealed class RowReader(Dictionary<string, int> index, Func<int, string?> get)
    {
        public bool Has(string normalized) => index.ContainsKey(normalized);

        public string? Text(string[] names)
        {
            foreach (var n in names)
            {
                if (index.TryGetValue(n, out var i))
                {
                    return get(i);
                }
            }

            return null;
        }

        public bool Number(string[] names, out double? value, out string? reason)
        {
            reason = null;
            var text = Text(names);
            if (ImportValues.TryNumber(text, out value))
            {
                return true;
            }

            reason = $"'{text}' is not a number (column {names[0]}).";
            return false;
        }
    }
}
