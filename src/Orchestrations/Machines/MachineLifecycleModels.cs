using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.Orchestrations.Machines;

/// <summary>Durations and limits of a machine's lifecycle, passed in the input so tests and the local run compress time.</summary>
public sealed record LifecycleOptions
{
    /// <summary>Lower bound of the delta interval (1 hour).</summary>
    public TimeSpan MinimumCycleInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Upper bound of the delta interval (12 hours).</summary>
    public TimeSpan MaximumCycleInterval { get; init; } = TimeSpan.FromHours(12);

    /// <summary>A cycle (or cutover step) with no report after this long is silent.</summary>
    public TimeSpan ReportTimeout { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Failed or silent cycles in a row that make health Critical.</summary>
    public int CriticalAfter { get; init; } = 3;

    /// <summary>Free days per server from the start of its replication.</summary>
    public int FreeDays { get; init; } = 180;

    /// <summary>
    /// When the stored report of the work item in flight is first read, in case its event was lost (reports are
    /// stored before they are sent as events; the event is the fast path); later reads back off to the time the
    /// work has run, at most four times this.
    /// </summary>
    public TimeSpan ReportPollInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Cycles kept in the carried state and the custom status.</summary>
    public int RecentCycles { get; init; } = 8;

    /// <summary>
    /// Servers replicating at once per appliance (DOMAIN.md §5: 300 per appliance; 500 with scale-out); the rest
    /// queue. The hub's default; a project's <c>migrationSettings</c> override it.
    /// </summary>
    public int MaxConcurrentReplicationsPerAppliance { get; init; } = 300;

    /// <summary>
    /// How often a queued server checks for a free slot and refreshes its position (a server giving back its slot
    /// also wakes the first waiter at once).
    /// </summary>
    public TimeSpan QueueCheckInterval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>Settings of enable replication for one server (from the API).</summary>
public sealed record ReplicationSettings
{
    /// <summary>The project's region (where its storage is).</summary>
    public required string Region { get; init; }

    /// <summary>Appliance that replicates the server.</summary>
    public required string ApplianceId { get; init; }

    /// <summary>Where the server lands in Azure.</summary>
    public required TargetSettings Target { get; init; }

    /// <summary>The server's disks.</summary>
    public required MachineDisks Disks { get; init; }

    /// <summary>Agentless VMware or agent-based.</summary>
    public string Path { get; init; } = ReplicationPaths.AgentlessVmware;

    /// <summary>Cadence override set on the server.</summary>
    public TimeSpan? ServerCadence { get; init; }

    /// <summary>Cadence override set on the project.</summary>
    public TimeSpan? ProjectCadence { get; init; }

    /// <summary>Weekly windows without cycles or migrations.</summary>
    public IReadOnlyList<BlackoutWindow> Blackouts { get; init; } = [];

    /// <summary>Durations and limits from then on (null: keep the current ones).</summary>
    public LifecycleOptions? Options { get; init; }
}

/// <summary>A replication cycle as recorded.</summary>
/// <param name="Number">0 for the initial replication (or a resync), then 1, 2, ...</param>
/// <param name="Kind">A <see cref="WorkItemKinds"/> value.</param>
/// <param name="StartedAt">When the work item was issued.</param>
/// <param name="EndedAt">When its report arrived (or it went silent).</param>
/// <param name="Outcome">Succeeded, Failed or Silent.</param>
/// <param name="DelayBefore">The wait the schedule computed before this cycle.</param>
public sealed record CycleRecord(int Number, string Kind, DateTime StartedAt, DateTime? EndedAt, string? Outcome, TimeSpan DelayBefore)
{
    /// <summary>Duration of the cycle, once ended.</summary>
    public TimeSpan? Duration => EndedAt - StartedAt;
}

/// <summary>A work item the orchestration waits for.</summary>
/// <param name="WorkItemId">Its id.</param>
/// <param name="Kind">A <see cref="WorkItemKinds"/> value.</param>
/// <param name="Cycle">Cycle number.</param>
/// <param name="StartedAt">When it was issued.</param>
/// <param name="Deadline">When it is silent.</param>
/// <param name="DelayBefore">The wait the schedule computed before it.</param>
public sealed record InFlightWork(string WorkItemId, string Kind, int Cycle, DateTime StartedAt, DateTime Deadline, TimeSpan DelayBefore);

/// <summary>An enable waiting for a replication slot of its appliance.</summary>
/// <param name="RequestedAt">When replication was enabled (queue order).</param>
public sealed record QueueWait(DateTime RequestedAt)
{
    /// <summary>Rank among the appliance's waiters at the last check (1 = next).</summary>
    public int? Position { get; init; }

    /// <summary>When to check again.</summary>
    public DateTime CheckAt { get; init; }
}

/// <summary>Input of <see cref="AcquireReplicationSlotActivity"/> and <see cref="ReleaseReplicationSlotActivity"/>.</summary>
/// <param name="Region">The project's region.</param>
/// <param name="ProjectId">Project id.</param>
/// <param name="ApplianceId">Appliance.</param>
/// <param name="ServerId">Server.</param>
/// <param name="RequestedAt">When the server asked for a slot (null: it was not queued).</param>
/// <param name="DefaultLimit">The hub's limit (a project setting overrides it).</param>
/// <param name="Wake">Release: how many of the first waiters to answer so they can be woken.</param>
public sealed record SlotRequest(string Region, string ProjectId, string ApplianceId, string ServerId, DateTime? RequestedAt, int DefaultLimit, int Wake = 0);

/// <summary>A cutover requested (now or at a scheduled time).</summary>
/// <param name="PerformShutdown">Shut down the source before the final delta.</param>
/// <param name="At">Scheduled time, or null for now.</param>
public sealed record CutoverPlan(bool PerformShutdown, DateTime? At);

/// <summary>The migration part of the state a lifecycle carries through ContinueAsNew.</summary>
public sealed record MigrationCarry
{
    /// <summary>States (migrationState, testMigrateState, health).</summary>
    public MigrationItemState Item { get; init; } = MigrationItemState.Initial;

    /// <summary>Enable replication settings (null until enabled).</summary>
    public ReplicationSettings? Settings { get; init; }

    /// <summary>Seed disks (ids set once created).</summary>
    public MachineDisks? SeedDisks { get; init; }

    /// <summary>When replication started (free usage counts from here).</summary>
    public DateTime? ReplicationStartedAt { get; init; }

    /// <summary>Next cycle number.</summary>
    public int NextCycle { get; init; }

    /// <summary>Attempt counter that keeps work item ids unique across retries of a cycle number.</summary>
    public int Attempt { get; init; }

    /// <summary>The work item being waited for.</summary>
    public InFlightWork? InFlight { get; init; }

    /// <summary>Enable waiting for a replication slot.</summary>
    public QueueWait? Queue { get; init; }

    /// <summary>Whether the server holds a replication slot of its appliance.</summary>
    public bool SlotHeld { get; init; }

    /// <summary>When the next cycle is due.</summary>
    public DateTime? NextCycleAt { get; init; }

    /// <summary>The wait computed before the next cycle.</summary>
    public TimeSpan NextDelay { get; init; }

    /// <summary>Whether the last finished cycle was the initial replication.</summary>
    public bool LastWasInitial { get; init; }

    /// <summary>Health with its failure count.</summary>
    public ReplicationHealthState HealthState { get; init; } = ReplicationHealthState.Normal;

    /// <summary>Most recent cycles, oldest first.</summary>
    public IReadOnlyList<CycleRecord> Cycles { get; init; } = [];

    /// <summary>Delta cycles completed.</summary>
    public int DeltaCyclesCompleted { get; init; }

    /// <summary>A cutover waiting for its time or in progress.</summary>
    public CutoverPlan? Cutover { get; init; }

    /// <summary>The test VM.</summary>
    public string? TestVirtualMachineId { get; init; }

    /// <summary>The migrated VM.</summary>
    public string? VirtualMachineId { get; init; }

    /// <summary>The last operation refused or failure, with its reason.</summary>
    public string? LastMessage { get; init; }
}

/// <summary>Input (and carried state) of a machine's lifecycle.</summary>
/// <param name="ProjectId">Project id.</param>
/// <param name="ServerId">The discovered server's id.</param>
/// <param name="ServerName">Its name when discovered.</param>
/// <param name="State">Lifecycle stage (<see cref="MachineStates"/>).</param>
public sealed record MachineLifecycleRequest(string ProjectId, string ServerId, string ServerName, string State)
{
    /// <summary>Durations and limits (defaults: production).</summary>
    public LifecycleOptions? Options { get; init; }

    /// <summary>Migration state (null until replication is first enabled).</summary>
    public MigrationCarry? Migration { get; init; }
}

/// <summary>Custom status of a machine's lifecycle orchestration (also the migration item's view).</summary>
public sealed record MachineLifecycleStatus(string State, string ServerId, string ServerName, DateTime Since)
{
    /// <summary>
    /// This status with its free usage days left counted at <paramref name="at"/>: the lifecycle counts them when it
    /// publishes, which for a server with nothing due (paused, migrated and awaiting completion) can be days ago.
    /// Unchanged when no free usage is counted (replication not running).
    /// </summary>
    public MachineLifecycleStatus WithFreeUsageAt(DateTimeOffset at, int freeDays) =>
        FreeUsageDaysLeft is null || ReplicationStartedAt is not { } start
            ? this
            : this with { FreeUsageDaysLeft = new FreeUsagePolicy(freeDays).DaysLeft(new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)), at) };

    /// <summary>Project id.</summary>
    public string? ProjectId { get; init; }

    /// <summary>migrationState.</summary>
    public string MigrationState { get; init; } = MigrationStates.None;

    /// <summary>testMigrateState.</summary>
    public string TestMigrateState { get; init; } = TestMigrateStates.None;

    /// <summary>Replication health.</summary>
    public string Health { get; init; } = ReplicationHealths.None;

    /// <summary>What made health Warning or Critical.</summary>
    public string? HealthError { get; init; }

    /// <summary>allowedOperations.</summary>
    public IReadOnlyList<string> AllowedOperations { get; init; } = [];

    /// <summary>Whether the initial replication finished.</summary>
    public bool InitialReplicationCompleted { get; init; }

    /// <summary>
    /// Replication progress. In the lifecycle's own status (durable status API): 0 before, 100 once the initial
    /// replication finished. The migration item API (authoritative) fills in the in-flight seed's stored transfer
    /// progress instead of 0: whole percent rounded down, at most 99 until the initial replication (or a resync's
    /// seed) is recorded done.
    /// </summary>
    public int ReplicationProgressPercent { get; init; }

    /// <summary>
    /// Migration item API only (null in the lifecycle's own status): bytes copied so far by the cycle in progress, as
    /// its appliance last reported (<c>POST workItems/{id}/progress</c>); null before any report.
    /// </summary>
    public long? BytesTransferred { get; init; }

    /// <summary>Migration item API only: bytes the cycle in progress copies in all, as its appliance last reported.</summary>
    public long? TotalBytes { get; init; }

    /// <summary>Migration item API only: when the hub stored the cycle's last progress report.</summary>
    public DateTimeOffset? ProgressReportedAt { get; init; }

    /// <summary>Delta cycles completed.</summary>
    public int DeltaCyclesCompleted { get; init; }

    /// <summary>Last finished cycle.</summary>
    public CycleRecord? LastCycle { get; init; }

    /// <summary>Cycle in progress.</summary>
    public InFlightWork? CurrentCycle { get; init; }

    /// <summary>When the next cycle starts.</summary>
    public DateTime? NextCycleAt { get; init; }

    /// <summary>Recent cycles, oldest first.</summary>
    public IReadOnlyList<CycleRecord> Cycles { get; init; } = [];

    /// <summary>When replication started.</summary>
    public DateTime? ReplicationStartedAt { get; init; }

    /// <summary>Free usage days left (null before replication).</summary>
    public int? FreeUsageDaysLeft { get; init; }

    /// <summary>A scheduled cutover time.</summary>
    public DateTime? ScheduledCutoverAt { get; init; }

    /// <summary>Appliance replicating the server.</summary>
    public string? ApplianceId { get; init; }

    /// <summary>Test VM.</summary>
    public string? TestVirtualMachineId { get; init; }

    /// <summary>Migrated VM.</summary>
    public string? VirtualMachineId { get; init; }

    /// <summary>Last refusal or failure.</summary>
    public string? LastMessage { get; init; }

    /// <summary>While enable waits for a replication slot of its appliance: rank among the waiters (1 = next); else null.</summary>
    public int? ReplicationQueuePosition { get; init; }

    /// <summary>While queued: when replication was enabled (queue order).</summary>
    public DateTime? ReplicationQueuedAt { get; init; }
}

/// <summary>An event sent to a machine's lifecycle: a user operation or an appliance report.</summary>
/// <param name="Name">Event kind: <see cref="MachineEventNames"/>.</param>
public sealed record MachineEvent(string Name)
{
    /// <summary>The user operation.</summary>
    public MigrationOperation? Operation { get; init; }

    /// <summary>Settings of enable replication.</summary>
    public ReplicationSettings? Settings { get; init; }

    /// <summary>Migrate: shut down the source first.</summary>
    public bool PerformShutdown { get; init; }

    /// <summary>Migrate: scheduled time (null: now). Migrate with <see cref="CancelSchedule"/> cancels a scheduled one.</summary>
    public DateTime? ScheduledAt { get; init; }

    /// <summary>Cancel the scheduled cutover.</summary>
    public bool CancelSchedule { get; init; }

    /// <summary>Appliance report.</summary>
    public WorkItemReport? Report { get; init; }
}

/// <summary>Event kinds.</summary>
public static class MachineEventNames
{
    /// <summary>A user operation.</summary>
    public const string Operation = "Operation";

    /// <summary>An appliance report on a work item.</summary>
    public const string WorkItemReported = "WorkItemReported";

    /// <summary>A replication slot of the appliance was given back: a queued server checks again at once.</summary>
    public const string SlotFreed = "SlotFreed";
}

/// <summary>Lifecycle stages of a machine.</summary>
public static class MachineStates
{
    /// <summary>Discovered by an appliance or an import.</summary>
    public const string Discovered = "Discovered";

    /// <summary>Replication enabled.</summary>
    public const string Replicating = "Replicating";

    /// <summary>Cut over to Azure.</summary>
    public const string Migrated = "Migrated";

    /// <summary>Migration completed.</summary>
    public const string Completed = "Completed";
}

/// <summary>Input of the provisioning activities.</summary>
/// <param name="Target">Target settings.</param>
/// <param name="Disks">Disks (seed disks for test and cutover).</param>
public sealed record ProvisionStepRequest(TargetSettings Target, MachineDisks Disks);

/// <summary>Input of <see cref="RecordMigrationActivity"/>.</summary>
/// <param name="Region">The project's region.</param>
/// <param name="ProjectId">Project id.</param>
/// <param name="ServerId">Server id.</param>
/// <param name="Status">The item's status to store.</param>
/// <param name="WorkItem">A work item to issue (idempotent by id), or null.</param>
/// <param name="ReplicationEndedAt">When replication stopped (completion or disable), for usage.</param>
public sealed record MigrationRecordRequest(string Region, string ProjectId, string ServerId, MachineLifecycleStatus Status, WorkItem? WorkItem, DateTime? ReplicationEndedAt)
{
    /// <summary>Work items the lifecycle stopped waiting for (pause, disable, resync, cutover): cancelled if still pending.</summary>
    public IReadOnlyList<string>? CancelledWorkItemIds { get; init; }

    /// <summary>The check of <see cref="WorkItem"/> for the sweep (when to look first, when it is silent).</summary>
    public WorkItemCheck? Check { get; init; }

    /// <summary>Work items whose report this record takes in (their checks are removed, as those of cancelled ones).</summary>
    public IReadOnlyList<string>? ClosedWorkItemIds { get; init; }

    /// <summary>The record of an enable (a new replication): the stored row is replaced.</summary>
    public bool NewReplication { get; init; }
}
