using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace MigrateHub.LocalAzure.Arm;

internal static partial class ArmNames
{
    public const string Disks = "Microsoft.Compute/disks";
    public const string Snapshots = "Microsoft.Compute/snapshots";
    public const string VirtualMachines = "Microsoft.Compute/virtualMachines";
    public const string NetworkInterfaces = "Microsoft.Network/networkInterfaces";
    public const string VirtualNetworks = "Microsoft.Network/virtualNetworks";
    public const string Subnets = "Microsoft.Network/virtualNetworks/subnets";
    public const string NetworkSecurityGroups = "Microsoft.Network/networkSecurityGroups";
    public const string PublicIpAddresses = "Microsoft.Network/publicIPAddresses";

    /// <summary>Resource types served, with the api-versions announced by provider GETs.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ApiVersions = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        [Disks] = ["2023-04-02", "2023-10-02", "2024-03-02"],
        [Snapshots] = ["2023-04-02", "2023-10-02", "2024-03-02"],
        [VirtualMachines] = ["2023-07-01", "2023-09-01", "2024-03-01", "2024-07-01"],
        [NetworkInterfaces] = ["2023-09-01", "2023-11-01", "2024-01-01", "2024-05-01"],
        [VirtualNetworks] = ["2023-09-01", "2023-11-01", "2024-01-01", "2024-05-01"],
        [Subnets] = ["2023-09-01", "2023-11-01", "2024-01-01", "2024-05-01"],
        [NetworkSecurityGroups] = ["2023-09-01", "2023-11-01", "2024-01-01", "2024-05-01"],
        [PublicIpAddresses] = ["2023-09-01", "2023-11-01", "2024-01-01", "2024-05-01"],
    };

    public static readonly string[] DiskSkus = ["Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "UltraSSD_LRS", "Premium_ZRS", "StandardSSD_ZRS", "PremiumV2_LRS"];

    public static readonly string[] LicenseTypes = ["Windows_Server", "Windows_Client", "RHEL_BYOS", "SLES_BYOS", "None"];

    public static string CanonicalType(string type)
    {
        foreach (var known in ApiVersions.Keys)
        {
            if (string.Equals(known, type, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return type;
    }

    public static string NormalizeLocation(string location) =>
        location.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    public static string Key(string id) => id.ToUpperInvariant();

    /// <summary>Managed disk / snapshot names: 1-80, word characters, '.', '-', starting with a letter or digit, ending with a word character.</summary>
    public static bool IsValidDiskName(string name) => DiskName().IsMatch(name);

    /// <summary>VM names: 1-64, letters, digits, '.', '-', '_', not ending with '.' or '-'.</summary>
    public static bool IsValidVmName(string name) => VmName().IsMatch(name);

    /// <summary>Network resource names: 1-80, word characters, '.', '-', ending with a word character.</summary>
    public static bool IsValidNetworkName(string name) => NetworkName().IsMatch(name);

    public static bool IsValidResourceGroupName(string name) =>
        name.Length is > 0 and <= 90 && !name.EndsWith('.') && ResourceGroupName().IsMatch(name);

    public static bool TryParseCidr(string? text, out uint network, out int prefixLength)
    {
        network = 0;
        prefixLength = 0;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split('/');
        if (parts.Length != 2 ||
            !IPAddress.TryParse(parts[0], out var address) ||
            address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) ||
            prefixLength is < 8 or > 29)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var value = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        network = value & mask;
        return network == value;
    }

    public static bool Contains(uint outer, int outerPrefix, uint inner, int innerPrefix)
    {
        if (innerPrefix < outerPrefix)
        {
            return false;
        }

        var mask = uint.MaxValue << (32 - outerPrefix);
        return (inner & mask) == outer;
    }

    public static string FormatAddress(uint value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}");

    [GeneratedRegex(@"^[A-Za-z0-9](?:[\w.\-]{0,78}\w)?$")]
    private static partial Regex DiskName();

    [GeneratedRegex(@"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,62}[A-Za-z0-9_])?$")]
    private static partial Regex VmName();

    [GeneratedRegex(@"^\w(?:[\w.\-]{0,78}\w)?$")]
    private static partial Regex NetworkName();

    [GeneratedRegex(@"^[\w\-.()]+$")]
    private static partial Regex ResourceGroupName();
}
