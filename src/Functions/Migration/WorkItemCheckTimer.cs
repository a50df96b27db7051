using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Migration;

/// <summary>What one check sweep of a region did.</summary>
/// <param name="Due">Checks past their time.</param>
/// <param name="Resent">Stored reports sent again (their event was lost or is late).</param>
/// <param name="Silent">Work items declared silent (no report by the deadline).</param>
public sealed record WorkItemSweepResult(int Due, int Resent, int Silent);

/// <summary>
/// Every minute: the safety net of the appliance reports. A report is stored, then sent to its lifecycle as an event
/// (the fast path); a lifecycle keeps no durable timer while it waits, so this sweep looks at the work items in flight
/// past their check time (<see cref="WorkItemChecks"/>): a report stored for longer than the poll interval and not yet
/// recorded by its lifecycle is sent again, and a work item still not reported at its deadline is sent as a silent
/// report (the cycle is counted silent, health turns Warning then Critical). A lifecycle ignores a report for a work
/// item it no longer waits for, so sending one twice is harmless.
/// </summary>
public sealed class WorkItemCheckTimer(HubStorage storage, WorkItemChecks checks, MigrationRepository repository, TimeProvider clock, ILogger<WorkItemCheckTimer> logger)
{
    /// <summary>The timer function.</summary>
    [Function(nameof(WorkItemCheckSweep))]
    public async Task WorkItemCheckSweep(
        [TimerTrigger("45 * * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
    {
        await storage.ForEachHostedRegionAsync(logger, "Work item check sweep", async region =>
        {
            var result = await SweepAsync(region, durable, cancellationToken);
            if (result.Resent + result.Silent > 0)
            {
                logger.LogInformation("Work item check sweep in {Region}: {Due} due, {Resent} reports sent again, {Silent} work items silent",
                    region, result.Due, result.Resent, result.Silent);
            }
        });
    }

    /// <summary>Sweeps one region.</summary>
    public async Task<WorkItemSweepResult> SweepAsync(string region, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var now = clock.GetUtcNow();
        var due = await checks.DueAsync(region, now, cancellationToken);
        int resent = 0, silent = 0;
        foreach (var check in due)
        {
            var report = await repository.GetReportAsync(region, check.ProjectId, check.ApplianceId, check.WorkItemId, cancellationToken);
            WorkItemReport? send = null;
            DateTimeOffset next;
            if (report?.StoredAt is { } stored && now - stored < check.PollInterval)
            {
                // Stored moments ago: most likely on its way as an event. Sent again only once older.
                next = stored + check.PollInterval;
            }
            else if (report is not null)
            {
                send = report;
                resent++;
                next = now + check.PollInterval;
            }
            else if (now >= check.Deadline)
            {
                send = new WorkItemReport(check.WorkItemId, false,
                    $"The appliance did not report work item {check.WorkItemId} within {check.Deadline - check.IssuedAt}.") { Silent = true };
                silent++;
                next = now + check.PollInterval;
            }
            else
            {
                next = check.NextCheck(now);
            }

            if (send is not null)
            {
                await durable.RaiseEventAsync(MachineLifecycleOrchestrator.InstanceId(check.ProjectId, check.ServerId), MachineLifecycleOrchestrator.EventName,
                    new MachineEvent(MachineEventNames.WorkItemReported) { Report = send }, cancellationToken);
            }

            // Looked at again until its lifecycle records it and removes the row (a report sent again can be lost too).
            await checks.RescheduleAsync(region, check, next, cancellationToken);
        }

        return new WorkItemSweepResult(due.Count, resent, silent);
    }
}
