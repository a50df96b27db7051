namespace MigrateHub.LocalAzure.Arm;

/// <summary>A VM size the endpoint accepts.</summary>
/// <param name="Name">Size name, e.g. Standard_D4s_v5.</param>
/// <param name="VCpus">vCPUs counted against the regional quota.</param>
/// <param name="MaxDataDisks">Most data disks the size can attach.</param>
/// <param name="SupportsGen2">Whether the size can boot Hyper-V generation 2 (UEFI) disks.</param>
public sealed record VmSize(string Name, int VCpus, int MaxDataDisks, bool SupportsGen2);

/// <summary>The built-in table of common VM sizes (a small, realistic subset of Azure's).</summary>
public static class VmSizeCatalog
{
    private static readonly Dictionary<string, VmSize> BuiltIn = Build();

    /// <summary>All built-in sizes.</summary>
    public static IReadOnlyCollection<VmSize> All => BuiltIn.Values;

    /// <summary>Looks up a built-in size, ignoring case.</summary>
    public static VmSize? Find(string name) => BuiltIn.GetValueOrDefault(name);

    private static Dictionary<string, VmSize> Build()
    {
        var sizes = new Dictionary<string, VmSize>(StringComparer.OrdinalIgnoreCase);
        void Add(string name, int vcpus, int maxDataDisks, bool gen2 = true) =>
            sizes[name] = new VmSize(name, vcpus, maxDataDisks, gen2);
        static int Disks(int vcpus) => Math.Min(32, vcpus * 2);

        // A v2: generation 1 only.
        foreach (var (suffix, vcpus) in new[] { ("A1_v2", 1), ("A2_v2", 2), ("A4_v2", 4), ("A8_v2", 8), ("A2m_v2", 2), ("A4m_v2", 4), ("A8m_v2", 8) })
        {
            Add("Standard_" + suffix, vcpus, Disks(vcpus), gen2: false);
        }

        // B-series burstable.
        foreach (var (suffix, vcpus) in new[] { ("B1s", 1), ("B1ms", 1), ("B2s", 2), ("B2ms", 2), ("B4ms", 4), ("B8ms", 8), ("B12ms", 12), ("B16ms", 16), ("B20ms", 20) })
        {
            Add("Standard_" + suffix, vcpus, vcpus >= 16 ? 32 : Disks(vcpus));
        }

        int[] dSeries = [2, 4, 8, 16, 32, 48, 64];
        int[] v5Series = [2, 4, 8, 16, 32, 48, 64, 96];
        foreach (var n in dSeries)
        {
            Add($"Standard_D{n}_v3", n, Disks(n));
            Add($"Standard_D{n}s_v3", n, Disks(n));
            Add($"Standard_D{n}_v4", n, Disks(n));
            Add($"Standard_D{n}s_v4", n, Disks(n));
        }

        foreach (var n in v5Series)
        {
            Add($"Standard_D{n}_v5", n, Disks(n));
            Add($"Standard_D{n}s_v5", n, Disks(n));
            Add($"Standard_D{n}as_v5", n, Disks(n));
        }

        foreach (var n in new[] { 2, 4, 8, 16, 20, 32, 48, 64, 96 })
        {
            Add($"Standard_E{n}_v5", n, Disks(n));
            Add($"Standard_E{n}s_v5", n, Disks(n));
        }

        foreach (var n in new[] { 2, 4, 8, 16, 32, 48, 64, 72 })
        {
            Add($"Standard_F{n}s_v2", n, Disks(n));
        }

        return sizes;
    }
}
