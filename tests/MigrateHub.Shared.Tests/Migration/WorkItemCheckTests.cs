using MigrateHub.Shared.Migration;

namespace MigrateHub.Shared.Tests.Migration;

public sealed class WorkItemCheckTests
{
    private static readonly DateTimeOffset Issued = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private static WorkItemCheck Check(TimeSpan deadlineAfter) =>
        new("p", "a", "s", "w", Issued, Issued.AddMinutes(5), Issued + deadlineAfter, TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData(5, 10)]     // ran 5 min: look again after one poll interval
    [InlineData(12, 24)]    // ran 12 min: after as long again
    [InlineData(30, 50)]    // ran 30 min: at most four poll intervals
    [InlineData(600, 620)]  // ran 10 h: still four
    public void Looks_back_off_to_the_time_the_work_has_run_between_one_and_four_poll_intervals(int ranMinutes, int nextMinutes)
    {
        var check = Check(TimeSpan.FromHours(24));
        Assert.Equal(Issued.AddMinutes(nextMinutes), check.NextCheck(Issued.AddMinutes(ranMinutes)));
    }

    [Fact]
    public void The_look_before_the_deadline_is_at_the_deadline_so_silence_is_declared_on_time()
    {
        var check = Check(TimeSpan.FromMinutes(40));
        Assert.Equal(Issued.AddMinutes(40), check.NextCheck(Issued.AddMinutes(30)));
        Assert.Equal(Issued.AddMinutes(60), check.NextCheck(Issued.AddMinutes(40)));
    }
}
