using System.Text;
using Azure.Data.Tables;

namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Regional tables written by discovery. Every partition key is the project id or starts with
/// "{projectId}_", so project delete and residency checks find every row.
/// </summary>
public static class DiscoveryTables
{
    /// <summary>Servers: PK = projectId, RK = server id (escaped); disks and NICs inside as JSON.</summary>
    public const string Servers = "Servers";

    /// <summary>Software inventory: PK = projectId, RK = server id; the lists as chunked JSON.</summary>
    public const string Software = "Software";

    /// <summary>Dependencies: PK = projectId, RK = "{slot yyyyMMddHH}|{hash of the dependency key}".</summary>
    public const string Dependencies = "Dependencies";

    /// <summary>Performance: PK = "{projectId}_{yyyyMMdd}", RK = server id; one property per 10-minute slot.</summary>
    public const string Performance = "Performance";

    /// <summary>Uploads and imports: PK = projectId, RK = "{applianceId}|{uploadId}".</summary>
    public const string Uploads = "Uploads";

    /// <summary>Largest string chunk stored in one property (Table Storage allows 32K UTF-16 characters).</summary>
    internal const int ChunkChars = 30_000;

    /// <summary>Most transaction batch size (Azurite fails a 101-entity batch with a garbled error).</summary>
    internal const int BatchSize = 100;

    /// <summary>Partition key of a project's performance day.</summary>
    public static string PerformancePartition(string projectId, DateOnly day) =>
        projectId + "_" + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Makes a value usable as a row key: '/', '\', '#', '?', '%', '|' and control characters become
    /// "%XX" (reversible with <see cref="Unescape"/>).
    /// </summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains('%', StringComparison.Ordinal))
        {
            return key;
        }

        var sb = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 2 < key.Length + 0 && int.TryParse(key.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                sb.Append((char)code);
                i += 2;
            }
            else
            {
                sb.Append(key[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>Stores a long string in properties "{prefix}0", "{prefix}1", ...</summary>
    internal static void SetChunked(TableEntity entity, string prefix, string value)
    {
        var chunks = (value.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > 30)
        {
            throw new InvalidOperationException($"Value of {value.Length} characters is too large for one entity.");
        }

        entity[prefix + "Chunks"] = Math.Max(chunks, 1);
        for (var i = 0; i < Math.Max(chunks, 1); i++)
        {
            var start = i * ChunkChars;
            entity[prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                start >= value.Length ? string.Empty : value.Substring(start, Math.Min(ChunkChars, value.Length - start));
        }
    }

    /// <summary>Reads a string stored with <see cref="SetChunked"/>.</summary>
    internal static string? GetChunked(TableEntity entity, string prefix)
    {
        var chunks = entity.GetInt32(prefix + "Chunks");
        if (chunks is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            sb.Append(entity.GetString(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' or '|' || char.IsControl(c);
}
