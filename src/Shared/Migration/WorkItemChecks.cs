using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Migration;

/// <summary>
/// A work item a lifecycle waits for, as the check sweep sees it: when to look at it next, and when it is silent.
/// </summary>
/// <param name="ProjectId">Project id.</param>
/// <param name="ApplianceId">Appliance that does it.</param>
/// <param name="ServerId">Server id.</param>
/// <param name="WorkItemId">The work item.</param>
/// <param name="IssuedAt">When the hub issued it.</param>
/// <param name="CheckAt">When the sweep looks at it next.</param>
/// <param name="Deadline">When it is silent if still not reported.</param>
/// <param name="PollInterval">The first look after issue; later looks back off to at most four of these.</param>
public sealed record WorkItemCheck(
    string ProjectId, string ApplianceId, string ServerId, string WorkItemId, DateTimeOffset IssuedAt, DateTimeOffset CheckAt, DateTimeOffset Deadline, TimeSpan PollInterval)
{
    /// <summary>The row's version (for a guarded reschedule; not serialized).</summary>
    [JsonIgnore]
    public ETag ETag { get; init; }

    /// <summary>
    /// The next look after one at <paramref name="now"/> that found nothing to send: the time the work has run, at least
    /// one poll interval, at most four, and never after the deadline (silence is declared on time).
    /// </summary>
    public DateTimeOffset NextCheck(DateTimeOffset now)
    {
        var wait = TimeSpan.FromTicks(Math.Clamp((now - IssuedAt).Ticks, PollInterval.Ticks, 4 * PollInterval.Ticks));
        var next = now + wait;
        return now < Deadline && next > Deadline ? Deadline : next;
    }
}

/// <summary>
/// The work items lifecycles wait for, one row each in the regional table <c>MigrationWorkItemChecks</c> (PK project
/// id, RK work item id): added when a work item is issued, removed when its lifecycle records the report (or stops
/// waiting). A timer sweep reads the rows past their check time: a report stored but not yet taken by its lifecycle
/// (its event lost) is sent again, and a work item past its deadline is declared silent. Lifecycles keep no durable
/// timer while they wait for a report: the table holds only what is in flight, so the sweep's query stays small.
/// </summary>
public sealed class WorkItemChecks(HubStorage storage)
{
    /// <summary>The table.</summary>
    public const string Table = "MigrationWorkItemChecks";

    /// <summary>Adds (or replaces, on a retried record) the check of an issued work item.</summary>
    public async Task AddAsync(string region, WorkItemCheck check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(ToEntity(check), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the checks of work items no longer waited for (absent ones are ignored).</summary>
    public async Task CloseAsync(string region, string projectId, IEnumerable<string> workItemIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItemIds);
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        foreach (var id in workItemIds)
        {
            try
            {
                await table.DeleteEntityAsync(projectId, id, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Closed by an earlier attempt of the same record.
            }
        }
    }

    /// <summary>Checks due at <paramref name="now"/> in a region, every project's.</summary>
    public async Task<IReadOnlyList<WorkItemCheck>> DueAsync(string region, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var due = new List<WorkItemCheck>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"CheckAt le {now}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            due.Add(new WorkItemCheck(e.PartitionKey, e.GetString("ApplianceId"), e.GetString("ServerId"), e.RowKey,
                e.GetDateTimeOffset("IssuedAt") ?? now, e.GetDateTimeOffset("CheckAt") ?? now, e.GetDateTimeOffset("Deadline") ?? now,
                TimeSpan.FromTicks(e.GetInt64("PollTicks") ?? TimeSpan.TicksPerMinute)) { ETag = e.ETag });
        }

        return due;
    }

    /// <summary>Moves a check to its next time; false when the row was closed or changed meanwhile (nothing written).</summary>
    public async Task<bool> RescheduleAsync(string region, WorkItemCheck check, DateTimeOffset checkAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var table = await storage.Region(region).TableAsync(Table, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(check.ProjectId, check.WorkItemId) { ["CheckAt"] = checkAt }, check.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    private static TableEntity ToEntity(WorkItemCheck check) => new(check.ProjectId, check.WorkItemId)
    {
        ["ApplianceId"] = check.ApplianceId,
        ["ServerId"] = check.ServerId,
        ["IssuedAt"] = check.IssuedAt,
        ["CheckAt"] = check.CheckAt,
        ["Deadline"] = check.Deadline,
        ["PollTicks"] = check.PollInterval.Ticks,
    };
}
