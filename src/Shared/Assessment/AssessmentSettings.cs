using System.Text.Json.Serialization;
using MigrateHub.Shared.Catalog;

namespace MigrateHub.Shared.Assessment;

/// <summary>Sizing criterion (DOMAIN.md §3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SizingCriterion>))]
public enum SizingCriterion
{
    /// <summary>Size on utilisation (percentile x comfort factor).</summary>
    PerformanceBased,
    /// <summary>Same cores and memory as on premises; disk type from <see cref="AssessmentSettings.AsOnPremisesStorage"/>.</summary>
    AsOnPremises,
}

/// <summary>Performance history window.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PerformanceHistory>))]
public enum PerformanceHistory
{
    /// <summary>1 day.</summary>
    Day,
    /// <summary>7 days.</summary>
    Week,
    /// <summary>31 days (a month of 10-minute points = 4,464 points).</summary>
    Month,
    /// <summary><see cref="AssessmentSettings.CustomHistory"/>.</summary>
    Custom,
}

/// <summary>Savings option (DOMAIN.md §3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SavingsOption>))]
public enum SavingsOption
{
    /// <summary>Pay as you go.</summary>
    None,
    /// <summary>1-year reserved instance.</summary>
    Reserved1Year,
    /// <summary>3-year reserved instance.</summary>
    Reserved3Year,
    /// <summary>1-year savings plan.</summary>
    SavingsPlan1Year,
    /// <summary>3-year savings plan.</summary>
    SavingsPlan3Year,
}

/// <summary>Storage type used when sizing as on premises.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AsOnPremisesStorage>))]
public enum AsOnPremisesStorage
{
    /// <summary>Premium SSD (default).</summary>
    Premium,
    /// <summary>Standard SSD.</summary>
    StandardSSD,
    /// <summary>Standard HDD.</summary>
    StandardHDD,
    /// <summary>Ultra disk for data disks (the OS disk stays Premium SSD: Ultra cannot be an OS disk).</summary>
    Ultra,
}

/// <summary>
/// Settings of an Azure VM assessment, with the defaults of DOMAIN.md §3 (percentile 95, history a month,
/// storage Premium, uptime 31 days x 24 h, Azure Hybrid Benefit on, no savings option, USD). The comfort
/// factor defaults to 1.3, the Azure Migrate portal default.
/// </summary>
public sealed record AssessmentSettings
{
    /// <summary>ARM region name of the target, e.g. westeurope.</summary>
    public required string TargetRegion { get; init; }

    /// <summary>Sizing criterion.</summary>
    public SizingCriterion Sizing { get; init; } = SizingCriterion.PerformanceBased;

    /// <summary>History window for performance-based sizing.</summary>
    public PerformanceHistory History { get; init; } = PerformanceHistory.Month;

    /// <summary>Window length when <see cref="History"/> is <see cref="PerformanceHistory.Custom"/>.</summary>
    public TimeSpan? CustomHistory { get; init; }

    /// <summary>End of the history window; null = the last data point of each server.</summary>
    public DateTimeOffset? HistoryEnd { get; init; }

    /// <summary>Percentile of the data points used: 50, 90, 95 or 99.</summary>
    public int Percentile { get; init; } = 95;

    /// <summary>Multiplies CPU, memory, disk and network needs (1.0 - 5.0).</summary>
    public double ComfortFactor { get; init; } = 1.3;

    /// <summary>Allowed VM series (e.g. "Dsv5", "Esv5"); null or empty = all series.</summary>
    public IReadOnlyList<string>? VmSeries { get; init; }

    /// <summary>Disk type when sizing as on premises.</summary>
    public AsOnPremisesStorage AsOnPremisesStorage { get; init; } = AsOnPremisesStorage.Premium;

    /// <summary>Whether performance-based sizing may pick Premium SSD v2 / Ultra for data disks no fixed tier can serve.</summary>
    public bool AllowPremiumV2AndUltra { get; init; } = true;

    /// <summary>Savings option. With one, a month is 744 h and uptime and discount are ignored.</summary>
    public SavingsOption Savings { get; init; } = SavingsOption.None;

    /// <summary>VM uptime in days per month (1-31).</summary>
    public double UptimeDaysPerMonth { get; init; } = 31;

    /// <summary>VM uptime in hours per day (1-24).</summary>
    public double UptimeHoursPerDay { get; init; } = 24;

    /// <summary>Discount on compute in percent (0-100), pay-as-you-go only.</summary>
    public double DiscountPercent { get; init; }

    /// <summary>Azure Hybrid Benefit: Windows servers are priced without the Windows licence.</summary>
    public bool AzureHybridBenefit { get; init; } = true;

    /// <summary>Currency code (USD, EUR, GBP, SEK, NOK, DKK: those the catalog has rates for).</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>Offer (informational: the catalog holds pay-as-you-go retail prices only).</summary>
    public string Offer { get; init; } = "PayAsYouGo";

    /// <summary>Length of the history window.</summary>
    public TimeSpan HistoryWindow => History switch
    {
        PerformanceHistory.Day => TimeSpan.FromDays(1),
        PerformanceHistory.Week => TimeSpan.FromDays(7),
        PerformanceHistory.Month => TimeSpan.FromDays(31),
        _ => CustomHistory ?? TimeSpan.FromDays(31),
    };

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message when a setting is invalid for the catalog.</summary>
    public void Validate(AzureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (string.IsNullOrWhiteSpace(TargetRegion) || !catalog.HasRegion(TargetRegion))
        {
            throw new ArgumentException($"Unknown target region '{TargetRegion}'. Known regions: {string.Join(", ", catalog.Regions)}.");
        }

        if (Percentile is not (50 or 90 or 95 or 99))
        {
            throw new ArgumentException($"Percentile must be 50, 90, 95 or 99 (got {Percentile}).");
        }

        if (!(ComfortFactor >= 0.1 && ComfortFactor <= 5.0))
        {
            throw new ArgumentException($"Comfort factor must be between 0.1 and 5.0 (got {ComfortFactor}).");
        }

        if (!catalog.CurrencyPerUsd.ContainsKey(Currency))
        {
            throw new ArgumentException($"Currency '{Currency}' is not supported; supported: {string.Join(", ", catalog.CurrencyPerUsd.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (!(UptimeDaysPerMonth > 0 && UptimeDaysPerMonth <= 31) || !(UptimeHoursPerDay > 0 && UptimeHoursPerDay <= 24))
        {
            throw new ArgumentException("Uptime must be 1-31 days per month and 1-24 hours per day.");
        }

        if (!(DiscountPercent >= 0 && DiscountPercent <= 100))
        {
            throw new ArgumentException($"Discount must be 0-100 % (got {DiscountPercent}).");
        }

        if (History == PerformanceHistory.Custom && (CustomHistory is null || CustomHistory <= TimeSpan.Zero))
        {
            throw new ArgumentException("A custom history needs a positive CustomHistory.");
        }
    }
}
