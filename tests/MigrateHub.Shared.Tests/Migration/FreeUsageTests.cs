using MigrateHub.Shared.Migration;

namespace MigrateHub.Shared.Tests.Migration;

public sealed class FreeUsageTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 10, 15, 30, 0, TimeSpan.Zero);
    private static readonly FreeUsagePolicy Policy = FreeUsagePolicy.Default;

    [Fact]
    public void Day179And180_AreFree_Day181_IsBillable()
    {
        Assert.Equal(1, FreeUsagePolicy.DayNumber(Start, Start));
        Assert.False(Policy.IsBillable(Start, Start.AddDays(178)));  // day 179
        Assert.False(Policy.IsBillable(Start, Start.AddDays(179)));  // day 180
        Assert.True(Policy.IsBillable(Start, Start.AddDays(180)));   // day 181
        Assert.Equal(181, FreeUsagePolicy.DayNumber(Start, Start.AddDays(180)));
    }

    [Fact]
    public void DaysLeft_CountsDownToZero()
    {
        Assert.Equal(180, Policy.DaysLeft(Start, Start));
        Assert.Equal(2, Policy.DaysLeft(Start, Start.AddDays(178)));
        Assert.Equal(1, Policy.DaysLeft(Start, Start.AddDays(179)));
        Assert.Equal(0, Policy.DaysLeft(Start, Start.AddDays(180)));
        Assert.Equal(0, Policy.DaysLeft(Start, Start.AddDays(400)));
        Assert.Equal(180, Policy.DaysLeft(Start, Start.AddDays(-3)));
    }

    [Fact]
    public void ForPeriod_SplitsFreeAndBillableDays()
    {
        var day = Start.UtcDateTime.Date;
        Assert.Equal(new UsageDays(1, 0), Policy.ForPeriod(Start, null, day.AddDays(178), day.AddDays(179))); // day 179 alone
        Assert.Equal(new UsageDays(0, 1), Policy.ForPeriod(Start, null, day.AddDays(180), day.AddDays(181))); // day 181 alone
        Assert.Equal(new UsageDays(2, 3), Policy.ForPeriod(Start, null, day.AddDays(178), day.AddDays(183)));
        Assert.Equal(new UsageDays(180, 20), Policy.ForPeriod(Start, null, day.AddDays(-30), day.AddDays(200)));
        Assert.Equal(new UsageDays(10, 0), Policy.ForPeriod(Start, day.AddDays(10), day, day.AddDays(300)));  // replication stopped on day 11
        Assert.Equal(new UsageDays(0, 0), Policy.ForPeriod(Start, null, day.AddDays(-10), day));
    }
}
