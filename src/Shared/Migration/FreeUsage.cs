namespace MigrateHub.Shared.Migration;

/// <summary>Free and billable days of one server in a period.</summary>
/// <param name="FreeDays">Days of replication inside the free window.</param>
/// <param name="BillableDays">Days of replication after it.</param>
public sealed record UsageDays(int FreeDays, int BillableDays);

/// <summary>
/// Migration usage is free for <see cref="FreeDays"/> days per server from the start of its replication
/// (DOMAIN.md §1). Days are UTC calendar days; the day replication starts is day 1, so days 1..180 are
/// free and day 181 is the first billable one.
/// </summary>
/// <param name="FreeDays">Length of the free window (180).</param>
public sealed record FreeUsagePolicy(int FreeDays = 180)
{
    /// <summary>The default policy (180 days).</summary>
    public static FreeUsagePolicy Default { get; } = new();

    /// <summary>The day number of <paramref name="at"/> in the server's replication (1 on the start day).</summary>
    public static int DayNumber(DateTimeOffset replicationStart, DateTimeOffset at) =>
        (DateOnly.FromDateTime(at.UtcDateTime).DayNumber - DateOnly.FromDateTime(replicationStart.UtcDateTime).DayNumber) + 1;

    /// <summary>Whether the day containing <paramref name="at"/> is billable.</summary>
    public bool IsBillable(DateTimeOffset replicationStart, DateTimeOffset at) => DayNumber(replicationStart, at) > FreeDays;

    /// <summary>Free days left after the day containing <paramref name="at"/> has been used (0 once billable).</summary>
    public int DaysLeft(DateTimeOffset replicationStart, DateTimeOffset at) =>
        Math.Clamp(FreeDays - Math.Max(0, DayNumber(replicationStart, at) - 1), 0, FreeDays);

    /// <summary>
    /// Free and billable days of replication between <paramref name="from"/> and <paramref name="to"/>
    /// (calendar days, <paramref name="from"/>'s day included, <paramref name="to"/>'s day excluded), counting only days
    /// from the replication start up to (excluding) the day replication stopped, if it did.
    /// </summary>
    public UsageDays ForPeriod(DateTimeOffset replicationStart, DateTimeOffset? replicationEnd, DateTimeOffset from, DateTimeOffset to)
    {
        var startDay = DateOnly.FromDateTime(replicationStart.UtcDateTime).DayNumber;
        var first = Math.Max(DateOnly.FromDateTime(from.UtcDateTime).DayNumber, startDay);
        var last = DateOnly.FromDateTime(to.UtcDateTime).DayNumber; // exclusive
        if (replicationEnd is { } end)
        {
            last = Math.Min(last, DateOnly.FromDateTime(end.UtcDateTime).DayNumber);
        }

        if (last <= first)
        {
            return new UsageDays(0, 0);
        }

        var freeEnd = startDay + FreeDays; // first billable day number
        var free = Math.Max(0, Math.Min(last, freeEnd) - first);
        var billable = (last - first) - free;
        return new UsageDays(free, billable);
    }
}
