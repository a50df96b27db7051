using System.Text.RegularExpressions;

namespace MigrateHub.Shared.Assessments;

/// <summary>
/// Names, tables and keys of groups and assessments. Every row's partition key is the project id or
/// starts with "{projectId}_", every blob name starts with "{projectId}/" (project delete and the
/// residency checks rely on it).
/// </summary>
public static partial class AssessmentKeys
{
    /// <summary>Groups: PK = projectId, RK = group name.</summary>
    public const string GroupsTable = "AssessmentGroups";

    /// <summary>Listed members of a group: PK = "{projectId}_{group}", RK = server id (escaped).</summary>
    public const string GroupMembersTable = "AssessmentGroupMembers";

    /// <summary>Assessments: PK = projectId, RK = "{group}~{assessment}".</summary>
    public const string AssessmentsTable = "Assessments";

    /// <summary>Batches of a computation: PK = "{projectId}_{group}~{assessment}_{runId}", RK = batch number (5 digits); the server ids.</summary>
    public const string BatchesTable = "AssessmentBatches";

    /// <summary>Assessed machines of a computation: PK = "{projectId}_{group}~{assessment}_{runId}", RK = server id (escaped).</summary>
    public const string ResultsTable = "AssessedMachines";

    /// <summary>Longest group or assessment name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Largest group or assessment (DOMAIN.md §2).</summary>
    public const int MaxMachines = 35_000;

    /// <summary>True for a valid group or assessment name: letters, digits, '-', '_' and '.', 1-64 characters, starting with a letter or digit.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The assessment's id within its project.</summary>
    public static string AssessmentId(string group, string assessment) => group + "~" + assessment;

    /// <summary>Partition of a group's listed members.</summary>
    public static string MembersPartition(string projectId, string group) => projectId + "_" + group;

    /// <summary>Partition of one computation's batches and results.</summary>
    public static string RunPartition(string projectId, string group, string assessment, string runId) =>
        projectId + "_" + AssessmentId(group, assessment) + "_" + runId;

    /// <summary>Instance id of an assessment's computation (routed to the project's region by its prefix).</summary>
    public static string InstanceId(string projectId, string group, string assessment) =>
        projectId + ":assessment:" + AssessmentId(group, assessment);

    /// <summary>Blob (in the exports container) of a computation's report.</summary>
    public static string ReportBlob(string projectId, string group, string assessment, string runId, string format) =>
        $"{projectId}/assessments/{group}/{assessment}/{runId}/report.{format}";

    /// <summary>Prefix of every report blob of an assessment.</summary>
    public static string ReportPrefix(string projectId, string group, string assessment) =>
        $"{projectId}/assessments/{group}/{assessment}/";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
