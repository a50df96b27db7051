using System.Collections.Frozen;
using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using CsvHelper;

namespace MigrateHub.Shared.Catalog;

/// <summary>
/// The Azure catalog the assessment uses: VM sizes, which sizes each region offers, VM and disk prices
/// (USD), disk tiers, currency rates and the OS support table. Loaded once from the CSV files embedded
/// from Catalog/Data (sources in Catalog/Data/SOURCES.md); immutable and thread-safe.
/// </summary>
public sealed class AzureCatalog
{
    private static readonly Lazy<AzureCatalog> DefaultCatalog = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);
    private const int PriceKinds = 7;

    private readonly FrozenDictionary<string, int> _sizeByName;
    private readonly FrozenDictionary<string, RegionPrices> _regions;
    private readonly FrozenDictionary<(string Region, string Tier), double> _diskPrices;
    private readonly FrozenDictionary<(string Region, DiskType Type), DiskUnitPrices> _diskUnitPrices;
    private readonly (Regex Pattern, OsSupportMatch Match)[] _osRules;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, OsSupportMatch> _osCache = new(StringComparer.Ordinal);

    private AzureCatalog(
        VmSize[] sizes,
        Dictionary<string, RegionPrices> regions,
        DiskTier[] tiers,
        Dictionary<(string, string), double> diskPrices,
        Dictionary<(string, DiskType), DiskUnitPrices> unitPrices,
        Dictionary<string, double> currencies,
        (Regex, OsSupportMatch)[] osRules)
    {
        Sizes = sizes;
        _sizeByName = sizes.ToFrozenDictionary(s => s.Name, s => s.Index, StringComparer.OrdinalIgnoreCase);
        _regions = regions.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Regions = [.. regions.Keys.Order(StringComparer.Ordinal)];
        DiskTiers = tiers;
        _diskPrices = diskPrices.ToFrozenDictionary();
        _diskUnitPrices = unitPrices.ToFrozenDictionary();
        CurrencyPerUsd = currencies.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _osRules = osRules;
    }

    /// <summary>The catalog built from the embedded data files.</summary>
    public static AzureCatalog Default => DefaultCatalog.Value;

    /// <summary>All VM sizes offered by at least one region (index = <see cref="VmSize.Index"/>).</summary>
    public IReadOnlyList<VmSize> Sizes { get; }

    /// <summary>Region names (ARM names, e.g. westeurope) that have VM prices.</summary>
    public IReadOnlyList<string> Regions { get; }

    /// <summary>Fixed disk tiers (S, E, P).</summary>
    public IReadOnlyList<DiskTier> DiskTiers { get; }

    /// <summary>Units of each supported currency per US dollar (USD = 1).</summary>
    public IReadOnlyDictionary<string, double> CurrencyPerUsd { get; }

    /// <summary>True when the region offers VM sizes in this catalog.</summary>
    public bool HasRegion(string region) => _regions.ContainsKey(region);

    /// <summary>Size by ARM name, or null.</summary>
    public VmSize? FindSize(string name) => _sizeByName.TryGetValue(name, out var i) ? Sizes[i] : null;

    /// <summary>True when the region offers the size (it has a Linux pay-as-you-go price there).</summary>
    public bool IsOffered(string region, int sizeIndex) =>
        _regions.TryGetValue(region, out var r) && !double.IsNaN(r.Prices[(int)VmPriceKind.LinuxPayg][sizeIndex]);

    /// <summary>Hourly USD price of a size in a region, or null when the data has none.</summary>
    public double? GetVmHourlyPriceUsd(string region, int sizeIndex, VmPriceKind kind)
    {
        if (!_regions.TryGetValue(region, out var r))
        {
            return null;
        }

        var v = r.Prices[(int)kind][sizeIndex];
        return double.IsNaN(v) ? null : v;
    }

    /// <summary>Price column for fast lookups: NaN = unknown. Null when the region is unknown.</summary>
    internal double[]? GetPriceColumn(string region, VmPriceKind kind) =>
        _regions.TryGetValue(region, out var r) ? r.Prices[(int)kind] : null;

    /// <summary>Monthly USD price of a fixed disk tier (LRS) in a region, or null.</summary>
    public double? GetDiskMonthlyPriceUsd(string region, string tier) =>
        _diskPrices.TryGetValue((region.ToLowerInvariant(), tier), out var p) ? p : null;

    /// <summary>Per-unit prices of Premium SSD v2 / Ultra in a region, or null.</summary>
    public DiskUnitPrices? GetDiskUnitPricesUsd(string region, DiskType type) =>
        _diskUnitPrices.TryGetValue((region.ToLowerInvariant(), type), out var p) ? p : null;

    /// <summary>Regions with disk prices.</summary>
    public IEnumerable<string> DiskPriceRegions => _diskPrices.Keys.Select(k => k.Region).Distinct();

    /// <summary>Looks an OS name up in the support table (first matching row wins; results are cached per name).</summary>
    public OsSupportMatch MatchOperatingSystem(string? osName)
    {
        if (string.IsNullOrWhiteSpace(osName))
        {
            return new OsSupportMatch(OsFamily.Unknown, OsReadiness.Unknown, "OSUnknown", "No operating system reported.");
        }

        if (_osCache.TryGetValue(osName, out var cached))
        {
            return cached;
        }

        var match = MatchUncached(osName);
        if (_osCache.Count < 10_000)
        {
            _osCache.TryAdd(osName, match);
        }

        return match;
    }

    private OsSupportMatch MatchUncached(string osName)
    {
        foreach (var (pattern, match) in _osRules)
        {
            if (pattern.IsMatch(osName))
            {
                return match;
            }
        }

        return new OsSupportMatch(OsFamily.Unknown, OsReadiness.Unknown, "OSUnknown", "Operating system not recognised by the support table.");
    }

    /// <summary>Loads the embedded data files.</summary>
    public static AzureCatalog LoadEmbedded() => Load(name =>
    {
        var asm = typeof(AzureCatalog).Assembly;
        return asm.GetManifestResourceStream("MigrateHub.Catalog." + name)
            ?? throw new InvalidOperationException($"Embedded catalog file '{name}' is missing.");
    });

    /// <summary>Loads the catalog from files opened by <paramref name="open"/> (file name -> stream).</summary>
    public static AzureCatalog Load(Func<string, Stream> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var sizes = new List<VmSize>();
        foreach (var r in ReadCsv(open("vm_sizes.csv")))
        {
            var gens = r["hyperv_generations"];
            sizes.Add(new VmSize
            {
                Name = r["name"],
                Series = r["series"],
                VCpus = Int(r["vcpus"]),
                MemoryGib = Dbl(r["memory_gib"]),
                MaxDataDisks = Int(r["max_data_disks"]),
                MaxDataDisksSource = Source(r["max_data_disks_source"]),
                MaxNics = Int(r["max_nics"]),
                MaxNicsSource = Source(r["max_nics_source"]),
                PremiumIO = r["premium_io"] == "true",
                AcceleratedNetworking = r["accelerated_networking"] == "true",
                UltraSsd = r["ultra_ssd"] == "true",
                HyperVGen1 = gens.Contains("V1", StringComparison.Ordinal),
                HyperVGen2 = gens.Contains("V2", StringComparison.Ordinal),
                UncachedDiskIops = NInt(r["uncached_disk_iops"]),
                UncachedDiskMBps = NInt(r["uncached_disk_mbps"]),
                NetworkMbps = NInt(r["network_mbps"]),
                IsArm64 = r["arch"] == "arm64",
                HasGpu = r["gpu"] == "true",
                Index = sizes.Count,
            });
        }

        var byName = sizes.ToDictionary(s => s.Name, s => s.Index, StringComparer.Ordinal);
        var regions = new Dictionary<string, RegionPrices>(StringComparer.Ordinal);
        using (var gz = new GZipStream(open("vm_prices_usd.csv.gz"), CompressionMode.Decompress))
        {
            string[] cols = ["linux_payg", "windows_payg", "linux_ri1y", "linux_ri3y", "windows_ri1y", "windows_ri3y", "linux_sp1y"];
            foreach (var r in ReadCsv(gz))
            {
                if (!byName.TryGetValue(r["size"], out var idx))
                {
                    continue;
                }

                var region = r["region"];
                if (!regions.TryGetValue(region, out var rp))
                {
                    rp = new RegionPrices(sizes.Count);
                    regions.Add(region, rp);
                }

                for (var k = 0; k < PriceKinds; k++)
                {
                    var s = r[cols[k]];
                    if (s.Length > 0)
                    {
                        rp.Prices[k][idx] = Dbl(s);
                    }
                }
            }
        }

        var tiers = ReadCsv(open("disk_tiers.csv")).Select(r => new DiskTier(
            r["tier"], Enum.Parse<DiskType>(r["type"]), Int(r["size_gib"]), Int(r["iops"]), Int(r["mbps"]))).ToArray();
        var diskPrices = new Dictionary<(string, string), double>();
        foreach (var r in ReadCsv(open("disk_prices_usd.csv")))
        {
            diskPrices[(r["region"], r["tier"])] = Dbl(r["monthly"]);
        }

        var unit = new Dictionary<(string, DiskType), DiskUnitPrices>();
        foreach (var r in ReadCsv(open("disk_unit_prices_usd.csv")))
        {
            if (r["per_gib_hour"].Length > 0 && r["per_iops_hour"].Length > 0 && r["per_mbps_hour"].Length > 0)
            {
                unit[(r["region"], Enum.Parse<DiskType>(r["type"]))] =
                    new DiskUnitPrices(Dbl(r["per_gib_hour"]), Dbl(r["per_iops_hour"]), Dbl(r["per_mbps_hour"]));
            }
        }

        var currencies = ReadCsv(open("currencies.csv")).ToDictionary(r => r["currency"], r => Dbl(r["per_usd"]), StringComparer.OrdinalIgnoreCase);
        var os = ReadCsv(open("os_support.csv")).Select(r => (
            new Regex(r["pattern"], RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1)),
            new OsSupportMatch(
                Enum.Parse<OsFamily>(r["family"]),
                r["readiness"] switch
                {
                    "Ready" => OsReadiness.Ready,
                    "ConditionallyReady" => OsReadiness.ConditionallyReady,
                    _ => OsReadiness.Unknown,
                },
                r["reason_code"].Length == 0 ? null : r["reason_code"],
                r["note"]))).ToArray();
        return new AzureCatalog([.. sizes], regions, tiers, diskPrices, unit, currencies, os);
    }

    private static List<Dictionary<string, string>> ReadCsv(Stream stream)
    {
        using var csv = CsvReader.Create(stream, new CsvReaderOptions { Separator = ',' }, leaveOpen: false);
        var header = csv.Headers;
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(header.Count, StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                row[header[i]] = i < csv.FieldCount ? csv.GetString(i) ?? string.Empty : string.Empty;
            }

            rows.Add(row);
        }

        return rows;
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static int? NInt(string s) => s.Length == 0 ? null : (int)Math.Round(Dbl(s));

    private static double Dbl(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static LimitSource Source(string s) => s switch
    {
        "doc" => LimitSource.Documented,
        "sku" => LimitSource.ResourceSku,
        _ => LimitSource.Rule,
    };

    private sealed class RegionPrices
    {
        public RegionPrices(int sizeCount)
        {
            Prices = new double[PriceKinds][];
            for (var k = 0; k < PriceKinds; k++)
            {
                Prices[k] = new double[sizeCount];
                Array.Fill(Prices[k], double.NaN);
            }
        }

        public double[][] Prices { get; }
    }
}
