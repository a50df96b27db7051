using System.Globalization;
using CsvHelper;
using MiniExcelLibs;

namespace MigrateHub.Shared.Assessment.Reports;

/// <summary>
/// Writes an assessment as CSV (one row per machine) or as an Excel workbook (a Summary sheet, one row
/// per machine, one row per disk), as Azure Migrate's report export does. Used by the offline CLI and
/// by the hub's report downloads. Unknown costs are written as "unknown", never as 0.
/// </summary>
public static class AssessmentReportWriter
{
    /// <summary>Text written for a cost the catalog has no price for.</summary>
    public const string Unknown = "unknown";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Columns of the per-machine rows (CSV and the machines sheet), in order.</summary>
    public static IReadOnlyList<string> MachineColumns { get; } =
    [
        "Machine name", "Operating system", "Boot type", "Cores", "Memory (MB)", "Readiness", "Readiness issues",
        "Recommended VM size", "Recommended disks", "Monthly compute cost", "Monthly storage cost", "Currency",
        "Confidence rating", "Sizing criterion", "Needed cores", "Needed memory (GB)", "CPU utilization used (%)",
        "Memory utilization used (%)", "Sizing explanation", "Readiness details", "Cost explanation",
    ];

    /// <summary>Columns of the per-disk rows, in order.</summary>
    public static IReadOnlyList<string> DiskColumns { get; } =
    [
        "Machine name", "Disk", "OS disk", "Size (GB)", "Needed IOPS", "Needed MBps", "Recommended disk", "Disk type",
        "Disk size (GiB)", "Disk IOPS", "Disk MBps", "Monthly cost", "Currency", "Explanation",
    ];

    /// <summary>Azure Migrate's wording of a readiness.</summary>
    public static string ReadinessLabel(Readiness readiness) => readiness switch
    {
        Readiness.Suitable => "Ready",
        Readiness.ConditionallySuitable => "Ready with conditions",
        Readiness.NotSuitable => "Not ready",
        _ => "Readiness unknown",
    };

    /// <summary>Writes one CSV row per machine (UTF-8, comma-separated, header first).</summary>
    public static void WriteCsv(AssessmentResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        using var csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteHeader([.. MachineColumns]);
        foreach (var m in result.Machines)
        {
            csv.WriteRecord(MachineRow(m).Select(Text).ToArray());
        }

        csv.Flush();
    }

    /// <summary>Writes the workbook: Summary, Assessed machines, Assessed disks.</summary>
    public static void WriteXlsx(AssessmentResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var sheets = new Dictionary<string, object>
        {
            ["Summary"] = Summary(result),
            ["Assessed machines"] = result.Machines.Select(m => Zip(MachineColumns, MachineRow(m))).ToList(),
            ["Assessed disks"] = result.Machines.SelectMany(m => m.Disks.Where(d => d is not null).Select(d => Zip(DiskColumns,
            [
                m.Name, d.DiskId, d.IsOsDisk ? "Yes" : "No", Math.Round(d.SizeGb, 2), Math.Round(d.NeededIops, 1), Math.Round(d.NeededMBps, 2),
                d.Tier, d.Type.ToString(), d.TierSizeGib, d.TierIops, d.TierMBps, Money(d.MonthlyCost), m.Currency, d.Explanation,
            ]))).ToList(),
        };
        MiniExcel.SaveAs(output, sheets);
    }

    private static List<Dictionary<string, object?>> Summary(AssessmentResult r)
    {
        var s = r.Settings;
        var rows = new List<(string, object?)>
        {
            ("Created (UTC)", r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv)),
            ("Target region", s.TargetRegion),
            ("Sizing criterion", s.Sizing.ToString()),
            ("Performance history", s.History == PerformanceHistory.Custom ? s.CustomHistory?.ToString() : s.History.ToString()),
            ("Percentile", s.Percentile),
            ("Comfort factor", s.ComfortFactor),
            ("VM series", s.VmSeries is { Count: > 0 } ? string.Join(", ", s.VmSeries) : "All"),
            ("Storage type (as on premises)", s.AsOnPremisesStorage.ToString()),
            ("Savings option", s.Savings.ToString()),
            ("Uptime", string.Create(Inv, $"{s.UptimeDaysPerMonth} days/month, {s.UptimeHoursPerDay} h/day")),
            ("Discount (%)", s.DiscountPercent),
            ("Azure Hybrid Benefit", s.AzureHybridBenefit ? "Yes" : "No"),
            ("Currency", s.Currency.ToUpperInvariant()),
            ("Machines assessed", r.Machines.Count),
            ("Ready", r.ReadinessCounts[Readiness.Suitable]),
            ("Ready with conditions", r.ReadinessCounts[Readiness.ConditionallySuitable]),
            ("Not ready", r.ReadinessCounts[Readiness.NotSuitable]),
            ("Readiness unknown", r.ReadinessCounts[Readiness.ReadinessUnknown]),
            ("Total monthly compute cost (known)", Math.Round(r.TotalMonthlyComputeCost, 2)),
            ("Total monthly storage cost (known)", Math.Round(r.TotalMonthlyStorageCost, 2)),
            ("Sized machines with an unknown cost (not in the totals)", r.MachinesWithUnknownCost),
            ("Prices", "Retail list prices (USD) from the catalog in src/Shared/Catalog/Data (see SOURCES.md); other currencies converted with the catalog's rates."),
        };
        return rows.Select(x => new Dictionary<string, object?> { ["Setting"] = x.Item1, ["Value"] = x.Item2 }).ToList();
    }

    private static object?[] MachineRow(AssessedMachine m)
    {
        var c = m.Compute;
        var issues = string.Join("; ", m.Issues.Select(i => i.Code));
        var details = string.Join(" | ", m.Issues.Select(i => i.Message));
        return
        [
            m.Name,
            m.Server.OperatingSystem.Name ?? string.Empty,
            m.Server.BootType.ToString().ToUpperInvariant(),
            m.Server.Cores,
            Math.Round(m.Server.MemoryMb, 0),
            ReadinessLabel(m.Readiness),
            issues,
            c?.Size.Name ?? string.Empty,
            c is null ? string.Empty : string.Join(";", m.Disks.Select(d => d.Tier)),
            c is null ? string.Empty : Money(m.MonthlyComputeCost),
            c is null ? string.Empty : Money(m.MonthlyStorageCost),
            m.Currency,
            m.ConfidenceRating,
            m.Sizing.ToString(),
            c is null ? null : Math.Round(c.Needs.Cores, 2),
            c is null ? null : Math.Round(c.Needs.MemoryGib, 2),
            c?.Needs.CpuPercent is { } cpu ? Math.Round(cpu, 2) : null,
            c?.Needs.MemoryPercent is { } mem ? Math.Round(mem, 2) : null,
            c is null ? string.Empty : SizingExplanation(c),
            details,
            m.CostExplanation ?? string.Empty,
        ];
    }

    private static string SizingExplanation(ComputeRecommendation c)
    {
        var lost = c.NearestRejected.Count == 0
            ? "no cheaper size was rejected"
            : "cheaper sizes rejected: " + string.Join(", ", c.NearestRejected.Select(r => $"{r.Size} ({r.Reason})"));
        return string.Create(Inv, $"{c.Needs.Basis} Chosen: {c.Size.Name} ({c.Size.VCpus} vCPUs, {c.Size.MemoryGib} GiB) as the cheapest of {c.CandidatesConsidered} candidates with its disks, ranked by {c.RankedBy} ({c.RankingMonthlyTotalUsd:0.00} USD/month list price); {lost}.");
    }

    private static object Money(double? v) => v is { } x ? Math.Round(x, 2) : Unknown;

    private static Dictionary<string, object?> Zip(IReadOnlyList<string> columns, object?[] values)
    {
        var d = new Dictionary<string, object?>(columns.Count);
        for (var i = 0; i < columns.Count; i++)
        {
            d[columns[i]] = values[i];
        }

        return d;
    }

    private static string Text(object? v) => v switch
    {
        null => string.Empty,
        double d => d.ToString("0.##", Inv),
        IFormattable f => f.ToString(null, Inv),
        _ => v.ToString() ?? string.Empty,
    };
}
