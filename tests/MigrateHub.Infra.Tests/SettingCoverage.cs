using System.Reflection;
using System.Text.RegularExpressions;
using MigrateHub.Shared.Configuration;

namespace MigrateHub.Infra.Tests;

/// <summary>Compares the keys the code reads (SettingNames) with the app settings a stamp gets.</summary>
public static class SettingCoverage
{
    public const string RegionPlaceholder = "{region}";

    /// <summary>Prefix of the app's own keys; the template must not set any the code does not read.</summary>
    public const string AppKeyPrefix = "MigrateHub__";

    /// <summary>Every public const string of <see cref="SettingNames"/>, found by reflection.</summary>
    public static IReadOnlyList<string> CodeKeys() =>
    [
        .. typeof(SettingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true, IsInitOnly: false } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!),
    ];

    /// <summary>Keys a stamp in <paramref name="region"/> must set: {region} keys for its own region.</summary>
    public static IReadOnlyList<string> ExpectedKeys(IEnumerable<string> codeKeys, string region) =>
    [
        .. codeKeys.Select(key =>
        {
            var expanded = key.Replace(RegionPlaceholder, region, StringComparison.Ordinal);
            return expanded.Contains('{', StringComparison.Ordinal)
                ? throw new InvalidOperationException(
                    $"Setting '{key}' has a placeholder other than {RegionPlaceholder}; teach infra/bicep/stamp.bicep and this test what it means.")
                : expanded;
        }),
    ];

    /// <summary>Expected keys that are absent or empty in <paramref name="appSettings"/>.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> codeKeys, IReadOnlyDictionary<string, string> appSettings, string region) =>
    [
        .. ExpectedKeys(codeKeys, region)
            .Where(key => !appSettings.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value)),
    ];

    /// <summary>App keys (MigrateHub__...) set by the template that match no key the code reads.</summary>
    public static IReadOnlyList<string> Unknown(IEnumerable<string> codeKeys, IReadOnlyDictionary<string, string> appSettings)
    {
        var patterns = codeKeys
            .Select(key => new Regex(
                "^" + Regex.Escape(key).Replace(Regex.Escape(RegionPlaceholder), "[a-z0-9]+", StringComparison.Ordinal) + "$",
                RegexOptions.CultureInvariant))
            .ToList();
        return
        [
            .. appSettings.Keys
                .Where(key => key.StartsWith(AppKeyPrefix, StringComparison.Ordinal))
                .Where(key => !patterns.Exists(p => p.IsMatch(key))),
        ];
    }
}
