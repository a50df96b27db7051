using System.Globalization;
using System.Text.Json;
using MigrateHub.Shared.Assessment;

namespace MigrateHub.Shared.Assessments;

/// <summary>What the groups and assessments API does, apart from HTTP and the durable client.</summary>
public sealed class AssessmentService(AssessmentStore store, AssessmentRunner runner, AssessmentEngine engine, TimeProvider clock)
{
    private static readonly string[] OsFamilies = ["Windows", "Linux", "Other", "Unknown"];

    /// <summary>The store.</summary>
    public AssessmentStore Store => store;

    /// <summary>Errors of a group body by field; empty when valid. Normalises the OS family's case.</summary>
    public static IReadOnlyDictionary<string, string[]> ValidateGroup(GroupRequest request, out GroupRequest normalized)
    {
        ArgumentNullException.ThrowIfNull(request);
        normalized = request;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if ((request.Machines is null) == (request.Filter is null))
        {
            errors["machines"] = ["Send either 'machines' (a list of server ids) or 'filter', not both and not neither."];
            return errors;
        }

        if (request.Machines is { } ids)
        {
            if (ids.Count > AssessmentKeys.MaxMachines)
            {
                errors["machines"] = [$"A group holds at most {AssessmentKeys.MaxMachines} machines (got {ids.Count})."];
            }
            else if (ids.Any(string.IsNullOrWhiteSpace))
            {
                errors["machines"] = ["Server ids must not be empty."];
            }
        }

        if (request.Filter is { } f)
        {
            if (f.SourceType is { } st && !Enum.IsDefined(st))
            {
                errors["filter.sourceType"] = [$"Unknown source type: use {string.Join(", ", Enum.GetNames(st.GetType()))}."];
            }

            if (f.PowerState is { } ps && !Enum.IsDefined(ps))
            {
                errors["filter.powerState"] = [$"Unknown power state: use {string.Join(", ", Enum.GetNames(ps.GetType()))}."];
            }

            if (f.Os is { } os)
            {
                var family = OsFamilies.FirstOrDefault(x => string.Equals(x, os, StringComparison.OrdinalIgnoreCase));
                if (family is null)
                {
                    errors["filter.os"] = [$"Unknown OS family '{os}': use {string.Join(", ", OsFamilies)}."];
                }
                else
                {
                    normalized = request with { Filter = f with { Os = family } };
                }
            }

            if (f.ApplianceName is { Length: 0 })
            {
                errors["filter.applianceName"] = ["The appliance name must not be empty."];
            }
        }

        return errors;
    }

    /// <summary>Creates or replaces a group.</summary>
    public Task<Group> PutGroupAsync(string region, string projectId, string name, GroupRequest request, CancellationToken cancellationToken) =>
        store.PutGroupAsync(region, projectId, name, request, clock.GetUtcNow(), cancellationToken);

    /// <summary>Deletes a group with its assessments (their results and reports too).</summary>
    public async Task DeleteGroupAsync(string region, string projectId, string name, CancellationToken cancellationToken)
    {
        foreach (var a in await store.ListAssessmentsAsync(region, projectId, name, cancellationToken).ConfigureAwait(false))
        {
            await store.DeleteAssessmentAsync(region, projectId, a.Group, a.Name, cancellationToken).ConfigureAwait(false);
        }

        await store.DeleteGroupAsync(region, projectId, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Errors of assessment settings by field; empty when valid.</summary>
    public IReadOnlyDictionary<string, string[]> ValidateSettings(AssessmentSettings settings) =>
        AssessmentSettingsValidator.Validate(settings, engine.Catalog);

    /// <summary>
    /// Stores the settings (new or replaced) and marks a new computation started; returns the
    /// orchestration input. The caller starts the orchestration.
    /// </summary>
    public async Task<AssessmentRunRequest> StartAsync(
        string region, string projectId, string group, string name, AssessmentSettings? settings, int batchSize, CancellationToken cancellationToken,
        int batchesInFlight = AssessmentRunRequest.DefaultBatchesInFlight)
    {
        var now = clock.GetUtcNow();
        var existing = await store.GetAssessmentAsync(region, projectId, group, name, cancellationToken).ConfigureAwait(false);
        var runId = now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        if (existing is not null && string.CompareOrdinal(runId, existing.RunId) <= 0)
        {
            runId = (long.Parse(existing.RunId, CultureInfo.InvariantCulture) + 1).ToString("D19", CultureInfo.InvariantCulture);
        }

        var record = existing is null
            ? new AssessmentRecord { Group = group, Name = name, Settings = settings!, Status = AssessmentStatuses.Running, RunId = runId, CreatedAt = now, StartedAt = now }
            : existing with { Settings = settings ?? existing.Settings, Status = AssessmentStatuses.Running, RunId = runId, StartedAt = now, Error = null };
        await store.PutAssessmentAsync(region, projectId, record, cancellationToken).ConfigureAwait(false);
        return new AssessmentRunRequest(region, projectId, group, name, runId, now, batchSize, batchesInFlight);
    }

    /// <summary>The API view of an assessment, with its stale flag (settings or the group's data changed since the results shown).</summary>
    public async Task<AssessmentView> ViewAsync(string region, string projectId, AssessmentRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var reasons = new List<string>();
        if (record.ResultRunId is null)
        {
            reasons.Add("NoResults");
        }
        else
        {
            if (JsonSerializer.Serialize(record.ResultSettings, AssessmentStore.Json) != JsonSerializer.Serialize(record.Settings, AssessmentStore.Json))
            {
                reasons.Add("Settings");
            }

            var members = await runner.ResolveGroupAsync(region, projectId, record.Group, cancellationToken).ConfigureAwait(false);
            if (members is null || members.DataVersion != record.ResultDataVersion)
            {
                reasons.Add("Data");
            }
        }

        return new AssessmentView(
            record.Group, record.Name, record.Settings, record.Status, reasons.Count > 0, reasons, record.Summary,
            record.CreatedAt, record.StartedAt, record.ComputedAt, record.Error, AssessmentKeys.InstanceId(projectId, record.Group, record.Name));
    }

    /// <summary>A page of the assessed machines shown (empty before the first computation completes).</summary>
    public Task<AssessedMachinePage> PageMachinesAsync(string region, string projectId, AssessmentRecord record, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.ResultRunId is null
            ? Task.FromResult(new AssessedMachinePage([], null))
            : store.PageResultsAsync(region, AssessmentKeys.RunPartition(projectId, record.Group, record.Name, record.ResultRunId), top, continuationToken, cancellationToken);
    }
}
