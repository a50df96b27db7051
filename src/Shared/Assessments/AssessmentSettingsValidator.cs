using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Catalog;

namespace MigrateHub.Shared.Assessments;

/// <summary>Checks assessment settings field by field (the API's 400 names the field at fault).</summary>
public static class AssessmentSettingsValidator
{
    /// <summary>Errors by JSON field name (camelCase); empty when the settings are valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(AssessmentSettings settings, AzureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(settings.TargetRegion) || !catalog.HasRegion(settings.TargetRegion))
        {
            Add("targetRegion", $"Unknown target region '{settings.TargetRegion}'. Known regions: {string.Join(", ", catalog.Regions)}.");
        }

        if (!Enum.IsDefined(settings.Sizing))
        {
            Add("sizing", $"Use {string.Join(" or ", Enum.GetNames<SizingCriterion>())}.");
        }

        if (!Enum.IsDefined(settings.History))
        {
            Add("history", $"Use {string.Join(", ", Enum.GetNames<PerformanceHistory>())}.");
        }
        else if (settings.History == PerformanceHistory.Custom && (settings.CustomHistory is null || settings.CustomHistory <= TimeSpan.Zero || settings.CustomHistory > TimeSpan.FromDays(31)))
        {
            Add("customHistory", "A custom history needs a customHistory between 00:00:01 and 31.00:00:00 (one month of data is kept).");
        }

        if (settings.Percentile is not (50 or 90 or 95 or 99))
        {
            Add("percentile", $"The percentile must be 50, 90, 95 or 99 (got {settings.Percentile}).");
        }

        if (!(settings.ComfortFactor >= 0.1 && settings.ComfortFactor <= 5.0))
        {
            Add("comfortFactor", $"The comfort factor must be between 0.1 and 5.0 (got {settings.ComfortFactor}).");
        }

        if (!Enum.IsDefined(settings.AsOnPremisesStorage))
        {
            Add("asOnPremisesStorage", $"Use {string.Join(", ", Enum.GetNames<AsOnPremisesStorage>())}.");
        }

        if (!Enum.IsDefined(settings.Savings))
        {
            Add("savings", $"Use {string.Join(", ", Enum.GetNames<SavingsOption>())}.");
        }

        if (!(settings.UptimeDaysPerMonth > 0 && settings.UptimeDaysPerMonth <= 31))
        {
            Add("uptimeDaysPerMonth", $"Uptime must be 1-31 days per month (got {settings.UptimeDaysPerMonth}).");
        }

        if (!(settings.UptimeHoursPerDay > 0 && settings.UptimeHoursPerDay <= 24))
        {
            Add("uptimeHoursPerDay", $"Uptime must be 1-24 hours per day (got {settings.UptimeHoursPerDay}).");
        }

        if (!(settings.DiscountPercent >= 0 && settings.DiscountPercent <= 100))
        {
            Add("discountPercent", $"The discount must be 0-100 % (got {settings.DiscountPercent}).");
        }

        if (settings.Currency is null || !catalog.CurrencyPerUsd.ContainsKey(settings.Currency))
        {
            Add("currency", $"Currency '{settings.Currency}' is not supported; supported: {string.Join(", ", catalog.CurrencyPerUsd.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (settings.VmSeries is { Count: > 0 } series && series.Any(string.IsNullOrWhiteSpace))
        {
            Add("vmSeries", "VM series names must not be empty.");
        }

        if (errors.Count == 0)
        {
            try
            {
                settings.Validate(catalog);
            }
            catch (ArgumentException ex)
            {
                Add("settings", ex.Message);
            }
        }

        return errors;
    }
}
