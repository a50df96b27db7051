using MigrateHub.Appliance.Replication;

namespace MigrateHub.Appliance.Tests;

public sealed class ProgressScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static TransferView Seed(long done, long total = 1000, string id = "a-0-InitialSeed") =>
        new(id, "a", "name-a", "InitialSeed", 0, total, done, T0);

    [Fact]
    public void Progress_is_due_at_each_new_step_but_not_twice_in_a_step_nor_more_often_than_the_interval()
    {
        var schedule = new ProgressSchedule(10, TimeSpan.FromSeconds(1));
        Assert.True(schedule.Enabled);
        Assert.False(schedule.Due(Seed(0), T0));
        Assert.False(schedule.Due(Seed(99), T0));      // 9.9 %: no step crossed yet
        Assert.True(schedule.Due(Seed(100), T0));      // 10 %: the first report goes at once
        schedule.Sent(Seed(100), T0);

        Assert.False(schedule.Due(Seed(150), T0.AddSeconds(5)));          // same step
        Assert.False(schedule.Due(Seed(350), T0.AddMilliseconds(900)));   // new step, too soon
        Assert.True(schedule.Due(Seed(350), T0.AddSeconds(1)));           // 35 %: one report for steps 2 and 3
        schedule.Sent(Seed(350), T0.AddSeconds(1));
        Assert.Equal(3, schedule.StepOf(Seed(350)));
        Assert.False(schedule.Due(Seed(399), T0.AddSeconds(10)));
        Assert.True(schedule.Due(Seed(400), T0.AddSeconds(10)));
    }

    [Fact]
    public void A_finished_transfer_a_shutdown_and_a_disabled_schedule_never_report_and_forgotten_work_starts_over()
    {
        var schedule = new ProgressSchedule(10, TimeSpan.Zero);
        Assert.False(schedule.Due(Seed(1000), T0));                                                             // 100 %: the report follows
        Assert.False(schedule.Due(new TransferView("a-4-SourceShutdown", "a", "name-a", "SourceShutdown", 4, 0, 0, T0), T0));
        Assert.False(new ProgressSchedule(0, TimeSpan.Zero).Due(Seed(500), T0));
        Assert.False(new ProgressSchedule(0, TimeSpan.Zero).Enabled);

        schedule.Sent(Seed(500), T0);
        Assert.False(schedule.Due(Seed(500), T0.AddSeconds(1)));
        schedule.Retain(["b-0-InitialSeed"]);
        Assert.True(schedule.Due(Seed(500), T0.AddSeconds(1)));

        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressSchedule(-1, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressSchedule(101, TimeSpan.Zero));
    }
}
