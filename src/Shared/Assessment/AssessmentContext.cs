using MigrateHub.Shared.Catalog;

namespace MigrateHub.Shared.Assessment;

/// <summary>
/// Everything that depends only on the settings, computed once per assessment: candidate sizes of the
/// target region sorted by price, price columns, disk tiers sorted by price, hours and currency rate.
/// </summary>
internal sealed class AssessmentContext
{
    /// <summary>Region whose disk prices rank tiers when the target region has none.</summary>
    internal const string DiskRankingProxyRegion = "westeurope";

    public AssessmentContext(AzureCatalog catalog, AssessmentSettings settings)
    {
        settings.Validate(catalog);
        Catalog = catalog;
        Settings = settings;
        Region = settings.TargetRegion.ToLowerInvariant();
        RankPrice = catalog.GetPriceColumn(Region, VmPriceKind.LinuxPayg)!;
        HashSet<string>? series = settings.VmSeries is { Count: > 0 }
            ? new HashSet<string>(settings.VmSeries.Select(NormalizeSeries), StringComparer.OrdinalIgnoreCase)
            : null;
        var list = new List<int>();
        foreach (var s in catalog.Sizes)
        {
            if (double.IsNaN(RankPrice[s.Index]) || s.IsArm64)
            {
                continue;
            }

            if (series is not null && !series.Contains(NormalizeSeries(s.Series)))
            {
                continue;
            }

            list.Add(s.Index);
        }

        var rank = RankPrice;
        var sizes = catalog.Sizes;
        list.Sort((a, b) =>
        {
            var c = rank[a].CompareTo(rank[b]);
            return c != 0 ? c : string.CompareOrdinal(sizes[a].Name, sizes[b].Name);
        });
        Candidates = [.. list];

        (LinuxPrice, WindowsPrice, PriceLabel) = settings.Savings switch
        {
            SavingsOption.None => (Col(VmPriceKind.LinuxPayg), Col(VmPriceKind.WindowsPayg), "pay-as-you-go"),
            SavingsOption.Reserved1Year => (Col(VmPriceKind.LinuxRi1y), Col(VmPriceKind.WindowsRi1y), "1-year reserved"),
            SavingsOption.Reserved3Year => (Col(VmPriceKind.LinuxRi3y), Col(VmPriceKind.WindowsRi3y), "3-year reserved"),
            SavingsOption.SavingsPlan1Year => (Col(VmPriceKind.LinuxSp1y), null, "1-year savings plan"),
            _ => ((double[]?)null, (double[]?)null, "3-year savings plan"),
        };

        LinuxCandidates = SortedBy(LinuxPrice);
        WindowsCandidates = SortedBy(WindowsPrice);

        if (settings.Savings == SavingsOption.None)
        {
            Hours = 730.0 * (settings.UptimeDaysPerMonth / 31.0) * (settings.UptimeHoursPerDay / 24.0);
            DiscountFactor = 1.0 - (settings.DiscountPercent / 100.0);
        }
        else
        {
            Hours = 744.0;
            DiscountFactor = 1.0;
        }

        Rate = catalog.CurrencyPerUsd[settings.Currency];
        Currency = settings.Currency.ToUpperInvariant();

        var tiers = new List<RankedTier>();
        var regionHasDiskPrices = catalog.DiskTiers.All(t => catalog.GetDiskMonthlyPriceUsd(Region, t.Name) is not null);
        foreach (var t in catalog.DiskTiers)
        {
            var price = catalog.GetDiskMonthlyPriceUsd(Region, t.Name);
            var rankPrice = regionHasDiskPrices ? price!.Value : catalog.GetDiskMonthlyPriceUsd(DiskRankingProxyRegion, t.Name) ?? double.MaxValue;
            tiers.Add(new RankedTier(t, price, rankPrice));
        }

        DiskRankedByRegionPrices = regionHasDiskPrices;
        TiersByPrice = [.. tiers.OrderBy(t => t.RankPrice).ThenBy(t => t.Tier.SizeGib)];
        TiersBySize = [.. tiers.OrderBy(t => t.Tier.SizeGib).ThenBy(t => t.RankPrice)];
        PremiumV2Prices = catalog.GetDiskUnitPricesUsd(Region, DiskType.PremiumV2);
        UltraPrices = catalog.GetDiskUnitPricesUsd(Region, DiskType.Ultra);
        PremiumV2RankPrices = PremiumV2Prices ?? catalog.GetDiskUnitPricesUsd(DiskRankingProxyRegion, DiskType.PremiumV2);
        UltraRankPrices = UltraPrices ?? catalog.GetDiskUnitPricesUsd(DiskRankingProxyRegion, DiskType.Ultra);

        double[]? Col(VmPriceKind k) => catalog.GetPriceColumn(Region, k);

        int[] SortedBy(double[]? column)
        {
            if (column is null)
            {
                return [];
            }

            if (ReferenceEquals(column, rank))
            {
                return Candidates;
            }

            var l = Candidates.Where(i => !double.IsNaN(column[i])).ToList();
            l.Sort((a, b) =>
            {
                var c = column[a].CompareTo(column[b]);
                return c != 0 ? c : string.CompareOrdinal(sizes[a].Name, sizes[b].Name);
            });
            return [.. l];
        }
    }

    public AzureCatalog Catalog { get; }

    public AssessmentSettings Settings { get; }

    public string Region { get; }

    /// <summary>Linux pay-as-you-go USD/hour per size index (NaN = not offered): the ranking price.</summary>
    public double[] RankPrice { get; }

    /// <summary>Candidate size indices, cheapest Linux pay-as-you-go first (every offered size).</summary>
    public int[] Candidates { get; }

    /// <summary>Candidates that have a price in <see cref="LinuxPrice"/>, cheapest first.</summary>
    public int[] LinuxCandidates { get; }

    /// <summary>Candidates that have a price in <see cref="WindowsPrice"/>, cheapest first.</summary>
    public int[] WindowsCandidates { get; }

    /// <summary>Linux (or Windows with AHB) price column for the savings option, null = none in the data.</summary>
    public double[]? LinuxPrice { get; }

    /// <summary>Windows (licence included) price column for the savings option, null = none in the data.</summary>
    public double[]? WindowsPrice { get; }

    public string PriceLabel { get; }

    public double Hours { get; }

    public double DiscountFactor { get; }

    public double Rate { get; }

    public string Currency { get; }

    public bool DiskRankedByRegionPrices { get; }

    public RankedTier[] TiersByPrice { get; }

    public RankedTier[] TiersBySize { get; }

    public DiskUnitPrices? PremiumV2Prices { get; }

    public DiskUnitPrices? UltraPrices { get; }

    public DiskUnitPrices? PremiumV2RankPrices { get; }

    public DiskUnitPrices? UltraRankPrices { get; }

    private static string NormalizeSeries(string s) => s.Replace("_", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);

    /// <summary>A fixed tier with its region price (null = unknown) and the price it is ranked by.</summary>
    internal sealed record RankedTier(DiskTier Tier, double? MonthlyUsd, double RankPrice);
}
