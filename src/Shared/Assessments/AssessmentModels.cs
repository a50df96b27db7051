using System.Text.Json.Serialization;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Assessments;

/// <summary>Which servers a filter group holds (all conditions must match; null = any).</summary>
/// <param name="SourceType">VMware, HyperV, Physical, ...</param>
/// <param name="Os">OS family: Windows, Linux, Other, Unknown.</param>
/// <param name="PowerState">On, Off, ...</param>
/// <param name="ApplianceName">Name of the appliance that discovered the servers.</param>
public sealed record GroupFilter(SourceType? SourceType, string? Os, PowerState? PowerState, string? ApplianceName);

/// <summary>Body of <c>PUT .../groups/{groupName}</c>: either a list of server ids or a filter.</summary>
public sealed record GroupRequest(IReadOnlyList<string>? Machines, GroupFilter? Filter);

/// <summary>A group of servers, by list or by filter.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Kind"><c>List</c> or <c>Filter</c>.</param>
/// <param name="Machines">Number of listed server ids (list groups).</param>
/// <param name="Filter">The filter (filter groups).</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="UpdatedAt">Last changed (membership or filter).</param>
public sealed record Group(string Name, string Kind, int Machines, GroupFilter? Filter, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Computation states of an assessment.</summary>
public static class AssessmentStatuses
{
    /// <summary>The computation was started and has not finished.</summary>
    public const string Running = "Running";

    /// <summary>Results are available.</summary>
    public const string Completed = "Completed";

    /// <summary>The last computation failed (see the error); earlier results, if any, are kept.</summary>
    public const string Failed = "Failed";
}

/// <summary>Counts, totals and confidence of one computation (or of one batch of it).</summary>
public sealed record AssessmentSummary
{
    /// <summary>Machines assessed.</summary>
    public int Machines { get; init; }

    /// <summary>Machines of the group that are not (or no longer) discovered, so not assessed.</summary>
    public int MachinesNotFound { get; init; }

    /// <summary>Count per readiness (every category present, zero included).</summary>
    public required IReadOnlyDictionary<Readiness, int> Readiness { get; init; }

    /// <summary>Sum of known monthly compute costs.</summary>
    public double MonthlyComputeCost { get; init; }

    /// <summary>Sum of known monthly storage costs.</summary>
    public double MonthlyStorageCost { get; init; }

    /// <summary>Sum of both.</summary>
    public double MonthlyTotalCost => MonthlyComputeCost + MonthlyStorageCost;

    /// <summary>Sized machines whose cost is unknown (not in the totals).</summary>
    public int MachinesWithUnknownCost { get; init; }

    /// <summary>Currency of the costs.</summary>
    public required string Currency { get; init; }

    /// <summary>Machines per confidence rating: "1".."5" stars, and "None" (as on premises or imported).</summary>
    public required IReadOnlyDictionary<string, int> Confidence { get; init; }

    /// <summary>An empty summary in a currency.</summary>
    public static AssessmentSummary Empty(string currency) => new()
    {
        Readiness = Enum.GetValues<Readiness>().ToDictionary(r => r, _ => 0),
        Confidence = ConfidenceKeys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal),
        Currency = currency,
    };

    /// <summary>Keys of <see cref="Confidence"/>.</summary>
    public static IReadOnlyList<string> ConfidenceKeys { get; } = ["1", "2", "3", "4", "5", "None"];

    /// <summary>The summary of assessed machines.</summary>
    public static AssessmentSummary Of(IEnumerable<AssessedMachine> machines, string currency)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var readiness = Enum.GetValues<Readiness>().ToDictionary(r => r, _ => 0);
        var confidence = ConfidenceKeys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        double compute = 0, storage = 0;
        int count = 0, unknown = 0;
        foreach (var m in machines)
        {
            count++;
            readiness[m.Readiness]++;
            confidence[ConfidenceKey(m.ConfidenceRating)]++;
            if (m.Compute is not null)
            {
                if (m.MonthlyComputeCost is null || m.MonthlyStorageCost is null)
                {
                    unknown++;
                }

                compute += m.MonthlyComputeCost ?? 0;
                storage += m.MonthlyStorageCost ?? 0;
            }
        }

        return new AssessmentSummary
        {
            Machines = count,
            Readiness = readiness,
            Confidence = confidence,
            MonthlyComputeCost = compute,
            MonthlyStorageCost = storage,
            MachinesWithUnknownCost = unknown,
            Currency = currency,
        };
    }

    /// <summary>The key of a rating in <see cref="Confidence"/>.</summary>
    public static string ConfidenceKey(int? rating) =>
        rating is >= 1 and <= 5 ? rating.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None";

    /// <summary>Adds two summaries (same currency).</summary>
    public AssessmentSummary Add(AssessmentSummary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            Machines = Machines + other.Machines,
            MachinesNotFound = MachinesNotFound + other.MachinesNotFound,
            Readiness = Enum.GetValues<Readiness>().ToDictionary(r => r, r => Readiness.GetValueOrDefault(r) + other.Readiness.GetValueOrDefault(r)),
            Confidence = ConfidenceKeys.ToDictionary(k => k, k => Confidence.GetValueOrDefault(k) + other.Confidence.GetValueOrDefault(k), StringComparer.Ordinal),
            MonthlyComputeCost = MonthlyComputeCost + other.MonthlyComputeCost,
            MonthlyStorageCost = MonthlyStorageCost + other.MonthlyStorageCost,
            MachinesWithUnknownCost = MachinesWithUnknownCost + other.MachinesWithUnknownCost,
        };
    }
}

/// <summary>An assessment as stored: settings, state of the last computation and its summary.</summary>
public sealed record AssessmentRecord
{
    /// <summary>Group name.</summary>
    public required string Group { get; init; }

    /// <summary>Assessment name (unique within the group).</summary>
    public required string Name { get; init; }

    /// <summary>Current settings.</summary>
    public required AssessmentSettings Settings { get; init; }

    /// <summary>Running, Completed or Failed.</summary>
    public required string Status { get; init; }

    /// <summary>Id of the computation last started.</summary>
    public required string RunId { get; init; }

    /// <summary>Id of the computation whose results are shown (null before the first completes).</summary>
    public string? ResultRunId { get; init; }

    /// <summary>Summary of the results shown.</summary>
    public AssessmentSummary? Summary { get; init; }

    /// <summary>Settings the results shown were computed with.</summary>
    public AssessmentSettings? ResultSettings { get; init; }

    /// <summary>Fingerprint of the group's data (membership and inventory) the results were computed from.</summary>
    public string? ResultDataVersion { get; init; }

    /// <summary>When the assessment was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the last computation was started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the results shown were computed.</summary>
    public DateTimeOffset? ComputedAt { get; init; }

    /// <summary>Why the last computation failed.</summary>
    public string? Error { get; init; }

    /// <summary>The id of the assessment within its project: <c>{group}~{name}</c>.</summary>
    [JsonIgnore]
    public string Id => AssessmentKeys.AssessmentId(Group, Name);
}

/// <summary>What the API shows of an assessment.</summary>
/// <param name="Group">Group name.</param>
/// <param name="Name">Assessment name.</param>
/// <param name="Settings">Current settings.</param>
/// <param name="Status">Running, Completed or Failed.</param>
/// <param name="Stale">True when the settings or the group's data changed since the results shown were computed.</param>
/// <param name="StaleReasons">What changed (Settings, Data, NoResults).</param>
/// <param name="Summary">Summary of the results shown (null before the first computation completes).</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="StartedAt">Last computation started.</param>
/// <param name="ComputedAt">Results computed.</param>
/// <param name="Error">Why the last computation failed.</param>
/// <param name="InstanceId">Orchestration instance id of the computation.</param>
public sealed record AssessmentView(
    string Group, string Name, AssessmentSettings Settings, string Status, bool Stale, IReadOnlyList<string> StaleReasons,
    AssessmentSummary? Summary, DateTimeOffset CreatedAt, DateTimeOffset StartedAt, DateTimeOffset? ComputedAt, string? Error, string InstanceId);

/// <summary>A page of assessed machines (the engine's full results) and the token of the next page.</summary>
/// <param name="Value">The machines.</param>
/// <param name="ContinuationToken">Token of the next page, null on the last.</param>
public sealed record AssessedMachinePage(IReadOnlyList<AssessedMachine> Value, string? ContinuationToken);
