namespace MigrateHub.Shared.Migration;

/// <summary>The migration-facing state of one server.</summary>
/// <param name="MigrationState">A <see cref="MigrationStates"/> value.</param>
/// <param name="TestMigrateState">A <see cref="TestMigrateStates"/> value.</param>
/// <param name="Health">A <see cref="ReplicationHealths"/> value.</param>
/// <param name="InitialReplicationCompleted">Whether the initial replication has finished (recovery points exist).</param>
/// <param name="Migrated">The cutover created the Azure VM.</param>
/// <param name="Completed">Migration completed: replication stopped, seed disks deleted; nothing more is allowed.</param>
/// <param name="Queued">Enable replication waits for a replication slot of its appliance (migrationState stays EnableMigrationInProgress).</param>
public sealed record MigrationItemState(
    string MigrationState = MigrationStates.None,
    string TestMigrateState = TestMigrateStates.None,
    string Health = ReplicationHealths.None,
    bool InitialReplicationCompleted = false,
    bool Migrated = false,
    bool Completed = false,
    bool Queued = false)
{
    /// <summary>A discovered server with replication not enabled.</summary>
    public static MigrationItemState Initial { get; } = new();
}

/// <summary>The answer to a user operation.</summary>
/// <param name="Allowed">Whether the operation may run now.</param>
/// <param name="Next">The state once the operation is accepted (the current state when refused).</param>
/// <param name="AllowedOperations">The operations allowed in the current state.</param>
/// <param name="Reason">Why it was refused (null when allowed).</param>
public sealed record OperationDecision(bool Allowed, MigrationItemState Next, IReadOnlyList<string> AllowedOperations, string? Reason);

/// <summary>What happened to a running operation (reported by activities and the appliance).</summary>
public enum MigrationOutcome
{
    /// <summary>Seed disks exist; initial replication starts.</summary>
    SeedDisksCreated,
    /// <summary>A queued enable got a replication slot of its appliance.</summary>
    SlotAcquired,
    /// <summary>Seed disks could not be created.</summary>
    EnableFailed,
    /// <summary>Initial replication (or a resync) finished.</summary>
    InitialReplicationCompleted,
    /// <summary>Initial replication failed.</summary>
    InitialReplicationFailed,
    /// <summary>The test VM exists.</summary>
    TestMigrationSucceeded,
    /// <summary>The test VM could not be created.</summary>
    TestMigrationFailed,
    /// <summary>Test resources deleted.</summary>
    TestCleanupCompleted,
    /// <summary>The Azure VM exists.</summary>
    MigrationSucceeded,
    /// <summary>Cutover failed.</summary>
    MigrationFailed,
    /// <summary>Replication stopped and seed disks deleted.</summary>
    DisableCompleted,
    /// <summary>Disable failed.</summary>
    DisableFailed,
    /// <summary>Replication paused.</summary>
    PauseCompleted,
    /// <summary>Replication resumed.</summary>
    ResumeCompleted,
}

/// <summary>
/// The migration state machine of DOMAIN.md §5: which <c>allowedOperations</c> each state has, what a
/// user operation moves the state to, and what an outcome of a running operation moves it to. Pure.
/// </summary>
public static class MigrationStateMachine
{
    private static readonly string[] NoOperations = [];

    /// <summary>The <c>allowedOperations</c> of a state, in DOMAIN.md's order.</summary>
    public static IReadOnlyList<string> AllowedOperations(MigrationItemState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Completed)
        {
            return NoOperations;
        }

        var test = state.TestMigrateState;
        var testIdle = test == TestMigrateStates.None;
        var testBusy = test is TestMigrateStates.TestMigrationInProgress or TestMigrateStates.TestMigrationCleanupInProgress;
        var testNeedsCleanup = !testIdle && !testBusy;
        var ops = new List<string>();
        switch (state.MigrationState)
        {
            case MigrationStates.EnableMigrationInProgress when state.Queued:
            case MigrationStates.EnableMigrationFailed:
            case MigrationStates.DisableMigrationFailed:
            case MigrationStates.InitialSeedingInProgress:
                ops.Add(AllowedOperationNames.DisableMigration);
                break;
            case MigrationStates.InitialSeedingFailed:
                ops.Add(AllowedOperationNames.DisableMigration);
                ops.Add(AllowedOperationNames.StartResync);
                break;
            case MigrationStates.Replicating:
                if (!testBusy)
                {
                    ops.Add(AllowedOperationNames.DisableMigration);
                }

                if (testIdle)
                {
                    ops.Add(AllowedOperationNames.Migrate);
                    ops.Add(AllowedOperationNames.PauseReplication);
                    ops.Add(AllowedOperationNames.StartResync);
                    ops.Add(AllowedOperationNames.TestMigrate);
                }

                if (testNeedsCleanup)
                {
                    ops.Add(AllowedOperationNames.TestMigrateCleanup);
                }

                break;
            case MigrationStates.ProtectionSuspended:
                ops.Add(AllowedOperationNames.DisableMigration);
                ops.Add(AllowedOperationNames.ResumeReplication);
                break;
            case MigrationStates.MigrationFailed:
            case MigrationStates.MigrationPartiallySucceeded:
                ops.Add(AllowedOperationNames.DisableMigration);
                ops.Add(AllowedOperationNames.Migrate);
                break;
            case MigrationStates.MigrationSucceeded:
                ops.Add(AllowedOperationNames.DisableMigration);
                break;
            default:
                break;
        }

        return ops;
    }

    /// <summary>Whether a user operation is allowed, and the state it moves to.</summary>
    public static OperationDecision Decide(MigrationItemState state, MigrationOperation operation)
    {
        ArgumentNullException.ThrowIfNull(state);
        var allowed = AllowedOperations(state);
        bool Has(string name) => allowed.Contains(name);
        MigrationItemState? next = operation switch
        {
            MigrationOperation.EnableReplication when state.MigrationState == MigrationStates.None && !state.Completed =>
                state with { MigrationState = MigrationStates.EnableMigrationInProgress, TestMigrateState = TestMigrateStates.None, Health = ReplicationHealths.Normal, InitialReplicationCompleted = false },
            MigrationOperation.TestMigrate when Has(AllowedOperationNames.TestMigrate) =>
                state with { TestMigrateState = TestMigrateStates.TestMigrationInProgress },
            MigrationOperation.TestMigrateCleanup when Has(AllowedOperationNames.TestMigrateCleanup) =>
                state with { TestMigrateState = TestMigrateStates.TestMigrationCleanupInProgress },
            MigrationOperation.Migrate when Has(AllowedOperationNames.Migrate) =>
                state with { MigrationState = MigrationStates.MigrationInProgress },
            MigrationOperation.CompleteMigration when state.MigrationState == MigrationStates.MigrationSucceeded && Has(AllowedOperationNames.DisableMigration) =>
                state with { MigrationState = MigrationStates.DisableMigrationInProgress },
            MigrationOperation.DisableReplication when Has(AllowedOperationNames.DisableMigration) =>
                state with { MigrationState = MigrationStates.DisableMigrationInProgress },
            MigrationOperation.PauseReplication when Has(AllowedOperationNames.PauseReplication) =>
                state with { MigrationState = MigrationStates.SuspendingProtection },
            MigrationOperation.ResumeReplication when Has(AllowedOperationNames.ResumeReplication) =>
                state with { MigrationState = MigrationStates.ResumeInProgress },
            MigrationOperation.Resync when Has(AllowedOperationNames.StartResync) =>
                state with { MigrationState = MigrationStates.InitialSeedingInProgress },
            _ => null,
        };

        if (next is not null)
        {
            return new OperationDecision(true, next, allowed, null);
        }

        var reason = state.Completed
            ? $"The migration of this server is complete; {operation} is not allowed and no operation is."
            : operation switch
            {
                MigrationOperation.EnableReplication =>
                    $"Replication is already enabled (migrationState {state.MigrationState}); disable it first.",
                MigrationOperation.CompleteMigration =>
                    $"Complete migration needs migrationState {MigrationStates.MigrationSucceeded}; it is {state.MigrationState}.",
                _ => $"{operation} is not allowed in migrationState {state.MigrationState} with testMigrateState {state.TestMigrateState}.",
            };
        var list = allowed.Count == 0 ? "none" : string.Join(", ", allowed);
        return new OperationDecision(false, state, allowed, $"{reason} Allowed operations: {list}.");
    }

    /// <summary>The state after a running operation reports its outcome.</summary>
    public static MigrationItemState Apply(MigrationItemState state, MigrationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(state);
        return outcome switch
        {
            MigrationOutcome.SeedDisksCreated => state with { MigrationState = MigrationStates.InitialSeedingInProgress },
            MigrationOutcome.EnableFailed => state with { MigrationState = MigrationStates.EnableMigrationFailed },
            MigrationOutcome.InitialReplicationCompleted => state with { MigrationState = MigrationStates.Replicating, InitialReplicationCompleted = true, Health = ReplicationHealths.Normal },
            MigrationOutcome.InitialReplicationFailed => state with { MigrationState = MigrationStates.InitialSeedingFailed },
            MigrationOutcome.TestMigrationSucceeded => state with { TestMigrateState = TestMigrateStates.TestMigrationSucceeded },
            MigrationOutcome.TestMigrationFailed => state with { TestMigrateState = TestMigrateStates.TestMigrationFailed },
            MigrationOutcome.TestCleanupCompleted => state with { TestMigrateState = TestMigrateStates.None },
            MigrationOutcome.MigrationSucceeded => state with { MigrationState = MigrationStates.MigrationSucceeded, Migrated = true, Health = ReplicationHealths.None },
            MigrationOutcome.MigrationFailed => state with { MigrationState = MigrationStates.MigrationFailed },
            MigrationOutcome.SlotAcquired => state with { Queued = false },
            MigrationOutcome.DisableCompleted => state.Migrated
                ? new MigrationItemState(MigrationStates.MigrationSucceeded, Migrated: true, Completed: true)
                : MigrationItemState.Initial,
            MigrationOutcome.DisableFailed => state with { MigrationState = MigrationStates.DisableMigrationFailed },
            MigrationOutcome.PauseCompleted => state with { MigrationState = MigrationStates.ProtectionSuspended },
            MigrationOutcome.ResumeCompleted => state with { MigrationState = state.InitialReplicationCompleted ? MigrationStates.Replicating : MigrationStates.InitialSeedingInProgress },
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
        };
    }
}
