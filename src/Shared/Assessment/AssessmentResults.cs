using System.Text.Json.Serialization;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Assessment;

/// <summary>Azure readiness category (DOMAIN.md §3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Readiness>))]
public enum Readiness
{
    /// <summary>Ready.</summary>
    Suitable,
    /// <summary>Ready with conditions.</summary>
    ConditionallySuitable,
    /// <summary>Readiness unknown.</summary>
    ReadinessUnknown,
    /// <summary>Not ready.</summary>
    NotSuitable,
}

/// <summary>One server to assess: the inventory record and, optionally, its performance history.</summary>
/// <param name="Server">The discovered or imported server.</param>
/// <param name="Performance">Performance history, or null (imports, or no data yet).</param>
public sealed record AssessmentInput(DiscoveredServer Server, PerformanceSeries? Performance = null);

/// <summary>A readiness finding.</summary>
/// <param name="Code">Reason code (Azure Migrate API names where one exists, e.g. BootTypeNotSupported).</param>
/// <param name="Readiness">Readiness this finding implies.</param>
/// <param name="Message">Human explanation, with the rule and the values.</param>
public sealed record ReadinessIssue(string Code, Readiness Readiness, string Message);

/// <summary>The needs a size or disk was chosen for, and where they come from.</summary>
public sealed record ComputeNeeds
{
    /// <summary>vCPUs needed (utilised cores x comfort, or allocated cores).</summary>
    public double Cores { get; init; }

    /// <summary>Memory needed in GiB.</summary>
    public double MemoryGib { get; init; }

    /// <summary>Data disks the size must attach (all disks but the OS disk).</summary>
    public int DataDisks { get; init; }

    /// <summary>Network adapters the size must support.</summary>
    public int Nics { get; init; }

    /// <summary>Sum of the chosen disks' needed IOPS (checked against uncached disk IOPS where known).</summary>
    public double DiskIops { get; init; }

    /// <summary>Sum of the chosen disks' needed MBps (checked against uncached disk MBps where known).</summary>
    public double DiskMBps { get; init; }

    /// <summary>Network out needed in MBps (checked against the size's bandwidth where known).</summary>
    public double NetworkMBps { get; init; }

    /// <summary>Premium storage support needed (a Premium, Premium SSD v2 or Ultra disk was chosen).</summary>
    public bool PremiumIO { get; init; }

    /// <summary>Ultra disk support needed.</summary>
    public bool UltraSsd { get; init; }

    /// <summary>Hyper-V generation needed (2 for UEFI, else 1).</summary>
    public int Generation { get; init; }

    /// <summary>CPU utilisation used (percentile value, %), null when allocated values were used.</summary>
    public double? CpuPercent { get; init; }

    /// <summary>Memory utilisation used (percentile value, %), null when allocated values were used.</summary>
    public double? MemoryPercent { get; init; }

    /// <summary>How the needs were derived (rule, percentile, comfort factor, data points).</summary>
    public required string Basis { get; init; }
}

/// <summary>A cheaper candidate size that lost, and why.</summary>
/// <param name="Size">Size name.</param>
/// <param name="Reason">Which need it failed.</param>
public sealed record RejectedCandidate(string Size, string Reason);

/// <summary>The recommended VM size.</summary>
public sealed record ComputeRecommendation
{
    /// <summary>Recommended size.</summary>
    public required VmSize Size { get; init; }

    /// <summary>The needs it was chosen for.</summary>
    public required ComputeNeeds Needs { get; init; }

    /// <summary>USD/hour of the size in the price list candidates were ranked by (<see cref="RankedBy"/>).</summary>
    public double RankingPriceUsdPerHour { get; init; }

    /// <summary>
    /// Which price list ranked the candidates: the one the server is charged by (OS licence and savings
    /// option) among the sizes that have it, else Linux pay-as-you-go among all sizes.
    /// </summary>
    public required string RankedBy { get; init; }

    /// <summary>
    /// What the choice minimised: the size's hourly price in <see cref="RankedBy"/> x 730 h plus the monthly
    /// price of the disks it is paired with (USD; disks ranked by westeurope prices where the region has none).
    /// </summary>
    public double RankingMonthlyTotalUsd { get; init; }

    /// <summary>Candidates in the region and allowed series (x64).</summary>
    public int CandidatesConsidered { get; init; }

    /// <summary>Candidates examined before no further one could be cheaper in total.</summary>
    public int CandidatesScanned { get; init; }

    /// <summary>Number of cheaper candidates that failed each need (key = need).</summary>
    public required IReadOnlyDictionary<string, int> RejectedCounts { get; init; }

    /// <summary>The cheaper sizes (by VM price) nearest to the winner that could not take the server (up to 5), and why.</summary>
    public required IReadOnlyList<RejectedCandidate> NearestRejected { get; init; }
}

/// <summary>The recommended disk for one discovered disk.</summary>
public sealed record DiskRecommendation
{
    /// <summary>Discovered disk id.</summary>
    public required string DiskId { get; init; }

    /// <summary>True for the OS disk (the first disk).</summary>
    public bool IsOsDisk { get; init; }

    /// <summary>Discovered size in GB.</summary>
    public double SizeGb { get; init; }

    /// <summary>Needed IOPS (read + write, percentile x comfort), 0 when unknown.</summary>
    public double NeededIops { get; init; }

    /// <summary>Needed MBps (read + write, percentile x comfort), 0 when unknown.</summary>
    public double NeededMBps { get; init; }

    /// <summary>Disk type chosen.</summary>
    public DiskType Type { get; init; }

    /// <summary>Tier name as Azure Migrate reports it (Premium_P10, StandardSSD_E10, Standard_S10, PremiumV2, Ultra).</summary>
    public required string Tier { get; init; }

    /// <summary>Capacity of the chosen disk in GiB.</summary>
    public int TierSizeGib { get; init; }

    /// <summary>IOPS of the chosen disk (provisioned for Premium SSD v2 / Ultra).</summary>
    public int TierIops { get; init; }

    /// <summary>MBps of the chosen disk.</summary>
    public int TierMBps { get; init; }

    /// <summary>Monthly cost in the assessment currency, null when unknown.</summary>
    public double? MonthlyCost { get; init; }

    /// <summary>Which rule chose it.</summary>
    public required string Explanation { get; init; }

    /// <summary>Monthly USD price the choice was ranked by (region price, or the westeurope proxy).</summary>
    internal double RankCostUsd { get; init; }
}

/// <summary>Assessment of one server.</summary>
public sealed record AssessedMachine
{
    /// <summary>Server id.</summary>
    public required string ServerId { get; init; }

    /// <summary>Server name.</summary>
    public required string Name { get; init; }

    /// <summary>The assessed server.</summary>
    public required DiscoveredServer Server { get; init; }

    /// <summary>Overall readiness (worst finding).</summary>
    public Readiness Readiness { get; init; }

    /// <summary>Findings (empty when ready).</summary>
    public required IReadOnlyList<ReadinessIssue> Issues { get; init; }

    /// <summary>Recommended size, null when not sized.</summary>
    public ComputeRecommendation? Compute { get; init; }

    /// <summary>Recommended disks, empty when not sized.</summary>
    public required IReadOnlyList<DiskRecommendation> Disks { get; init; }

    /// <summary>Monthly compute cost in <see cref="Currency"/>, null when unknown.</summary>
    public double? MonthlyComputeCost { get; init; }

    /// <summary>Monthly storage cost in <see cref="Currency"/>, null when unknown.</summary>
    public double? MonthlyStorageCost { get; init; }

    /// <summary>Currency of the costs.</summary>
    public required string Currency { get; init; }

    /// <summary>How the cost was computed, or why it is unknown.</summary>
    public string? CostExplanation { get; init; }

    /// <summary>Confidence rating 1-5 stars (performance-based sizing of discovered servers only).</summary>
    public int? ConfidenceRating { get; init; }

    /// <summary>Share of expected data points present (0-100 %), when rated.</summary>
    public double? DataPointSharePercent { get; init; }

    /// <summary>Sizing criterion actually used.</summary>
    public SizingCriterion Sizing { get; init; }
}

/// <summary>Assessment of a set of servers, with totals.</summary>
public sealed record AssessmentResult
{
    /// <summary>Settings used.</summary>
    public required AssessmentSettings Settings { get; init; }

    /// <summary>One entry per input, in input order.</summary>
    public required IReadOnlyList<AssessedMachine> Machines { get; init; }

    /// <summary>Count per readiness.</summary>
    public required IReadOnlyDictionary<Readiness, int> ReadinessCounts { get; init; }

    /// <summary>Sum of known monthly compute costs.</summary>
    public double TotalMonthlyComputeCost { get; init; }

    /// <summary>Sum of known monthly storage costs.</summary>
    public double TotalMonthlyStorageCost { get; init; }

    /// <summary>Sized machines whose compute or storage cost is unknown (not in the totals).</summary>
    public int MachinesWithUnknownCost { get; init; }

    /// <summary>When the assessment ran.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
