using MigrateHub.Shared.Migration;

namespace MigrateHub.Shared.Tests.Migration;

public sealed class MigrationStateMachineTests
{
    private static MigrationItemState Replicating => new(MigrationStates.Replicating, TestMigrateStates.None, ReplicationHealths.Normal, InitialReplicationCompleted: true);

    [Fact]
    public void Journey_EnableToComplete_FollowsDomainStates()
    {
        var s = MigrationItemState.Initial;
        Assert.Empty(MigrationStateMachine.AllowedOperations(s));

        s = Accept(s, MigrationOperation.EnableReplication);
        Assert.Equal(MigrationStates.EnableMigrationInProgress, s.MigrationState);
        s = MigrationStateMachine.Apply(s, MigrationOutcome.SeedDisksCreated);
        Assert.Equal(MigrationStates.InitialSeedingInProgress, s.MigrationState);
        Assert.Equal([AllowedOperationNames.DisableMigration], MigrationStateMachine.AllowedOperations(s));
        s = MigrationStateMachine.Apply(s, MigrationOutcome.InitialReplicationCompleted);
        Assert.Equal(MigrationStates.Replicating, s.MigrationState);
        Assert.Equal(
            [AllowedOperationNames.DisableMigration, AllowedOperationNames.Migrate, AllowedOperationNames.PauseReplication, AllowedOperationNames.StartResync, AllowedOperationNames.TestMigrate],
            MigrationStateMachine.AllowedOperations(s));

        s = Accept(s, MigrationOperation.TestMigrate);
        Assert.Equal(TestMigrateStates.TestMigrationInProgress, s.TestMigrateState);
        Assert.Empty(MigrationStateMachine.AllowedOperations(s));
        s = MigrationStateMachine.Apply(s, MigrationOutcome.TestMigrationSucceeded);
        Assert.Equal([AllowedOperationNames.DisableMigration, AllowedOperationNames.TestMigrateCleanup], MigrationStateMachine.AllowedOperations(s));
        s = Accept(s, MigrationOperation.TestMigrateCleanup);
        Assert.Equal(TestMigrateStates.TestMigrationCleanupInProgress, s.TestMigrateState);
        s = MigrationStateMachine.Apply(s, MigrationOutcome.TestCleanupCompleted);
        Assert.Equal(TestMigrateStates.None, s.TestMigrateState);

        s = Accept(s, MigrationOperation.Migrate);
        Assert.Equal(MigrationStates.MigrationInProgress, s.MigrationState);
        s = MigrationStateMachine.Apply(s, MigrationOutcome.MigrationSucceeded);
        Assert.Equal([AllowedOperationNames.DisableMigration], MigrationStateMachine.AllowedOperations(s));
        s = Accept(s, MigrationOperation.CompleteMigration);
        Assert.Equal(MigrationStates.DisableMigrationInProgress, s.MigrationState);
        s = MigrationStateMachine.Apply(s, MigrationOutcome.DisableCompleted);
        Assert.True(s.Completed);
        Assert.Equal(MigrationStates.MigrationSucceeded, s.MigrationState);
        Assert.Empty(MigrationStateMachine.AllowedOperations(s));
        Assert.False(MigrationStateMachine.Decide(s, MigrationOperation.EnableReplication).Allowed);
    }

    [Fact]
    public void TestMigrate_NeedsInitialReplicationAndCleanup()
    {
        var seeding = new MigrationItemState(MigrationStates.InitialSeedingInProgress, Health: ReplicationHealths.Normal);
        var refused = MigrationStateMachine.Decide(seeding, MigrationOperation.TestMigrate);
        Assert.False(refused.Allowed);
        Assert.Equal([AllowedOperationNames.DisableMigration], refused.AllowedOperations);
        Assert.Contains("Allowed operations: DisableMigration", refused.Reason, StringComparison.Ordinal);

        var tested = Replicating with { TestMigrateState = TestMigrateStates.TestMigrationSucceeded };
        Assert.False(MigrationStateMachine.Decide(tested, MigrationOperation.TestMigrate).Allowed);
        Assert.False(MigrationStateMachine.Decide(tested, MigrationOperation.Migrate).Allowed);
        var failedTest = Replicating with { TestMigrateState = TestMigrateStates.TestMigrationFailed };
        Assert.True(MigrationStateMachine.Decide(failedTest, MigrationOperation.TestMigrateCleanup).Allowed);
    }

    [Fact]
    public void PauseResumeAndResync_MoveThroughTheirStates()
    {
        var paused = MigrationStateMachine.Apply(Accept(Replicating, MigrationOperation.PauseReplication), MigrationOutcome.PauseCompleted);
        Assert.Equal(MigrationStates.ProtectionSuspended, paused.MigrationState);
        Assert.Equal([AllowedOperationNames.DisableMigration, AllowedOperationNames.ResumeReplication], MigrationStateMachine.AllowedOperations(paused));
        Assert.False(MigrationStateMachine.Decide(paused, MigrationOperation.Migrate).Allowed);

        var resuming = Accept(paused, MigrationOperation.ResumeReplication);
        Assert.Equal(MigrationStates.ResumeInProgress, resuming.MigrationState);
        Assert.Equal(MigrationStates.Replicating, MigrationStateMachine.Apply(resuming, MigrationOutcome.ResumeCompleted).MigrationState);

        var resync = Accept(Replicating, MigrationOperation.Resync);
        Assert.Equal(MigrationStates.InitialSeedingInProgress, resync.MigrationState);
        Assert.Equal(MigrationStates.Replicating, MigrationStateMachine.Apply(resync, MigrationOutcome.InitialReplicationCompleted).MigrationState);
    }

    [Fact]
    public void Disable_BeforeMigration_ReturnsToNone_AndAllowsEnableAgain()
    {
        var disabling = Accept(Replicating, MigrationOperation.DisableReplication);
        var disabled = MigrationStateMachine.Apply(disabling, MigrationOutcome.DisableCompleted);
        Assert.Equal(MigrationItemState.Initial, disabled);
        Assert.True(MigrationStateMachine.Decide(disabled, MigrationOperation.EnableReplication).Allowed);
    }

    [Fact]
    public void EveryOperation_InEveryState_IsAllowedExactlyWhenItsNameIsListed()
    {
        string[] states = [MigrationStates.None, MigrationStates.EnableMigrationInProgress, MigrationStates.EnableMigrationFailed,
            MigrationStates.DisableMigrationInProgress, MigrationStates.DisableMigrationFailed, MigrationStates.InitialSeedingInProgress,
            MigrationStates.InitialSeedingFailed, MigrationStates.Replicating, MigrationStates.MigrationInProgress, MigrationStates.MigrationSucceeded,
            MigrationStates.MigrationFailed, MigrationStates.MigrationCompletedWithInformation, MigrationStates.MigrationPartiallySucceeded,
            MigrationStates.ResumeInProgress, MigrationStates.ResumeInitiated, MigrationStates.SuspendingProtection, MigrationStates.ProtectionSuspended];
        string[] tests = [TestMigrateStates.None, TestMigrateStates.TestMigrationInProgress, TestMigrateStates.TestMigrationSucceeded,
            TestMigrateStates.TestMigrationFailed, TestMigrateStates.TestMigrationCleanupInProgress];
        foreach (var m in states)
        {
            foreach (var t in tests)
            {
                var state = new MigrationItemState(m, t, ReplicationHealths.Normal, InitialReplicationCompleted: true, Migrated: m == MigrationStates.MigrationSucceeded);
                var allowed = MigrationStateMachine.AllowedOperations(state);
                foreach (var op in Enum.GetValues<MigrationOperation>())
                {
                    var decision = MigrationStateMachine.Decide(state, op);
                    var expected = op switch
                    {
                        MigrationOperation.EnableReplication => m == MigrationStates.None,
                        MigrationOperation.CompleteMigration => m == MigrationStates.MigrationSucceeded && allowed.Contains(AllowedOperationNames.DisableMigration),
                        MigrationOperation.DisableReplication => allowed.Contains(AllowedOperationNames.DisableMigration),
                        MigrationOperation.Resync => allowed.Contains(AllowedOperationNames.StartResync),
                        _ => allowed.Contains(op.ToString()),
                    };
                    Assert.True(expected == decision.Allowed, $"{op} in {m}/{t}: expected {expected}");
                    if (!decision.Allowed)
                    {
                        Assert.Equal(state, decision.Next);
                        Assert.NotNull(decision.Reason);
                    }
                }
            }
        }
    }

    private static MigrationItemState Accept(MigrationItemState state, MigrationOperation operation)
    {
        var decision = MigrationStateMachine.Decide(state, operation);
        Assert.True(decision.Allowed, decision.Reason);
        return decision.Next;
    }
}
