namespace MigrateHub.Shared.Migration;

/// <summary>
/// When the next delta cycle starts (DOMAIN.md §5): right after the initial replication, then
/// <c>min(max(Minimum, previous cycle duration / 2), Maximum)</c> after the previous cycle ended
/// (1 hour and 12 hours in production; compressed in tests). A cadence override (per server, else per
/// project) replaces the formula.
/// </summary>
/// <param name="Minimum">Lower bound of the interval (1 hour).</param>
/// <param name="Maximum">Upper bound of the interval (12 hours).</param>
public sealed record ReplicationSchedule(TimeSpan Minimum, TimeSpan Maximum)
{
    /// <summary>The production schedule: 1 hour to 12 hours.</summary>
    public static ReplicationSchedule Default { get; } = new(TimeSpan.FromHours(1), TimeSpan.FromHours(12));

    /// <summary>The wait between the end of the previous cycle and the start of the next.</summary>
    /// <param name="previousCycleDuration">Duration of the previous cycle.</param>
    /// <param name="previousWasInitial">Whether the previous cycle was the initial replication (the first delta starts at once).</param>
    /// <param name="serverCadence">Cadence override set on the server.</param>
    /// <param name="projectCadence">Cadence override set on the project.</param>
    public TimeSpan NextDelay(TimeSpan previousCycleDuration, bool previousWasInitial, TimeSpan? serverCadence = null, TimeSpan? projectCadence = null)
    {
        if (serverCadence is { } s && s > TimeSpan.Zero)
        {
            return s;
        }

        if (projectCadence is { } p && p > TimeSpan.Zero)
        {
            return p;
        }

        if (previousWasInitial)
        {
            return TimeSpan.Zero;
        }

        var half = previousCycleDuration / 2;
        var atLeast = half > Minimum ? half : Minimum;
        return atLeast < Maximum ? atLeast : Maximum;
    }
}

/// <summary>A weekly window in which replication cycles do not run and a migration may not start (UTC).</summary>
/// <param name="Day">Day of week the window starts.</param>
/// <param name="Start">Time of day it starts.</param>
/// <param name="Duration">How long it lasts (may cross midnight or the end of the week; less than 7 days).</param>
public sealed record BlackoutWindow(DayOfWeek Day, TimeOnly Start, TimeSpan Duration)
{
    /// <summary>A problem with the window, or null when it is valid.</summary>
    public string? Validate() =>
        Duration <= TimeSpan.Zero || Duration >= TimeSpan.FromDays(7)
            ? $"A blackout window's duration must be more than zero and less than 7 days; it is {Duration}."
            : null;

    /// <summary>The end of the occurrence of this window that contains <paramref name="at"/>, or null when outside.</summary>
    public DateTimeOffset? EndIfInside(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        var daysBack = ((int)utc.DayOfWeek - (int)Day + 7) % 7;
        var start = new DateTimeOffset(utc.UtcDateTime.Date, TimeSpan.Zero).AddDays(-daysBack) + Start.ToTimeSpan();
        if (start > utc)
        {
            start = start.AddDays(-7);
        }

        var end = start + Duration;
        return utc < end ? end : null;
    }
}

/// <summary>Blackout window arithmetic.</summary>
public static class Blackouts
{
    /// <summary>Whether <paramref name="at"/> is inside any window.</summary>
    public static bool IsInside(IReadOnlyList<BlackoutWindow> windows, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return windows.Any(w => w.EndIfInside(at) is not null);
    }

    /// <summary>The earliest time at or after <paramref name="at"/> outside every window (adjacent and overlapping windows are chained).</summary>
    public static DateTimeOffset NextAllowedStart(IReadOnlyList<BlackoutWindow> windows, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var t = at;
        for (var guard = 0; guard < 64; guard++)
        {
            DateTimeOffset? end = null;
            foreach (var w in windows)
            {
                if (w.EndIfInside(t) is { } e && (end is null || e > end))
                {
                    end = e;
                }
            }

            if (end is null)
            {
                return t;
            }

            t = end.Value;
        }

        throw new InvalidOperationException("The blackout windows cover the whole week; replication could never run.");
    }
}

/// <summary>How a replication cycle ended.</summary>
public enum CycleOutcome
{
    /// <summary>The appliance reported success.</summary>
    Succeeded,
    /// <summary>The appliance reported a failure.</summary>
    Failed,
    /// <summary>No report arrived in time.</summary>
    Silent,
}

/// <summary>Replication health and the count of failed or silent cycles in a row.</summary>
/// <param name="Health">A <see cref="ReplicationHealths"/> value.</param>
/// <param name="ConsecutiveFailures">Failed or silent cycles since the last success.</param>
/// <param name="LastError">What the last failure was.</param>
public sealed record ReplicationHealthState(string Health, int ConsecutiveFailures, string? LastError)
{
    /// <summary>Healthy.</summary>
    public static ReplicationHealthState Normal { get; } = new(ReplicationHealths.Normal, 0, null);

    /// <summary>
    /// The health after a cycle: success -> Normal; a failed or silent cycle -> Warning, and Critical
    /// from the <paramref name="criticalAfter"/>-th in a row. The failed cycle is retried by the next one.
    /// </summary>
    public ReplicationHealthState After(CycleOutcome outcome, string? error = null, int criticalAfter = 3)
    {
        if (outcome == CycleOutcome.Succeeded)
        {
            return Normal;
        }

        var failures = ConsecutiveFailures + 1;
        var message = error ?? (outcome == CycleOutcome.Silent ? "The appliance did not report the cycle in time." : "The replication cycle failed.");
        return new ReplicationHealthState(failures >= Math.Max(1, criticalAfter) ? ReplicationHealths.Critical : ReplicationHealths.Warning, failures, message);
    }
}
