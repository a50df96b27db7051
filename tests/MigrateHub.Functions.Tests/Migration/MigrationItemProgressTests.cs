using MigrateHub.Functions.Migration;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Migration;

namespace MigrateHub.Functions.Tests.Migration;

public sealed class MigrationItemProgressTests
{
    private static readonly DateTime T0 = new(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTimeOffset At = new(2026, 12, 6, 8, 5, 0, TimeSpan.Zero);

    private static MachineLifecycleStatus Status(string? kind, bool initialDone) => new(MachineStates.Replicating, "vm-1", "vm-1", T0)
    {
        ProjectId = "p1",
        ApplianceId = "ap-01",
        InitialReplicationCompleted = initialDone,
        ReplicationProgressPercent = initialDone ? 100 : 0,
        CurrentCycle = kind is null ? null : new InFlightWork($"vm-1-000000-{kind}-0", kind, 0, T0, T0.AddHours(24), TimeSpan.Zero),
    };

    [Fact]
    public void A_seed_in_flight_shows_its_stored_percent_rounded_down_and_at_most_99()
    {
        var seeding = Status(WorkItemKinds.InitialSeed, initialDone: false);
        Assert.Equal(("p1_ap-01", "vm-1-000000-InitialSeed-0"), MigrationItemProgress.KeyOf("p1", seeding));

        var view = MigrationItemProgress.Apply(seeding, new WorkItemProgress(4_599, 10_000, At));
        Assert.Equal(45, view.ReplicationProgressPercent);
        Assert.Equal((4_599L, 10_000L, At), (view.BytesTransferred!.Value, view.TotalBytes!.Value, view.ProgressReportedAt!.Value));
        Assert.Equal(99, MigrationItemProgress.Apply(seeding, new WorkItemProgress(10_000, 10_000, At)).ReplicationProgressPercent);

        // No report yet: the lifecycle's 0, no bytes.
        var none = MigrationItemProgress.Apply(seeding, null);
        Assert.Equal(0, none.ReplicationProgressPercent);
        Assert.Null(none.BytesTransferred);
    }

    [Fact]
    public void After_the_initial_replication_a_delta_shows_its_bytes_but_the_percent_stays_100_and_nothing_in_flight_changes_nothing()
    {
        var delta = MigrationItemProgress.Apply(Status(WorkItemKinds.Delta, initialDone: true), new WorkItemProgress(10, 1_000, At));
        Assert.Equal(100, delta.ReplicationProgressPercent);
        Assert.Equal(10, delta.BytesTransferred);

        var idle = Status(null, initialDone: true);
        Assert.Null(MigrationItemProgress.KeyOf("p1", idle));
        Assert.Same(idle, MigrationItemProgress.Apply(idle, new WorkItemProgress(10, 1_000, At)));
    }

    [Fact]
    public void Free_usage_days_left_are_counted_at_the_time_asked_not_when_the_lifecycle_last_published()
    {
        // Published on the start day (180 left), read 10 and 200 days later with nothing published since.
        var published = Status(null, initialDone: true) with { ReplicationStartedAt = T0, FreeUsageDaysLeft = 180 };
        Assert.Equal(180, published.WithFreeUsageAt(At, 180).FreeUsageDaysLeft);
        Assert.Equal(170, published.WithFreeUsageAt(At.AddDays(10), 180).FreeUsageDaysLeft);
        Assert.Equal(0, published.WithFreeUsageAt(At.AddDays(200), 180).FreeUsageDaysLeft);

        // Not counted (replication not running): left as it is.
        var idle = published with { FreeUsageDaysLeft = null };
        Assert.Null(idle.WithFreeUsageAt(At.AddDays(10), 180).FreeUsageDaysLeft);
    }
}
