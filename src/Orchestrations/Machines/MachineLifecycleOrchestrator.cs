using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Migration;

namespace MigrateHub.Orchestrations.Machines;

/// <summary>
/// The long-lived lifecycle of one discovered machine, instance id <c>{projectId}:{serverId}</c>
/// (see <see cref="InstanceId"/>), started once per server by ingestion in the stage Discovered. Each
/// execution handles what is due (a replication cycle, a queue check, a scheduled cutover), waits
/// for one <see cref="MachineEvent"/> (a user operation, an appliance report, or a silent report from the check sweep) or the next deadline,
/// handles it, records the migration item and renews itself with ContinueAsNew carrying its state in
/// the input, so its history stays small however long the server replicates. Completing the migration
/// ends the orchestration; its custom status stays readable.
/// </summary>
public sealed class MachineLifecycleOrchestrator : TaskOrchestrator<MachineLifecycleRequest, string>
{
    /// <summary>Name of the external event.</summary>
    public const string EventName = nameof(MachineEvent);

    /// <summary>Deadlines handled in one execution before it renews its history without an event.</summary>
    public const int MaxWakesPerExecution = 4;

    /// <summary>The instance id of a machine's lifecycle (server ids are escaped for the durable store).</summary>
    public static string InstanceId(string projectId, string serverId) => projectId + ":" + DiscoveryTables.Escape(serverId);

    /// <inheritdoc />
    public override async Task<string> RunAsync(TaskOrchestrationContext context, MachineLifecycleRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var run = new LifecycleRun(context, input);
        // Published before any await: a run that starts with an activity (a due check after ContinueAsNew) would
        // otherwise show no status until that activity returned, and an operation sent then would see a bare lifecycle.
        run.Publish();

        // What fell due while the previous execution recorded its step (a cycle whose short delay passed meanwhile) is
        // handled and recorded before the wait: a work item issued here reaches the appliance only once recorded.
        // (Until session 6 it was recorded only at the next deadline, the report check: cycles started late under load.)
        await run.AdvanceAsync();

        // One wait for the next event serves the whole execution. It is never cancelled: the SDK keeps a cancelled
        // waiter on its stack and hands it the next event, which is then lost (measured: most reports that arrived
        // while the lifecycle recorded a newly issued cycle were lost that way). A deadline that comes first is handled
        // in this same execution, and the execution renews itself with ContinueAsNew after the event (a report, an
        // operation) that ends the step: about once per replication cycle. Deadlines alone renew the history after
        // MaxWakesPerExecution (events the engine delivers after ContinueAsNew go to the next execution).
        // While a work item is in flight there is no deadline: its report comes as an event, and the work item check
        // sweep (a timer function) sends a stored report again if its event was lost, or a silent report at its deadline.
        var eventTask = context.WaitForExternalEvent<MachineEvent>(EventName);
        for (var wakes = 1; ; wakes++)
        {
            if (run.NextDeadline() is not { } deadline)
            {
                // Nothing due (a work item in flight, a discovered server, a paused replication, a migrated server
                // awaiting completion): no timer. The history does not grow while waiting, and a timer beaten by the
                // event stays a queued message until it fires: a wasted episode, and a resident message every dequeue
                // of the local storage emulator sorts again.
                await eventTask;
                break;
            }

            using var cts = new CancellationTokenSource();
            var timerTask = context.CreateTimer(deadline, cts.Token);
            if (await Task.WhenAny(eventTask, timerTask) == eventTask)
            {
                // Not CancelAsync: its callbacks run on the thread pool, and an orchestrator may only await durable tasks.
#pragma warning disable CA1849
                cts.Cancel();
#pragma warning restore CA1849
                break;
            }

            await run.AdvanceAsync();
            if (eventTask.IsCompleted || wakes >= MaxWakesPerExecution)
            {
                break;
            }
        }

        // The event won the wait, or came while a deadline's work was recorded.
        if (eventTask.IsCompleted)
        {
            await run.HandleEventAsync(eventTask.Result);
        }

        await run.AdvanceAsync();
        if (run.Finished)
        {
            return run.Stage;
        }

        context.ContinueAsNew(run.NextInput(), preserveUnprocessedEvents: true);
        return run.Stage;
    }
}

internal sealed class LifecycleRun(TaskOrchestrationContext context, MachineLifecycleRequest input)
{
    private LifecycleOptions _options = input.Options ?? new LifecycleOptions();
    private MigrationCarry _m = input.Migration ?? new MigrationCarry();
    private WorkItem? _workItem;
    private DateTime? _replicationEndedAt;
    private bool _newReplication;
    private readonly List<string> _cancelled = [];
    private readonly List<string> _closed = [];
    private WorkItemCheck? _check;
    private bool _dirty;
    private bool _changed;
    private MachineLifecycleStatus? _status;

    public string Stage { get; private set; } = input.State;

    public bool Finished { get; private set; }

    private DateTime Now => context.CurrentUtcDateTime;

    private ReplicationSchedule Schedule => new(_options.MinimumCycleInterval, _options.MaximumCycleInterval);

    public MachineLifecycleRequest NextInput() => input with { State = Stage, Options = input.Options is null && !_changed ? null : _options, Migration = input.Migration is null && !_changed ? null : _m };

    /// <summary>When the lifecycle must wake without an event, or null when nothing is due.</summary>
    public DateTime? NextDeadline()
    {
        // While a work item is in flight only a queue check can be due: the next cycle follows the report, and a
        // scheduled cutover starts once the work in flight is reported (waking for it earlier would find it not startable).
        var idle = _m.InFlight is null;
        DateTime?[] due =
        [
            idle ? _m.NextCycleAt : null,
            idle ? _m.Cutover?.At : null,
            _m.Queue?.CheckAt,
        ];
        var deadline = due.Min();
        return deadline < Now ? Now : deadline;
    }

    public void Publish()
    {
        var item = _m.Item;
        var active = _m.ReplicationStartedAt is not null && item.MigrationState != MigrationStates.None && !item.Completed;
        _status = new MachineLifecycleStatus(Stage, input.ServerId, input.ServerName, Now)
        {
            ProjectId = input.ProjectId,
            MigrationState = item.MigrationState,
            TestMigrateState = item.TestMigrateState,
            Health = item.Health,
            HealthError = item.Health is ReplicationHealths.Warning or ReplicationHealths.Critical ? _m.HealthState.LastError : null,
            AllowedOperations = MigrationStateMachine.AllowedOperations(item),
            InitialReplicationCompleted = item.InitialReplicationCompleted,
            ReplicationProgressPercent = item.InitialReplicationCompleted ? 100 : 0,
            DeltaCyclesCompleted = _m.DeltaCyclesCompleted,
            LastCycle = _m.Cycles.Count > 0 ? _m.Cycles[^1] : null,
            CurrentCycle = _m.InFlight,
            NextCycleAt = _m.InFlight is null ? _m.NextCycleAt : null,
            Cycles = _m.Cycles,
            ReplicationStartedAt = _m.ReplicationStartedAt,
            FreeUsageDaysLeft = active ? new FreeUsagePolicy(_options.FreeDays).DaysLeft(_m.ReplicationStartedAt!.Value, Now) : null,
            ScheduledCutoverAt = _m.Cutover?.At,
            ApplianceId = _m.Settings?.ApplianceId,
            TestVirtualMachineId = _m.TestVirtualMachineId,
            VirtualMachineId = _m.VirtualMachineId,
            LastMessage = _m.LastMessage,
            ReplicationQueuePosition = _m.Queue?.Position,
            ReplicationQueuedAt = _m.Queue?.RequestedAt,
        };
        context.SetCustomStatus(_status);
    }

    /// <summary>Handles what is due, publishes the status and records what changed.</summary>
    public async Task AdvanceAsync()
    {
        await HandleDueAsync();
        Publish();
        await RecordAsync();
    }

    private async Task RecordAsync()
    {
        if (!_dirty || _m.Settings is null)
        {
            return;
        }

        await context.CallActivityAsync<bool>(nameof(RecordMigrationActivity),
            new MigrationRecordRequest(_m.Settings.Region, input.ProjectId, input.ServerId, _status!, _workItem, _replicationEndedAt)
            {
                CancelledWorkItemIds = _cancelled.Count > 0 ? [.. _cancelled] : null,
                ClosedWorkItemIds = _closed.Count > 0 ? [.. _closed] : null,
                Check = _check,
                NewReplication = _newReplication,
            }, Retries.Transient);

        // Recorded: a later record in this execution (after the next deadline or event) writes only what changed since.
        _dirty = false;
        _workItem = null;
        _replicationEndedAt = null;
        _newReplication = false;
        _cancelled.Clear();
        _closed.Clear();
        _check = null;
    }

    public async Task HandleEventAsync(MachineEvent e)
    {
        if (e.Report is { } report)
        {
            await HandleReportAsync(report);
        }
        else if (e.Operation is { } operation)
        {
            await HandleOperationAsync(operation, e);
        }
        else if (e.Name == MachineEventNames.SlotFreed && _m.Queue is { } queue)
        {
            Carry(_m with { Queue = queue with { CheckAt = Now } });
        }
    }

    private async Task HandleDueAsync()
    {
        var now = Now;
        if (_m.Queue is { } queue && queue.CheckAt <= now && _m.Item.MigrationState == MigrationStates.EnableMigrationInProgress && await TakeSlotAsync())
        {
            await CreateSeedDisksAsync();
        }

        if (_m.Cutover is { At: { } at } plan && at <= now && _m.InFlight is null)
        {
            Change(_m with { Cutover = null });
            var decision = MigrationStateMachine.Decide(_m.Item, MigrationOperation.Migrate);
            if (decision.Allowed)
            {
                StartCutover(decision.Next, plan.PerformShutdown);
            }
            else
            {
                Change(_m with { LastMessage = "The scheduled cutover could not start: " + decision.Reason });
            }
        }

        if (_m.InFlight is null && _m.NextCycleAt is { } due && due <= now
            && _m.Item.MigrationState is MigrationStates.Replicating or MigrationStates.InitialSeedingInProgress)
        {
            var blackouts = _m.Settings?.Blackouts ?? [];
            var allowedAt = Blackouts.NextAllowedStart(blackouts, new DateTimeOffset(now, TimeSpan.Zero)).UtcDateTime;
            if (allowedAt > now)
            {
                Change(_m with { NextCycleAt = allowedAt });
            }
            else
            {
                Issue(_m.Item.InitialReplicationCompleted ? WorkItemKinds.Delta : WorkItemKinds.InitialSeed, _m.NextDelay);
            }
        }
    }

    private async Task HandleOperationAsync(MigrationOperation operation, MachineEvent e)
    {
        var decision = MigrationStateMachine.Decide(_m.Item, operation);
        if (!decision.Allowed)
        {
            if (operation == MigrationOperation.Migrate && e.CancelSchedule && _m.Cutover is not null)
            {
                Change(_m with { Cutover = null, LastMessage = "Scheduled cutover cancelled." });
                return;
            }

            context.CreateReplaySafeLogger<MachineLifecycleOrchestrator>().LogOperationRefused(input.ProjectId, input.ServerId, operation.ToString(), decision.Reason ?? string.Empty);
            Change(_m with { LastMessage = decision.Reason });
            return;
        }

        switch (operation)
        {
            case MigrationOperation.EnableReplication:
                await EnableAsync(decision.Next, e.Settings);
                break;
            case MigrationOperation.TestMigrate:
                await TestMigrateAsync(decision.Next);
                break;
            case MigrationOperation.TestMigrateCleanup:
                await CleanupTestAsync(decision.Next);
                break;
            case MigrationOperation.Migrate when e.CancelSchedule:
                Change(_m with { Cutover = null, LastMessage = "Scheduled cutover cancelled." });
                break;
            case MigrationOperation.Migrate when e.ScheduledAt is { } at && at > Now:
                Change(_m with { Cutover = new CutoverPlan(e.PerformShutdown, at), LastMessage = null });
                break;
            case MigrationOperation.Migrate:
                StartCutover(decision.Next, e.PerformShutdown);
                break;
            case MigrationOperation.CompleteMigration:
            case MigrationOperation.DisableReplication:
                await DisableAsync(decision.Next);
                break;
            case MigrationOperation.PauseReplication:
                Abandon();
                Change(_m with { Item = MigrationStateMachine.Apply(decision.Next, MigrationOutcome.PauseCompleted), InFlight = null, NextCycleAt = null, Cutover = null, LastMessage = null });
                break;
            case MigrationOperation.ResumeReplication:
                Change(_m with { Item = MigrationStateMachine.Apply(decision.Next, MigrationOutcome.ResumeCompleted), NextCycleAt = Now, NextDelay = TimeSpan.Zero, LastMessage = null });
                break;
            case MigrationOperation.Resync:
                Abandon();
                Change(_m with { Item = decision.Next with { InitialReplicationCompleted = false }, InFlight = null, NextCycleAt = null, LastMessage = null });
                Issue(WorkItemKinds.InitialSeed, TimeSpan.Zero);
                break;
            default:
                break;
        }
    }

    private async Task EnableAsync(Shared.Migration.MigrationItemState next, ReplicationSettings? settings)
    {
        if (settings is null)
        {
            Change(_m with { LastMessage = "Enable replication needs target settings." });
            return;
        }

        Stage = MachineStates.Replicating;
        _options = settings.Options ?? _options;
        _newReplication = true;
        Change(new MigrationCarry
        {
            Item = next,
            Settings = settings,
            ReplicationStartedAt = Now,
            NextCycle = _m.NextCycle,
            HealthState = ReplicationHealthState.Normal,
            Queue = new QueueWait(Now) { CheckAt = Now },
        });
        Publish();
        if (await TakeSlotAsync())
        {
            await CreateSeedDisksAsync();
        }
    }

    /// <summary>Takes a replication slot of the appliance, or stays queued with its position (checked again later or when woken).</summary>
    private async Task<bool> TakeSlotAsync()
    {
        var queue = _m.Queue!;
        var settings = _m.Settings!;
        var answer = await context.CallActivityAsync<SlotAnswer>(nameof(AcquireReplicationSlotActivity),
            new SlotRequest(settings.Region, input.ProjectId, settings.ApplianceId, input.ServerId, queue.RequestedAt, _options.MaxConcurrentReplicationsPerAppliance),
            Retries.Transient);
        if (answer.Acquired)
        {
            Change(_m with { Queue = null, SlotHeld = true, Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.SlotAcquired) });
            return true;
        }

        var waiting = queue with { Position = answer.Position, CheckAt = Now + _options.QueueCheckInterval };
        if (answer.Position == queue.Position && _m.Item.Queued)
        {
            Carry(_m with { Queue = waiting });
        }
        else
        {
            Change(_m with { Queue = waiting, Item = _m.Item with { Queued = true } });
        }

        return false;
    }

    /// <summary>Gives back the slot (or leaves the queue); a freed slot wakes the first waiter.</summary>
    private async Task ReleaseSlotAsync(QueueWait? queued)
    {
        if (!_m.SlotHeld && queued is null)
        {
            return;
        }

        var settings = _m.Settings!;
        var wake = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(ReleaseReplicationSlotActivity),
            new SlotRequest(settings.Region, input.ProjectId, settings.ApplianceId, input.ServerId, queued?.RequestedAt, _options.MaxConcurrentReplicationsPerAppliance,
                Wake: _m.SlotHeld ? 1 : 0), Retries.Transient);
        foreach (var server in wake.Where(w => w != input.ServerId))
        {
            context.SendEvent(MachineLifecycleOrchestrator.InstanceId(input.ProjectId, server), MachineLifecycleOrchestrator.EventName,
                new MachineEvent(MachineEventNames.SlotFreed));
        }

        Change(_m with { SlotHeld = false, Queue = null });
    }

    private async Task CreateSeedDisksAsync()
    {
        var settings = _m.Settings!;
        Publish();
        try
        {
            var seeds = await context.CallActivityAsync<Shared.Provisioning.MachineDisks>(nameof(CreateSeedDisksActivity),
                new ProvisionStepRequest(settings.Target, settings.Disks), Retries.Provisioning);
            Change(_m with { SeedDisks = seeds, Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.SeedDisksCreated) });
            Issue(WorkItemKinds.InitialSeed, TimeSpan.Zero);
        }
        catch (TaskFailedException ex)
        {
            Change(_m with { Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.EnableFailed), LastMessage = ex.FailureDetails.ErrorMessage });
            await ReleaseSlotAsync(null);
        }
    }

    private async Task TestMigrateAsync(Shared.Migration.MigrationItemState next)
    {
        Change(_m with { Item = next, LastMessage = null });
        Publish();
        try
        {
            var vm = await context.CallActivityAsync<Shared.Provisioning.ProvisionedResources>(nameof(CreateTestMigrationActivity),
                new ProvisionStepRequest(_m.Settings!.Target, _m.SeedDisks!), Retries.Provisioning);
            Change(_m with { Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.TestMigrationSucceeded), TestVirtualMachineId = vm.VirtualMachineId });
        }
        catch (TaskFailedException ex)
        {
            Change(_m with { Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.TestMigrationFailed), LastMessage = ex.FailureDetails.ErrorMessage });
        }
    }

    private async Task CleanupTestAsync(Shared.Migration.MigrationItemState next)
    {
        var before = _m.Item;
        Change(_m with { Item = next, LastMessage = null });
        Publish();
        try
        {
            await context.CallActivityAsync<Shared.Provisioning.CleanupResult>(nameof(CleanupTestMigrationActivity), _m.Settings!.Target, Retries.Transient);
            Change(_m with { Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.TestCleanupCompleted), TestVirtualMachineId = null });
        }
        catch (TaskFailedException ex)
        {
            Change(_m with { Item = before, LastMessage = "Test migrate cleanup failed: " + ex.FailureDetails.ErrorMessage });
        }
    }

    private void StartCutover(Shared.Migration.MigrationItemState next, bool performShutdown)
    {
        Abandon();
        if (Blackouts.IsInside(_m.Settings?.Blackouts ?? [], new DateTimeOffset(Now, TimeSpan.Zero)))
        {
            Change(_m with
            {
                Item = MigrationStateMachine.Apply(next, MigrationOutcome.MigrationFailed),
                InFlight = null, NextCycleAt = null, Cutover = null,
                LastMessage = "The migration started inside a blackout window and failed; start it outside the window.",
            });
            return;
        }

        Change(_m with { Item = next, InFlight = null, NextCycleAt = null, Cutover = new CutoverPlan(performShutdown, null), LastMessage = null });
        Issue(performShutdown ? WorkItemKinds.SourceShutdown : WorkItemKinds.FinalDelta, TimeSpan.Zero);
    }

    private async Task DisableAsync(Shared.Migration.MigrationItemState next)
    {
        var testToClean = _m.TestVirtualMachineId is not null || _m.Item.TestMigrateState != TestMigrateStates.None;
        var queued = _m.Queue;
        Abandon();
        Change(_m with { Item = next, InFlight = null, NextCycleAt = null, Cutover = null, LastMessage = null, Queue = null });
        Publish();
        try
        {
            var settings = _m.Settings!;
            if (testToClean)
            {
                await context.CallActivityAsync<Shared.Provisioning.CleanupResult>(nameof(CleanupTestMigrationActivity), settings.Target, Retries.Transient);
            }

            if (_m.SeedDisks is { } seeds)
            {
                await context.CallActivityAsync<Shared.Provisioning.CleanupResult>(nameof(DeleteSeedDisksActivity), new ProvisionStepRequest(settings.Target, seeds), Retries.Transient);
            }

            await ReleaseSlotAsync(queued);
            var after = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.DisableCompleted);
            _replicationEndedAt = Now;
            Change(_m with { Item = after, SeedDisks = null, TestVirtualMachineId = null, HealthState = ReplicationHealthState.Normal });
            if (after.Completed)
            {
                Stage = MachineStates.Completed;
                Finished = true;
            }
            else
            {
                Stage = MachineStates.Discovered;
            }
        }
        catch (TaskFailedException ex)
        {
            Change(_m with { Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.DisableFailed), LastMessage = ex.FailureDetails.ErrorMessage });
        }
    }

    private async Task HandleReportAsync(WorkItemReport report)
    {
        if (_m.InFlight is not { } work || work.WorkItemId != report.WorkItemId)
        {
            context.CreateReplaySafeLogger<MachineLifecycleOrchestrator>().LogStaleReport(input.ProjectId, input.ServerId, report.WorkItemId);
            return;
        }

        var now = Now;
        var outcome = report.Succeeded ? CycleOutcome.Succeeded : report.Silent ? CycleOutcome.Silent : CycleOutcome.Failed;
        var cycle = new CycleRecord(work.Cycle, work.Kind, work.StartedAt, now, outcome.ToString(), work.DelayBefore);
        var cycles = _m.Cycles.Append(cycle).TakeLast(_options.RecentCycles).ToArray();
        _closed.Add(work.WorkItemId);
        Change(_m with { InFlight = null, Cycles = cycles });

        switch (work.Kind)
        {
            case WorkItemKinds.InitialSeed:
            case WorkItemKinds.Delta:
                var health = _m.HealthState.After(outcome, report.Error, _options.CriticalAfter);
                var item = _m.Item with { Health = health.Health };
                var initialDone = report.Succeeded && work.Kind == WorkItemKinds.InitialSeed;
                if (initialDone)
                {
                    item = MigrationStateMachine.Apply(item, MigrationOutcome.InitialReplicationCompleted);
                }

                var settings = _m.Settings!;
                var delay = Schedule.NextDelay(now - work.StartedAt, initialDone, settings.ServerCadence, settings.ProjectCadence);
                Change(_m with
                {
                    Item = item,
                    HealthState = health,
                    LastWasInitial = initialDone,
                    DeltaCyclesCompleted = _m.DeltaCyclesCompleted + (report.Succeeded && work.Kind == WorkItemKinds.Delta ? 1 : 0),
                    NextCycleAt = now + delay,
                    NextDelay = delay,
                });
                break;
            case WorkItemKinds.SourceShutdown when report.Succeeded:
                Issue(WorkItemKinds.FinalDelta, TimeSpan.Zero);
                break;
            case WorkItemKinds.FinalDelta when report.Succeeded:
                await CutOverAsync();
                break;
            default:
                Change(_m with
                {
                    Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.MigrationFailed),
                    Cutover = null,
                    LastMessage = $"Cutover failed at {work.Kind}: {report.Error ?? "no reason given"}",
                });
                break;
        }
    }

    private async Task CutOverAsync()
    {
        Publish();
        try
        {
            var vm = await context.CallActivityAsync<Shared.Provisioning.ProvisionedResources>(nameof(CreateCutoverActivity),
                new ProvisionStepRequest(_m.Settings!.Target, _m.SeedDisks!), Retries.Provisioning);
            Stage = MachineStates.Migrated;
            Change(_m with { Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.MigrationSucceeded), VirtualMachineId = vm.VirtualMachineId, Cutover = null });
        }
        catch (TaskFailedException ex)
        {
            Change(_m with { Item = MigrationStateMachine.Apply(_m.Item, MigrationOutcome.MigrationFailed), Cutover = null, LastMessage = ex.FailureDetails.ErrorMessage });
        }
    }

    private void Issue(string kind, TimeSpan delayBefore)
    {
        var settings = _m.Settings!;
        var now = Now;
        var number = _m.NextCycle;
        var id = WorkItem.IdFor(DiscoveryTables.Escape(input.ServerId), number, kind, 0);
        var issuedAt = new DateTimeOffset(now, TimeSpan.Zero);
        _workItem = new WorkItem(id, input.ProjectId, settings.ApplianceId, input.ServerId, kind, number, issuedAt, settings.Path,
            (_m.SeedDisks?.Disks ?? []).Select(d => d.SeedDiskResourceId ?? d.DiskId).ToArray());
        var deadline = now + _options.ReportTimeout;
        _check = new WorkItemCheck(input.ProjectId, settings.ApplianceId, input.ServerId, id, issuedAt, issuedAt + _options.ReportPollInterval,
            new DateTimeOffset(deadline, TimeSpan.Zero), _options.ReportPollInterval);
        Change(_m with
        {
            InFlight = new InFlightWork(id, kind, number, now, deadline, delayBefore),
            NextCycle = number + 1,
            NextCycleAt = null,
        });
    }

    private void Change(MigrationCarry next)
    {
        _m = next;
        _dirty = true;
        _changed = true;
    }

    /// <summary>Changes carried state that the stored item does not show (no record needed).</summary>
    private void Carry(MigrationCarry next)
    {
        _m = next;
        _changed = true;
    }

    /// <summary>The work item in flight is no longer waited for: it is cancelled with the next record.</summary>
    private void Abandon()
    {
        if (_m.InFlight is { } work)
        {
            _cancelled.Add(work.WorkItemId);
        }
    }
}

internal static partial class MachineLifecycleLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Machine {ProjectId}/{ServerId}: {Operation} refused: {Reason}")]
    public static partial void LogOperationRefused(this ILogger logger, string projectId, string serverId, string operation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Machine {ProjectId}/{ServerId}: report for work item {WorkItemId} ignored (not the one in flight)")]
    public static partial void LogStaleReport(this ILogger logger, string projectId, string serverId, string workItemId);
}
