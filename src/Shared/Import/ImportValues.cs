using System.Globalization;
using System.Text;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Import;

/// <summary>Helpers shared by the parsers: header normalisation and tolerant value parsing.</summary>
internal static class ImportValues
{
    /// <summary>Lower-case letters and digits only: "Memory (In MB)" -> "memoryinmb".</summary>
    public static string NormalizeHeader(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(header.Length);
        foreach (var ch in header)
        {
            if (char.IsLetterOrDigit(ch))
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }

        return sb.ToString();
    }

    /// <summary>Parses a number written with '.' (or a lone ',' as decimal separator); empty = null; bad = false.</summary>
    public static bool TryNumber(string? text, out double? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var t = text.Trim().TrimEnd('%').Trim();
        if (t.Contains(',', StringComparison.Ordinal) && !t.Contains('.', StringComparison.Ordinal))
        {
            t = t.Replace(',', '.');
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            value = d;
            return true;
        }

        return false;
    }

    public static BootType ParseBoot(string? text)
    {
        var t = text?.Trim().ToUpperInvariant() ?? string.Empty;
        if (t.Contains("UEFI", StringComparison.Ordinal) || t.Contains("EFI", StringComparison.Ordinal))
        {
            return BootType.Uefi;
        }

        return t.Contains("BIOS", StringComparison.Ordinal) ? BootType.Bios : BootType.Unknown;
    }

    public static OsArchitecture ParseArchitecture(string? text, string? osName)
    {
        var t = (text ?? string.Empty).Trim().ToUpperInvariant();
        if (t.Length == 0)
        {
            var n = (osName ?? string.Empty).ToUpperInvariant();
            return n.Contains("64-BIT", StringComparison.Ordinal) ? OsArchitecture.X64
                : n.Contains("32-BIT", StringComparison.Ordinal) ? OsArchitecture.X86
                : OsArchitecture.Unknown;
        }

        return t switch
        {
            "X64" or "AMD64" or "64-BIT" or "64BIT" or "64" or "X86_64" or "X86-64" => OsArchitecture.X64,
            "X86" or "32-BIT" or "32BIT" or "32" or "I386" or "I686" => OsArchitecture.X86,
            "ARM64" or "AARCH64" => OsArchitecture.Arm64,
            _ => OsArchitecture.Unknown,
        };
    }

    public static PowerState ParsePower(string? text)
    {
        var t = text?.Trim().ToUpperInvariant() ?? string.Empty;
        return t switch
        {
            "POWEREDON" or "ON" or "RUNNING" => PowerState.On,
            "POWEREDOFF" or "OFF" or "STOPPED" => PowerState.Off,
            "SUSPENDED" or "SAVED" => PowerState.Suspended,
            _ => PowerState.Unknown,
        };
    }

    public static IReadOnlyList<string> SplitList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        return text.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
