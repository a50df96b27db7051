using System.Globalization;
using MiniExcelLibs;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Import;

/// <summary>
/// Reads an RVTools XLSX export: vInfo (one row per VM), vDisk, vNetwork and vPartition. Columns are
/// matched by header name ignoring case and punctuation, so the MB (older RVTools) and MiB (newer) columns
/// and "OS according to the configuration file" / "... the VMware Tools" all work. VM templates are
/// skipped (reported in <see cref="ImportResult.Skipped"/>): they are not running servers and Azure
/// Migrate does not assess them. Sizes in MB/MiB are converted to GB as MiB / 1024.
/// Pure: reads only the stream given (copied to memory when it cannot seek).
/// </summary>
public static class RvToolsParser
{
    /// <summary>Parses the workbook.</summary>
    /// <exception cref="ImportFormatException">Not an XLSX file, or no vInfo sheet with a VM column.</exception>
    public static ImportResult Parse(Stream xlsx)
    {
        ArgumentNullException.ThrowIfNull(xlsx);
        var stream = xlsx;
        if (!xlsx.CanSeek)
        {
            var ms = new MemoryStream();
            xlsx.CopyTo(ms);
            ms.Position = 0;
            stream = ms;
        }

        List<string> sheets;
        try
        {
            stream.Position = 0;
            sheets = MiniExcel.GetSheetNames(stream);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException or System.Xml.XmlException or NotSupportedException)
        {
            throw new ImportFormatException($"Not an XLSX workbook: {ex.Message}", ex);
        }

        string? SheetName(string wanted) => sheets.Find(s => string.Equals(s.Trim(), wanted, StringComparison.OrdinalIgnoreCase));
        var vInfoName = SheetName("vInfo") ?? throw new ImportFormatException("Not an RVTools export: the workbook has no vInfo sheet.");
        var vInfo = ReadSheet(stream, vInfoName);
        var vmCol = vInfo.Column("vm");
        if (vmCol < 0)
        {
            throw new ImportFormatException("Not an RVTools export: the vInfo sheet has no 'VM' column.");
        }

        var rejected = new List<RejectedRow>();
        var skipped = new List<SkippedRow>();
        var disksByVm = ReadDisks(stream, SheetName("vDisk"), rejected);
        var nicsByVm = ReadNics(stream, SheetName("vNetwork"));
        var partitionsByVm = ReadPartitions(stream, SheetName("vPartition"));

        var servers = new List<DiscoveredServer>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in vInfo.Rows)
        {
            var name = row.Text(vmCol);
            if (row.IsEmpty)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                rejected.Add(new RejectedRow(vInfoName, row.Number, "VM name is empty.", null));
                continue;
            }

            if (string.Equals(row.Get(vInfo, "template"), "true", StringComparison.OrdinalIgnoreCase))
            {
                skipped.Add(new SkippedRow(vInfoName, row.Number, name, "VM template (not a running server)."));
                continue;
            }

            if (!ImportValues.TryNumber(row.Get(vInfo, "cpus", "numcpu", "cpu"), out var cpus) || cpus is null or <= 0)
            {
                rejected.Add(new RejectedRow(vInfoName, row.Number, $"CPUs must be a positive number (got '{row.Get(vInfo, "cpus", "numcpu")}').", name));
                continue;
            }

            if (!ImportValues.TryNumber(row.Get(vInfo, "memory", "memorymb", "memorymib"), out var memory) || memory is null or <= 0)
            {
                rejected.Add(new RejectedRow(vInfoName, row.Number, $"Memory must be a positive number of MB (got '{row.Get(vInfo, "memory")}').", name));
                continue;
            }

            var vmId = row.Get(vInfo, "vmuuid", "vmid", "uuid", "biosuuid", "smbiosuuid");
            var key = VmKey(name, row.Get(vInfo, "vmid"));
            var id = string.IsNullOrWhiteSpace(vmId) ? name : vmId;
            if (!seen.Add(id))
            {
                id = name + "#" + row.Number.ToString(CultureInfo.InvariantCulture);
            }

            var osTools = row.Get(vInfo, "osaccordingtothevmwaretools");
            var osConfig = row.Get(vInfo, "osaccordingtotheconfigurationfile");
            var osName = string.IsNullOrWhiteSpace(osTools) ? osConfig : osTools;
            var disks = FindByVm(disksByVm, key, name);
            if (disks is null || disks.Count == 0)
            {
                disks = FallbackDisks(row, vInfo, FindByVm(partitionsByVm, key, name));
            }

            var nics = FindByVm(nicsByVm, key, name) ?? FallbackNics(row, vInfo);
            servers.Add(new DiscoveredServer
            {
                Id = id,
                Name = name,
                SourceId = row.Get(vInfo, "vmid"),
                SourceType = SourceType.VMware,
                OperatingSystem = new OperatingSystemInfo(string.IsNullOrWhiteSpace(osName) ? null : osName, null, ImportValues.ParseArchitecture(null, osName)),
                BootType = ImportValues.ParseBoot(row.Get(vInfo, "firmware")),
                Cores = (int)Math.Ceiling(cpus.Value),
                MemoryMb = memory.Value,
                Disks = disks,
                NetworkAdapters = nics,
                PowerState = ImportValues.ParsePower(row.Get(vInfo, "powerstate")),
                Host = NullIfEmpty(row.Get(vInfo, "host")),
                Cluster = NullIfEmpty(row.Get(vInfo, "cluster")),
                Datacenter = NullIfEmpty(row.Get(vInfo, "datacenter")),
                IsImported = true,
            });
        }

        return new ImportResult(servers, rejected, skipped);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string VmKey(string name, string? vmId) => string.IsNullOrWhiteSpace(vmId) ? "name:" + name : "id:" + vmId.Trim();

    private static List<T>? FindByVm<T>(Dictionary<string, List<T>> map, string key, string name) =>
        map.TryGetValue(key, out var l) ? l : map.TryGetValue("name:" + name, out l) ? l : null;

    private static void AddByVm<T>(Dictionary<string, List<T>> map, string name, string? vmId, T item)
    {
        // Indexed by id and by name so that a sheet without the VM ID column still matches.
        foreach (var k in string.IsNullOrWhiteSpace(vmId) ? [VmKey(name, null)] : new[] { VmKey(name, vmId), VmKey(name, null) })
        {
            if (!map.TryGetValue(k, out var list))
            {
                list = [];
                map[k] = list;
            }

            list.Add(item);
        }
    }

    private static Dictionary<string, List<DiscoveredDisk>> ReadDisks(Stream stream, string? sheet, List<RejectedRow> rejected)
    {
        var map = new Dictionary<string, List<DiscoveredDisk>>(StringComparer.Ordinal);
        if (sheet is null)
        {
            return map;
        }

        var t = ReadSheet(stream, sheet);
        var vm = t.Column("vm");
        if (vm < 0)
        {
            vm = 0;
        }

        foreach (var row in t.Rows)
        {
            var name = row.Text(vm);
            if (row.IsEmpty || string.IsNullOrWhiteSpace(name) || string.Equals(row.Get(t, "template"), "true", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var capText = row.Get(t, "capacitymib", "capacitymb");
            if (!ImportValues.TryNumber(capText, out var mib) || mib is null or < 0)
            {
                rejected.Add(new RejectedRow(sheet, row.Number, $"Disk capacity '{capText}' is not a number.", name));
                continue;
            }

            var label = row.Get(t, "disk", "label") ?? "disk";
            AddByVm(map, name, row.Get(t, "vmid"), new DiscoveredDisk { Id = label, SizeGb = mib.Value / 1024.0 });
        }

        return map;
    }

    private static Dictionary<string, List<NetworkAdapter>> ReadNics(Stream stream, string? sheet)
    {
        var map = new Dictionary<string, List<NetworkAdapter>>(StringComparer.Ordinal);
        if (sheet is null)
        {
            return map;
        }

        var t = ReadSheet(stream, sheet);
        var vm = Math.Max(0, t.Column("vm"));
        foreach (var row in t.Rows)
        {
            var name = row.Text(vm);
            if (row.IsEmpty || string.IsNullOrWhiteSpace(name) || string.Equals(row.Get(t, "template"), "true", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            AddByVm(map, name, row.Get(t, "vmid"), new NetworkAdapter
            {
                Name = row.Get(t, "niclabel", "adapter", "network"),
                MacAddress = NullIfEmpty(row.Get(t, "macaddress")),
                IPv4Addresses = ImportValues.SplitList(row.Get(t, "ipv4address", "ipaddress")),
                IPv6Addresses = ImportValues.SplitList(row.Get(t, "ipv6address")),
            });
        }

        return map;
    }

    private static Dictionary<string, List<double>> ReadPartitions(Stream stream, string? sheet)
    {
        var map = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        if (sheet is null)
        {
            return map;
        }

        var t = ReadSheet(stream, sheet);

        // Some exports have a wrong first header (the sample has the datacenter name there): column A is the VM.
        var vm = Math.Max(0, t.Column("vm"));
        foreach (var row in t.Rows)
        {
            var name = row.Text(vm);
            if (row.IsEmpty || string.IsNullOrWhiteSpace(name))
            {
                continue;
            }

            if (ImportValues.TryNumber(row.Get(t, "capacitymib", "capacitymb"), out var mib) && mib is > 0)
            {
                AddByVm(map, name, row.Get(t, "vmid"), mib.Value / 1024.0);
            }
        }

        return map;
    }

    private static List<DiscoveredDisk> FallbackDisks(Row row, Sheet vInfo, List<double>? partitionsGb)
    {
        // No vDisk rows: one disk of the provisioned size (vInfo), else of the partitions' total.
        if (ImportValues.TryNumber(row.Get(vInfo, "provisionedmib", "provisionedmb"), out var mib) && mib is > 0)
        {
            return [new DiscoveredDisk { Id = "disk1", SizeGb = mib.Value / 1024.0 }];
        }

        if (partitionsGb is { Count: > 0 })
        {
            return [new DiscoveredDisk { Id = "disk1", SizeGb = partitionsGb.Sum() }];
        }

        return [];
    }

    private static List<NetworkAdapter> FallbackNics(Row row, Sheet vInfo)
    {
        var count = ImportValues.TryNumber(row.Get(vInfo, "nics"), out var n) && n is > 0 ? (int)n.Value : 1;
        var ip = ImportValues.SplitList(row.Get(vInfo, "primaryipaddress"));
        var list = new List<NetworkAdapter>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(new NetworkAdapter
            {
                Name = "Network adapter " + (i + 1).ToString(CultureInfo.InvariantCulture),
                IPv4Addresses = i == 0 ? ip.Where(a => !a.Contains(':', StringComparison.Ordinal)).ToArray() : [],
                IPv6Addresses = i == 0 ? ip.Where(a => a.Contains(':', StringComparison.Ordinal)).ToArray() : [],
            });
        }

        return list;
    }

    private static Sheet ReadSheet(Stream stream, string sheetName)
    {
        stream.Position = 0;
        var rows = new List<Row>();
        Dictionary<string, int>? header = null;
        var number = 0;
        foreach (var obj in MiniExcel.Query(stream, useHeaderRow: false, sheetName: sheetName))
        {
            number++;
            var dict = (IDictionary<string, object?>)obj;
            var cells = new string?[dict.Count];
            var i = 0;
            foreach (var kv in dict)
            {
                cells[i++] = kv.Value switch
                {
                    null => null,
                    string s => s,
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var o => o.ToString(),
                };
            }

            if (header is null)
            {
                header = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var c = 0; c < cells.Length; c++)
                {
                    header.TryAdd(ImportValues.NormalizeHeader(cells[c]), c);
                }

                continue;
            }

            rows.Add(new Row(number, cells));
        }

        return new Sheet(header ?? [], rows);
    }

    private sealed record Sheet(Dictionary<string, int> Header, List<Row> Rows)
    {
        public int Column(params string[] names)
        {
            foreach (var n in names)
            {
                if (Header.TryGetValue(n, out var i))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    private sealed record Row(int Number, string?[] Cells)
    {
        public bool IsEmpty => Array.TrueForAll(Cells, string.IsNullOrWhiteSpace);

        public string? Text(int col) => col >= 0 && col < Cells.Length ? Cells[col]?.Trim() : null;

        public string? Get(Sheet sheet, params string[] names) => Text(sheet.Column(names));
    }
}
